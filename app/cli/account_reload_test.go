package cli

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/cradle-sync/cradle/bridge/api"
	"github.com/cradle-sync/cradle/bridge/control"
	"github.com/cradle-sync/cradle/bridge/control/controltest"
	"github.com/cradle-sync/cradle/push/eastest"
)

// fakeDaemon serves b on the control socket the CLI looks for, in fresh
// configuration and data directories.
func fakeDaemon(t *testing.T, b api.Backend) {
	t.Helper()
	// Short: Unix socket paths are limited to about 100 bytes.
	data, err := os.MkdirTemp("", "cradle")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(data) })
	t.Setenv("CRADLE_DATA_DIR", data)
	t.Setenv("CRADLE_CONFIG_DIR", filepath.Join(t.TempDir(), "config"))
	t.Setenv("CRADLE_SECRETS", "file")
	if b == nil {
		return
	}
	path, err := control.DefaultPath()
	if err != nil {
		t.Fatal(err)
	}
	ln, err := control.Listen(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- control.Serve(ctx, ln, b) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
}

// Adding or removing an account asks a running daemon to reload, so the
// account starts or stops syncing without a restart; the password is
// deleted only after the daemon has stopped the session.
func TestAccountChangesReloadDaemon(t *testing.T) {
	srv := eastest.Start(t, eastest.Config{})
	for _, tc := range []struct {
		name          string
		daemon        func() (api.Backend, *controltest.Backend)
		added, remove string // expected output lines
		calls         []string
	}{
		{"running daemon", func() (api.Backend, *controltest.Backend) {
			b := controltest.NewBackend(api.Status{})
			return b, b
		}, "the running daemon is syncing it now", "the running daemon stopped syncing it",
			[]string{"Status", "Reload", "Status", "Reload"}},
		{"daemon without reload", func() (api.Backend, *controltest.Backend) {
			b := controltest.NewBackend(api.Status{})
			return controltest.Basic(b), b
		}, "too old to reload", "too old to reload", []string{"Status", "Status"}},
		{"no daemon", func() (api.Backend, *controltest.Backend) { return nil, nil }, "", "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			served, fake := tc.daemon()
			fakeDaemon(t, served)
			out, code := run(t, "pw\n", "account", "add", "work", "--url", srv.URL, "--user", "ann", "--password-stdin")
			if code != 0 || !strings.Contains(out, "account work added") || !strings.Contains(out, tc.added) {
				t.Fatalf("add: exit %d:\n%s", code, out)
			}
			if tc.added == "" && strings.Contains(out, "running daemon") {
				t.Errorf("add without a daemon mentions one:\n%s", out)
			}
			out, code = run(t, "", "account", "remove", "work")
			if code != 0 || !strings.Contains(out, "account work removed") || !strings.Contains(out, tc.remove) {
				t.Fatalf("remove: exit %d:\n%s", code, out)
			}
			if fake != nil {
				if calls := fake.Calls(); !reflect.DeepEqual(calls, tc.calls) {
					t.Errorf("daemon calls = %q, want %q", calls, tc.calls)
				}
			}
		})
	}
}
