//go:build cgo && unix

package desktop

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The window asks the cradle program, which writes an entry for
// `cradle run`; here a stand-in cradle on PATH keeps the state in a file.
func TestCradleAutostartAsksTheCradleProgram(t *testing.T) {
	dir := t.TempDir()
	state := filepath.Join(dir, "state")
	script := "#!/bin/sh\n[ \"$1\" = autostart ] || exit 2\ncase \"$2\" in\n" +
		"status) /bin/cat " + state + " 2>/dev/null || echo off ;;\n" +
		"on|off) echo \"$2\" > " + state + " ;;\n" +
		"*) echo \"bad argument $2\" >&2; exit 1 ;;\nesac\n"
	if err := os.WriteFile(filepath.Join(dir, "cradle"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir)
	var a cradleAutostart
	if on, err := a.Autostart(); err != nil || on {
		t.Fatalf("initially: %v, %v; want off", on, err)
	}
	if err := a.SetAutostart(true); err != nil {
		t.Fatal(err)
	}
	if on, err := a.Autostart(); err != nil || !on {
		t.Fatalf("after on: %v, %v", on, err)
	}
	if err := os.WriteFile(state, []byte("maybe\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Autostart(); err == nil || !strings.Contains(err.Error(), "maybe") {
		t.Fatalf("an unexpected answer was accepted: %v", err)
	}
	t.Setenv("PATH", t.TempDir())
	if _, err := a.Autostart(); err == nil {
		t.Fatal("no cradle program, yet no error")
	}
}
