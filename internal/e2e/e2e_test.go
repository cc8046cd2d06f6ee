// Package e2e runs the real cradle binary against the project's SOGo peer:
// what a user runs, killed the way power failures kill it.
package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/bridge/config"
	"github.com/cradle-sync/cradle/internal/sogotest"
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "cradle-e2e")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "cradle")
	out, err := exec.Command("go", "build", "-o", binary, "github.com/cradle-sync/cradle").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "build cradle: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type install struct {
	t    testing.TB
	dirs config.Dirs
	env  []string
}

func newInstall(t *testing.T, srv *sogotest.Server, user, pass string) *install {
	return newInstallTB(t, srv, user, pass)
}

func newInstallTB(t testing.TB, srv *sogotest.Server, user, pass string) *install {
	root := t.TempDir()
	in := &install{t: t, dirs: config.Dirs{Config: filepath.Join(root, "config"), Data: filepath.Join(root, "data")}}
	in.env = append(os.Environ(), "CRADLE_CONFIG_DIR="+in.dirs.Config, "CRADLE_DATA_DIR="+in.dirs.Data, "CRADLE_SECRETS=file",
		// Short Pings: SOGo serves an abandoned Ping until its heartbeat
		// ends, and these tests stop daemons in every way.
		"CRADLE_MAX_HEARTBEAT=30s")
	cmd := exec.Command(binary, "account", "add", "sogo", "--url", srv.EASURL(), "--user", user, "--password-stdin")
	cmd.Env = in.env
	cmd.Stdin = strings.NewReader(pass + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("account add: %v\n%s", err, out)
	}
	return in
}

func (in *install) start() *exec.Cmd {
	cmd := exec.Command(binary, "run", "--no-tray")
	cmd.Env = in.env
	logf, _ := os.OpenFile(filepath.Join(in.dirs.Data, "daemon.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		in.t.Fatal(err)
	}
	return cmd
}

func (in *install) syncOnce() string {
	in.t.Helper()
	cmd := exec.Command(binary, "sync", "--once")
	cmd.Env = in.env
	out, err := cmd.CombinedOutput()
	if err != nil {
		in.t.Fatalf("sync --once: %v\n%s", err, out)
	}
	return string(out)
}

// waitState asks the running daemon (over its control socket, through the
// CLI) until the account reports state.
func (in *install) waitState(state string, within time.Duration) {
	in.t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		cmd := exec.Command(binary, "status", "--json")
		cmd.Env = in.env
		out, err := cmd.Output()
		if err == nil && strings.Contains(string(out), `"state": "`+state+`"`) {
			return
		}
		time.Sleep(100 * time.Millisecond) // the daemon is another process: asking again is the only way
	}
	log, _ := os.ReadFile(filepath.Join(in.dirs.Data, "daemon.log"))
	in.t.Fatalf("daemon did not reach %q within %v; its log:\n%s", state, within, log)
}

func (in *install) contactsDir() string {
	return filepath.Join(in.dirs.Data, "accounts", "sogo", "contacts", "personal-address-book")
}

func countVCF(dir string) (n int, names map[string]int) {
	names = map[string]int{}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".vcf") || strings.Contains(e.Name(), ".sync-conflict-") {
			continue
		}
		n++
		b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(line, "FN:") {
				names[strings.TrimSpace(line)]++
			}
		}
	}
	return n, names
}

// Kill -9 during an initial sync of 1,000 contacts, several times, with
// local additions made between the kills: in the end both sides hold
// exactly the same items, none lost, none twice.
func TestKillDuringInitialSyncLosesAndDuplicatesNothing(t *testing.T) {
	srv := sogotest.Start(t)
	user, pass := srv.NewUser(t)
	const n = 1000
	for i := 0; i < n; i++ {
		uid := fmt.Sprintf("c%04d", i)
		srv.PutContact(t, user, pass, uid+".vcf", fmt.Sprintf(
			"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:%s\r\nFN:Person %04d\r\nN:%04d;Person;;;\r\nTEL;TYPE=CELL:+1 555 %04d\r\nEND:VCARD\r\n", uid, i, i, i))
	}
	srv.PutEvent(t, user, pass, "seed.ics", "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:seed\r\nDTSTAMP:20261126T100000Z\r\nDTSTART:20261201T100000Z\r\nDTEND:20261201T110000Z\r\nSUMMARY:seed\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
	in := newInstall(t, srv, user, pass)
	dir := in.contactsDir()

	kills := 0
	local := 0
	for _, at := range []int{1, 150, 420, 700, 930} {
		cmd := in.start()
		began := time.Now()
		deadline := began.Add(2 * time.Minute)
		for {
			c, _ := countVCF(dir)
			if c >= at || time.Now().After(deadline) {
				break
			}
			time.Sleep(5 * time.Millisecond) // polling the disk is the observation here, not a wait for the code under test
		}
		// A local addition racing with the sync.
		if err := os.MkdirAll(dir, 0o700); err == nil {
			name := fmt.Sprintf("local-%d.vcf", local)
			os.WriteFile(filepath.Join(dir, name), []byte(fmt.Sprintf(
				"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:local-%d\r\nFN:Local %d\r\nN:%d;Local;;;\r\nEND:VCARD\r\n", local, local, local)), 0o600)
			local++
		}
		c, _ := countVCF(dir)
		t.Logf("kill %d at %d files after %v", kills+1, c, time.Since(began).Round(time.Millisecond))
		time.Sleep(time.Duration(20+kills*37) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		kills++
	}
	in.syncOnce()
	in.syncOnce() // the second pass must find nothing left to do

	got, names := countVCF(dir)
	server := srv.ListContacts(t, user, pass)
	dups := 0
	for name, c := range names {
		if c > 1 {
			dups += c - 1
			t.Errorf("%s is there %d times locally", name, c)
		}
	}
	want := n + local
	lost := want - (got - dups)
	t.Logf("kills=%d local-adds=%d local=%d server=%d lost=%d duplicated=%d", kills, local, got, len(server), lost, dups)
	if got != want || len(server) != want {
		log, _ := os.ReadFile(filepath.Join(in.dirs.Data, "daemon.log"))
		os.WriteFile("/tmp/kill-daemon.log", log, 0o644)
		t.Fatalf("local %d, server %d; want %d on both (daemon log in /tmp/kill-daemon.log)", got, len(server), want)
	}
}
