// Package tray shows Cradle's status icon and menu in the desktop's
// notification area and posts desktop notifications for problems that
// need the user.
//
// The tray knows nothing of the engine: it renders Snapshots from a Model
// and hands menu choices back to it as Actions. On Linux it speaks
// StatusNotifierItem and com.canonical.dbusmenu over the D-Bus session bus
// (through fyne.io/systray, no cgo and no GL loop), so it costs nothing
// while idle. Without a session bus or a tray host the daemon carries on
// without an icon.
package tray

import (
	"context"
	"fmt"
	"time"
)

// State is the one-word summary of the engine the icon shows.
type State int

// States, in no particular priority: the Model decides which applies.
// The zero State means the engine has not reported yet.
const (
	Starting  State = iota // no snapshot yet
	UpToDate               // everything is in step
	Syncing                // a sync is running
	Offline                // the server cannot be reached; retrying
	Attention              // the user must act: conflicts, sign-in failure, held-back deletions
	Paused                 // the user paused syncing
)

var stateNames = [...]string{"starting", "up to date", "syncing", "offline", "needs attention", "paused"}

// String returns the state in lower-case words, e.g. "up to date".
func (s State) String() string {
	if s < 0 || int(s) >= len(stateNames) {
		return fmt.Sprintf("State(%d)", int(s))
	}
	return stateNames[s]
}

// Snapshot is everything the tray shows about the engine at one moment.
type Snapshot struct {
	State State
	// LastSync is when the last sync finished successfully; zero if none
	// has yet.
	LastSync time.Time
	// Waiting counts local changes not yet sent to the server.
	Waiting int
	// Conflicts counts conflicts waiting for the user to choose a version.
	Conflicts int
	// AuthFailed is set while the server refuses the account's
	// credentials; syncing is stopped until the user signs in again.
	AuthFailed bool
	// HeldDeletes counts deletions the mass-delete guard is holding back
	// for the user to confirm; zero when the guard has not tripped.
	HeldDeletes int
	// Detail is one line for the user, such as "server unreachable,
	// retrying in 2 min". It may be empty. The tray shortens it and strips
	// control characters, since it may quote a server's message.
	Detail string
}

// Action is a menu choice the tray asks the Model to carry out.
type Action int

// Actions, one per menu entry (Pause and Resume share one entry whose
// label flips with the state).
const (
	SyncNow Action = iota + 1
	Pause
	Resume
	OpenContactsFolder
	OpenCalendarFolder
	ExportContacts
	ExportCalendar
	ShowConflicts
	ShowDevices
	ShowSettings
	ShowActivity
	Quit
)

var actionNames = map[Action]string{
	SyncNow: "sync-now", Pause: "pause", Resume: "resume",
	OpenContactsFolder: "open-contacts-folder", OpenCalendarFolder: "open-calendar-folder",
	ExportContacts: "export-contacts", ExportCalendar: "export-calendar",
	ShowConflicts: "show-conflicts", ShowDevices: "show-devices", ShowSettings: "show-settings",
	ShowActivity: "show-activity", Quit: "quit",
}

// String returns the action's kebab-case name, e.g. "sync-now".
func (a Action) String() string {
	if n, ok := actionNames[a]; ok {
		return n
	}
	return fmt.Sprintf("Action(%d)", int(a))
}

// Model is what the tray shows and acts on; the daemon implements it.
type Model interface {
	// Updates returns the channel of snapshots: the current one first,
	// as soon as it can, then one after each change. Run calls Updates
	// once. The Model must not block on a slow reader; it should keep only
	// the newest undelivered snapshot (Feed does this). A closed channel
	// means no more changes; the tray keeps showing the last snapshot.
	Updates() <-chan Snapshot

	// Do carries out a menu action. Run calls it from a single goroutine,
	// one action at a time, so it should start long work (a window, an
	// export) rather than wait for it. ctx ends when Run returns. Do(Quit)
	// should begin shutting the daemon down; Run returns after it.
	Do(ctx context.Context, a Action) error
}
