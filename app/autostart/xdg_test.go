//go:build unix && !darwin

package autostart

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// sandbox points the XDG variables and the executable at a temp dir and
// returns the entry path SetAutostart must write.
func sandbox(t *testing.T, exe string) (entry, sysDir string) {
	t.Helper()
	dir := t.TempDir()
	sysDir = filepath.Join(dir, "xdg")
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config"))
	t.Setenv("XDG_CONFIG_DIRS", sysDir)
	t.Setenv("PATH", filepath.Join(dir, "empty"))
	if exe == "" {
		exe = filepath.Join(dir, "bin dir", "cradle")
	}
	if err := os.MkdirAll(filepath.Dir(exe), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(exe, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	old := executable
	executable = func() (string, error) { return exe, nil }
	t.Cleanup(func() { executable = old })
	return filepath.Join(dir, "config", "autostart", "cradle.desktop"), sysDir
}

func mustAutostart(t *testing.T, want bool) {
	t.Helper()
	got, err := Autostart()
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("Autostart() = %v, want %v", got, want)
	}
}

// validate runs desktop-file-validate on the entry; errors and warnings
// fail, hints do not.
func validate(t *testing.T, path string) {
	t.Helper()
	v, err := exec.LookPath("desktop-file-validate")
	if err != nil {
		// sandbox emptied PATH; look where Debian installs it.
		v = "/usr/bin/desktop-file-validate"
		if _, err := os.Stat(v); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatal("desktop-file-validate not found (Debian package desktop-file-utils)")
			}
			t.Skip("desktop-file-validate not found (Debian package desktop-file-utils)")
		}
	}
	out, err := exec.Command(v, path).CombinedOutput()
	if err != nil || bytes.Contains(out, []byte("error:")) || bytes.Contains(out, []byte("warning:")) {
		t.Fatalf("desktop-file-validate %s: %v\n%s", path, err, out)
	}
}

func TestSetAutostartXDG(t *testing.T) {
	entry, _ := sandbox(t, "")
	mustAutostart(t, false)
	if err := SetAutostart(false); err != nil {
		t.Fatalf("switching off what is off: %v", err)
	}

	if err := SetAutostart(true); err != nil {
		t.Fatal(err)
	}
	mustAutostart(t, true)
	data, err := os.ReadFile(entry)
	if err != nil {
		t.Fatal(err)
	}
	exe, _ := executable()
	if want := "\nExec=\"" + exe + "\" run\n"; !strings.Contains(string(data), want) {
		t.Errorf("entry lacks %q:\n%s", want, data)
	}
	validate(t, entry)
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(entry), ".cradle-*")); len(left) > 0 {
		t.Errorf("temporary files left: %q", left)
	}

	if err := SetAutostart(true); err != nil {
		t.Fatalf("switching on again: %v", err)
	}
	if err := SetAutostart(false); err != nil {
		t.Fatal(err)
	}
	mustAutostart(t, false)
	if _, err := os.Stat(entry); !os.IsNotExist(err) {
		t.Fatalf("entry still there after switching off: %v", err)
	}
}

// Installed on PATH, the entry names the program, not where it is, so a
// package upgrade that moves the file keeps it working.
func TestSetAutostartUsesNameOnPath(t *testing.T) {
	dir := t.TempDir()
	exe := filepath.Join(dir, "cradle")
	entry, _ := sandbox(t, exe)
	t.Setenv("PATH", dir)
	if err := SetAutostart(true); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(entry)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "\nExec=cradle run\n") {
		t.Errorf("entry does not run `cradle run`:\n%s", data)
	}
	validate(t, entry)
}

// A system-wide entry (an administrator's /etc/xdg/autostart) is switched
// off for this user by a Hidden entry of the same name, and on again by
// replacing that.
func TestSetAutostartOverridesSystemEntry(t *testing.T) {
	entry, sysDir := sandbox(t, "")
	sys := filepath.Join(sysDir, "autostart", "cradle.desktop")
	if err := os.MkdirAll(filepath.Dir(sys), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(sys, desktopEntry("cradle"), 0o644); err != nil {
		t.Fatal(err)
	}
	mustAutostart(t, true)

	if err := SetAutostart(false); err != nil {
		t.Fatal(err)
	}
	mustAutostart(t, false)
	validate(t, entry)

	if err := SetAutostart(true); err != nil {
		t.Fatal(err)
	}
	mustAutostart(t, true)
}

// An entry the user disabled in the desktop's startup settings reads as
// off, and switching on enables it again.
func TestAutostartReadsDisabledEntry(t *testing.T) {
	entry, _ := sandbox(t, "")
	if err := os.MkdirAll(filepath.Dir(entry), 0o755); err != nil {
		t.Fatal(err)
	}
	disabled := bytes.Replace(desktopEntry("cradle"), []byte("X-GNOME-Autostart-enabled=true"), []byte("X-GNOME-Autostart-enabled=false"), 1)
	if err := os.WriteFile(entry, disabled, 0o644); err != nil {
		t.Fatal(err)
	}
	mustAutostart(t, false)
	if err := SetAutostart(true); err != nil {
		t.Fatal(err)
	}
	mustAutostart(t, true)
}

// A relative XDG_CONFIG_HOME is ignored, as the spec says; the entry goes
// under $HOME/.config.
func TestRelativeConfigHomeIgnored(t *testing.T) {
	sandbox(t, "")
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", "relative/dir")
	if err := SetAutostart(true); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(home, ".config", "autostart", "cradle.desktop")); err != nil {
		t.Fatal(err)
	}
}
