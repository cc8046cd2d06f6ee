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

	"github.com/cradle-sync/cradle/internal/sogotest"
)

// A feature phone (gammu's dummy phone, driven by the real gammu) paired
// with an account's address book: the daemon brings the phone's contact to
// the server and the server's contact to the phone.
func TestDaemonReconcilesPairedPhoneWithServer(t *testing.T) {
	if _, err := exec.LookPath("gammu"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("gammu not installed: %v", err)
		}
		t.Skipf("gammu not installed: %v", err)
	}
	srv := sogotest.Start(t)
	user, pass := srv.NewUser(t)
	srv.PutContact(t, user, pass, "office.vcf", "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:office\r\nFN:Office Reception\r\nN:Reception;Office;;;\r\nTEL;TYPE=work:+44 20 7946 0000\r\nEND:VCARD\r\n")
	srv.PutEvent(t, user, pass, "seed.ics", "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:seed\r\nDTSTAMP:20261126T100000Z\r\nDTSTART:20261201T100000Z\r\nDTEND:20261201T110000Z\r\nSUMMARY:seed\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
	in := newInstall(t, srv, user, pass)
	in.syncOnce()

	phone := filepath.Join(t.TempDir(), "phone")
	os.MkdirAll(filepath.Join(phone, "pbk", "ME"), 0o755)
	os.WriteFile(filepath.Join(phone, "pbk", "ME", "1"), []byte(
		"BEGIN:VCARD\r\nVERSION:2.1\r\nN:Mobile;Maria\r\nTEL;CELL:+49 151 23456789\r\nEND:VCARD\r\n"), 0o644)
	rc := filepath.Join(t.TempDir(), "gammurc")
	os.WriteFile(rc, []byte(fmt.Sprintf("[gammu]\nconnection = none\nmodel = dummy\ndevice = %s\n", phone)), 0o600)
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command(binary, args...)
		cmd.Env = in.env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("cradle %v: %v\n%s", args, err, out)
		}
	}
	run("devices", "add", "gammu", "nokia", "--gammurc", rc)
	run("devices", "pair", "nokia", "--contacts", in.contactsDir())

	cmd := in.start()
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
		// SOGo keeps serving an abandoned Ping until its heartbeat ends;
		// a request from the same device releases it at once.
		in.syncOnce()
	}()
	deadline := time.Now().Add(90 * time.Second)
	serverHas := func(s string) bool {
		for _, n := range srv.ListContacts(t, user, pass) {
			if c, ok := srv.GetContact(t, user, pass, n); ok && strings.Contains(c, s) {
				return true
			}
		}
		return false
	}
	phoneHas := func(s string) bool {
		ents, _ := os.ReadDir(filepath.Join(phone, "pbk", "ME"))
		for _, e := range ents {
			b, _ := os.ReadFile(filepath.Join(phone, "pbk", "ME", e.Name()))
			if strings.Contains(string(b), s) {
				return true
			}
		}
		return false
	}
	for !(serverHas("Maria") && phoneHas("Reception")) {
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(in.dirs.Data, "daemon.log"))
			t.Fatalf("phone contact on server: %v, server contact on phone: %v\n%s", serverHas("Maria"), phoneHas("Reception"), log)
		}
		time.Sleep(200 * time.Millisecond) // observing two other processes from outside
	}
}
