// Package autostart switches starting Cradle's daemon (`cradle run`) at
// login on and off, the way each desktop expects it:
//
//   - Linux and the BSDs: an XDG autostart entry,
//     $XDG_CONFIG_HOME/autostart/cradle.desktop (~/.config/autostart);
//   - Windows: the "Cradle" value of the current user's Run key,
//     HKCU\Software\Microsoft\Windows\CurrentVersion\Run;
//   - macOS: a launch agent, ~/Library/LaunchAgents/<ID>.plist.
//
// Only the current user's settings are touched; nothing needs
// administrator rights. The entry starts the executable that called
// SetAutostart, so a copy run from a build directory starts itself.
package autostart

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// ID is the reverse-DNS application id, shared with the AppStream
// metadata and the macOS launch agent's label.
const ID = "io.github.cradle_sync.Cradle"

// ErrUnsupported reports a platform with no autostart mechanism here.
var ErrUnsupported = errors.New("autostart is not supported on this platform")

// Autostart reports whether Cradle starts at login for the current user.
// An entry the user or the desktop disabled (Hidden=true or
// X-GNOME-Autostart-enabled=false, a Run value Task Manager switched off)
// counts as off.
func Autostart() (bool, error) {
	on, err := enabled()
	if err != nil {
		return false, fmt.Errorf("autostart: %w", err)
	}
	return on, nil
}

// SetAutostart makes Cradle start at login (on) or not (off) for the
// current user. Switching on writes the entry afresh, replacing any
// older one; switching off when it is already off succeeds.
func SetAutostart(on bool) error {
	if err := set(on); err != nil {
		return fmt.Errorf("autostart: %w", err)
	}
	return nil
}

// executable is how the running program was started; tests replace it.
var executable = os.Executable

// program returns what the entry should run: the bare name "cradle"
// when that is what PATH finds anyway (so the entry survives the binary
// moving with a package upgrade), else the running executable's absolute
// path.
func program(name string) (string, error) {
	me, err := self()
	if err != nil {
		return "", err
	}
	if onPath, err := exec.LookPath(name); err == nil {
		a, errA := os.Stat(onPath)
		b, errB := os.Stat(me)
		if errA == nil && errB == nil && os.SameFile(a, b) {
			return name, nil
		}
	}
	return me, nil
}

// self is the running executable's absolute path, symlinks resolved.
func self() (string, error) {
	p, err := executable()
	if err != nil {
		return "", fmt.Errorf("find own executable: %w", err)
	}
	if r, err := filepath.EvalSymlinks(p); err == nil {
		p = r
	}
	return filepath.Abs(p)
}
