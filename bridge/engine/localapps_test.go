package engine_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// requireTool finds a local application the test drives; under CI it must
// be installed (make test does that).
func requireTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not installed; make test installs it", name)
		}
		t.Skipf("%s is not installed", name)
	}
	return p
}

// Real desktop applications read what Cradle writes: khard lists the
// synced contacts and khal the synced events, from Cradle's vdirs.
func TestLiveKhardAndKhalReadCradlesVdirs(t *testing.T) {
	khard := requireTool(t, "khard")
	khal := requireTool(t, "khal")
	l := newLive(t, nil, func(l *live) {
		l.srv.PutContact(t, l.user, l.pass, "turing.vcf", vcard("turing", "Alan", "Turing", "EMAIL;TYPE=work:alan@example.test"))
		l.srv.PutEvent(t, l.user, l.pass, "review.ics", strings.Replace(vevent("review", "Design review"),
			"20261201T100000Z", time.Now().Add(48*time.Hour).UTC().Format("20060102T150405Z"), 2))
	})
	l.waiting()
	contacts, calendar := l.folder("contacts").LocalPath, l.folder("calendar").LocalPath
	l.until("items synced", time.Minute, func() bool {
		return grepDir(contacts, "Turing") != "" && grepDir(calendar, "Design review") != ""
	})

	home := t.TempDir()
	khardConf := filepath.Join(home, "khard.conf")
	os.WriteFile(khardConf, []byte("[addressbooks]\n[[sogo]]\npath = "+contacts+"\n\n[general]\ndefault_action = list\neditor = true\nmerge_editor = true\n"), 0o600)
	out, err := exec.Command(khard, "-c", khardConf, "list", "--parsable").CombinedOutput()
	if err != nil {
		t.Fatalf("khard: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "Turing") || !strings.Contains(string(out), "Seed") {
		t.Fatalf("khard does not list the synced contacts:\n%s", out)
	}

	khalConf := filepath.Join(home, "khal.conf")
	os.WriteFile(khalConf, []byte("[calendars]\n[[sogo]]\npath = "+calendar+"\ntype = calendar\n\n[locale]\ntimeformat = %H:%M\ndateformat = %Y-%m-%d\nlongdateformat = %Y-%m-%d\ndatetimeformat = %Y-%m-%d %H:%M\nlongdatetimeformat = %Y-%m-%d %H:%M\n\n[default]\ndefault_calendar = sogo\n"), 0o600)
	cmd := exec.Command(khal, "-c", khalConf, "list", "--format", "{title}", "today", "7d")
	cmd.Env = append(os.Environ(), "XDG_DATA_HOME="+filepath.Join(home, "data"), "XDG_CACHE_HOME="+filepath.Join(home, "cache"))
	out, err = cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("khal: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "Design review") {
		t.Fatalf("khal does not list the synced event:\n%s", out)
	}
}
