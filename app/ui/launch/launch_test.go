package launch

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestFind(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the test writes Unix executables")
	}
	install := t.TempDir()
	elsewhere := t.TempDir()
	exe := filepath.Join(install, "cradle")
	for _, p := range []string{exe, filepath.Join(elsewhere, Program)} {
		if err := os.WriteFile(p, []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", elsewhere)

	// Only on PATH: found there.
	if got, err := Find(exe); err != nil || got != filepath.Join(elsewhere, Program) {
		t.Errorf("Find = %q, %v; want the one on PATH", got, err)
	}
	// Next to cradle: that one wins, so an installation uses its own.
	own := filepath.Join(install, Program)
	if err := os.WriteFile(own, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got, err := Find(exe); err != nil || got != own {
		t.Errorf("Find = %q, %v; want %s", got, err, own)
	}
	// Nowhere.
	t.Setenv("PATH", t.TempDir())
	if _, err := Find(filepath.Join(t.TempDir(), "cradle")); !errors.Is(err, ErrNoWindows) {
		t.Errorf("Find without cradle-ui: %v; want ErrNoWindows", err)
	}
}
