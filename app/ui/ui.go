// Package ui holds Cradle's Fyne windows: activity, conflicts, devices,
// export and account setup. It builds the widgets and wires them to a
// Daemon; the decisions live in package uimodel. It does not import
// fyne.io/fyne/v2/app, so its tests run on Fyne's test driver without a
// display; package app/ui/desktop starts the real application.
package ui

import (
	"context"
	"fmt"
	"slices"
	"time"

	"fyne.io/fyne/v2"

	"github.com/cradle-sync/cradle/app/ui/uimodel"
)

// Windows lists the window names `cradle ui` accepts.
var Windows = []string{"activity", "conflicts", "devices", "export", "setup"}

// Env is what the windows need from outside the process.
type Env struct {
	// Daemon is the running daemon's control client.
	Daemon uimodel.Daemon
	// Export runs an export; progress may be called from any goroutine.
	Export func(ctx context.Context, p uimodel.ExportPlan, progress func(done, total int)) (uimodel.ExportResult, error)
	// Setup signs in to servers and saves accounts.
	Setup uimodel.AccountSetup
	// Show opens a folder or file in the desktop's file manager.
	Show func(path string) error
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Autostart switches starting Cradle at login; nil hides the switch.
	Autostart uimodel.Autostart
	// Pair saves a device's pairing as `cradle devices pair` does,
	// without telling the daemon; nil hides the devices' pairing buttons.
	Pair func(ctx context.Context, device string, p uimodel.Pairing) error
}

func (e Env) now() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}

// Open creates the named window in a and starts what keeps it current;
// that work stops when ctx ends or the window closes. The caller shows
// the window.
func Open(ctx context.Context, a fyne.App, name string, env Env) (fyne.Window, error) {
	if !slices.Contains(Windows, name) {
		return nil, fmt.Errorf("no window %q; want one of %v", name, Windows)
	}
	ctx, cancel := context.WithCancel(ctx)
	var w fyne.Window
	switch name {
	case "activity":
		w = NewActivity(a, env).Start(ctx)
	case "conflicts":
		w = NewConflicts(a, env).Start(ctx)
	case "devices":
		w = NewDevices(a, env).Start(ctx)
	case "export":
		w = NewExport(a, env).Start(ctx)
	case "setup":
		w = NewSetup(a, env).Start(ctx)
	}
	w.SetOnClosed(cancel)
	return w, nil
}

// title is every window's title; the real-window test and the
// screenshot script find windows by it.
func title(name string) string { return "Cradle — " + name }

// background runs work off the UI goroutine, then the function it
// returns on the UI goroutine. Windows use it for every daemon or server
// call a button starts; tests swap in inline to run both at once.
type background func(work func() (apply func()))

// async is the real background: a goroutine, then fyne.Do.
func async(work func() func()) {
	go func() {
		apply := work()
		fyne.Do(apply)
	}()
}
