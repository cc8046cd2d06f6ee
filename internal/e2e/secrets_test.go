package e2e

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cradle-sync/cradle/internal/sogotest"
)

// The password never lands in the configuration, the state database or
// the logs; only in the secrets store (here the 0600 fallback file, as on a
// machine without a keyring service).
func TestPasswordOnlyInTheSecretsStore(t *testing.T) {
	srv := sogotest.Start(t)
	user, pass := srv.NewUser(t)
	srv.PutContact(t, user, pass, "a.vcf", "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:a\r\nFN:A B\r\nN:B;A;;;\r\nEND:VCARD\r\n")
	in := newInstall(t, srv, user, pass)
	cmd := in.start()
	in.waitState("waiting", 2*time.Minute) // it has synced and holds a Ping
	cmd.Process.Kill()
	cmd.Wait()
	in.syncOnce()
	found := 0
	for _, root := range []string{in.dirs.Config, in.dirs.Data} {
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return nil
			}
			if !bytes.Contains(b, []byte(pass)) {
				return nil
			}
			if filepath.Base(p) == "secrets.json" {
				found++
				fi, _ := os.Stat(p)
				if fi.Mode().Perm() != 0o600 {
					t.Errorf("secrets file mode %v, want 0600", fi.Mode().Perm())
				}
				return nil
			}
			t.Errorf("the password is in %s", p)
			return nil
		})
	}
	if found != 1 {
		t.Fatalf("password found in %d secrets files, want 1", found)
	}
	log, _ := os.ReadFile(filepath.Join(in.dirs.Data, "daemon.log"))
	if len(log) == 0 || strings.Contains(string(log), pass) {
		t.Fatalf("daemon log empty or holds the password (%d bytes)", len(log))
	}
}
