package control

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// socketName is the control socket's file name (on Windows, the control
// file holding the address and token).
const socketName = "control.sock"

// DefaultPath returns where the daemon's control socket lives:
//
//   - $CRADLE_DATA_DIR/control.sock if CRADLE_DATA_DIR is set, so an
//     instance run on separate data never talks to the user's main daemon;
//   - else $XDG_RUNTIME_DIR/cradle/control.sock, the per-login tmpfs the
//     XDG spec reserves for sockets;
//   - else <data dir>/cradle/control.sock, the data dir being
//     $XDG_DATA_HOME or the platform's per-user data folder
//     (~/.local/share, ~/Library/Application Support, %LocalAppData%).
//
// Relative XDG variables are ignored, as the XDG spec requires.
func DefaultPath() (string, error) {
	if dir := os.Getenv("CRADLE_DATA_DIR"); dir != "" {
		return filepath.Join(dir, socketName), nil
	}
	if dir := os.Getenv("XDG_RUNTIME_DIR"); dir != "" && filepath.IsAbs(dir) {
		return filepath.Join(dir, "cradle", socketName), nil
	}
	base, err := dataHome()
	if err != nil {
		return "", fmt.Errorf("control socket path: %w", err)
	}
	return filepath.Join(base, "cradle", socketName), nil
}

// dataHome mirrors the data folder bridge/state and bridge/config use, so
// the socket sits next to the state database when there is no runtime dir.
func dataHome() (string, error) {
	if dir := os.Getenv("XDG_DATA_HOME"); dir != "" && filepath.IsAbs(dir) {
		return dir, nil
	}
	if runtime.GOOS == "windows" {
		if dir := os.Getenv("LocalAppData"); dir != "" {
			return dir, nil
		}
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	if runtime.GOOS == "darwin" {
		return filepath.Join(home, "Library", "Application Support"), nil
	}
	return filepath.Join(home, ".local", "share"), nil
}
