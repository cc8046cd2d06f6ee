//go:build unix && !darwin

package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// `cradle autostart` writes and removes the XDG entry and prints the
// state it leaves behind.
func TestAutostartCommand(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	t.Setenv("XDG_CONFIG_DIRS", filepath.Join(dir, "none"))
	entry := filepath.Join(dir, "autostart", "cradle.desktop")
	autostart := func(arg string) (string, int) {
		out, code := run(t, "", "autostart", arg)
		return strings.TrimSpace(out), code
	}
	steps := []struct {
		arg, want string
		exists    bool
	}{
		{"status", "off", false},
		{"on", "on", true},
		{"status", "on", true},
		{"off", "off", false},
		{"status", "off", false},
	}
	for _, s := range steps {
		out, code := autostart(s.arg)
		if code != 0 || out != s.want {
			t.Fatalf("autostart %s: %q, exit %d; want %q", s.arg, out, code, s.want)
		}
		if _, err := os.Stat(entry); (err == nil) != s.exists {
			t.Fatalf("after autostart %s: entry exists %v, want %v", s.arg, err == nil, s.exists)
		}
	}
	if out, code := autostart("maybe"); code == 0 {
		t.Fatalf("autostart maybe succeeded: %q", out)
	}
}
