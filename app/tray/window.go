package tray

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
)

// ErrNoWindow reports a menu action that does not open a window.
var ErrNoWindow = errors.New("tray: this action opens no window")

// windows maps the actions that open a window to `cradle ui`'s names.
var windows = map[Action]string{
	ExportContacts: "export",
	ExportCalendar: "export",
	ShowConflicts:  "conflicts",
	ShowDevices:    "devices",
	ShowSettings:   "setup",
	ShowActivity:   "activity",
}

// WindowFor returns the `cradle ui` window that action a opens, if any.
func WindowFor(a Action) (string, bool) {
	w, ok := windows[a]
	return w, ok
}

// OpenWindow starts `cradle ui WINDOW` for action a as a separate process
// of this same executable, so the Fyne GL loop runs there, only while the
// window is open, and never in the daemon. It returns once the process
// has started; the process outlives neither its window nor a failure to
// open it, and is reaped in the background. Actions without a window
// give ErrNoWindow.
func OpenWindow(a Action) error {
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("open window: %w", err)
	}
	return openWindow(exe, a)
}

func openWindow(exe string, a Action) error {
	name, ok := WindowFor(a)
	if !ok {
		return fmt.Errorf("%w: %s", ErrNoWindow, a)
	}
	cmd := exec.Command(exe, "ui", name)
	// The window process reports its own failures (no display, no
	// daemon) on stderr; the daemon's log is where they belong.
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("open %s window: %w", name, err)
	}
	go func() { _ = cmd.Wait() }()
	return nil
}
