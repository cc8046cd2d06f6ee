// Package api is the vocabulary shared by the daemon's control socket, the
// CLI and the tray: the status snapshot, conflicts, activity events, and
// the Backend interface the engine implements. It holds types only.
package api

import (
	"context"
	"time"
)

// Status is a snapshot of everything the daemon does. Its JSON form is
// what `cradle status --json` prints.
type Status struct {
	Accounts []Account `json:"accounts"`
	// Paused reports that syncing was paused by the user.
	Paused bool `json:"paused"`
	// Conflicts counts open conflicts over all accounts.
	Conflicts int `json:"conflicts"`
}

// Account is one configured account (or the built-in "This computer").
type Account struct {
	Name string `json:"name"`
	// URL is the ActiveSync endpoint; empty for the local-only account.
	URL  string `json:"url,omitempty"`
	User string `json:"user,omitempty"`
	// State is the push session's state: connecting, syncing, waiting,
	// offline, auth-failed, error, stopped, or local for "This computer".
	State     string    `json:"state"`
	Error     string    `json:"error,omitempty"`
	NextRetry time.Time `json:"next_retry,omitzero"`
	LastSync  time.Time `json:"last_sync,omitzero"`
	Heartbeat string    `json:"heartbeat,omitempty"`
	Folders   []Folder  `json:"folders"`
}

// Folder is one collection and where it lives locally.
type Folder struct {
	// ID is the server's folder id (the local account uses the kind).
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Kind      string    `json:"kind"` // contacts, calendar, tasks
	LocalPath string    `json:"local_path"`
	Store     string    `json:"store"` // vdir or file
	Items     int       `json:"items"`
	State     string    `json:"state"` // active, paused, error, attention, skipped
	Error     string    `json:"error,omitempty"`
	LastSync  time.Time `json:"last_sync,omitzero"`
	Pending   int       `json:"pending"`
	Conflicts int       `json:"conflicts"`
}

// Conflict is an item both sides changed the same way; the merged item
// (server values where they clashed) stands in place, the local version
// was kept aside.
type Conflict struct {
	ID            int64     `json:"id"`
	Account       string    `json:"account"`
	Folder        string    `json:"folder"`
	Kind          string    `json:"kind"`
	UID           string    `json:"uid"`
	ItemPath      string    `json:"item_path"`
	LocalCopyPath string    `json:"local_copy_path"`
	Local         string    `json:"local,omitempty"`  // the user's version
	Server        string    `json:"server,omitempty"` // the server's version
	Created       time.Time `json:"created"`
}

// Keep says how to resolve a conflict.
type Keep string

// Ways to resolve a conflict.
const (
	KeepLocal  Keep = "local"  // the user's version replaces the item (and goes to the server)
	KeepServer Keep = "server" // the server's version replaces the item
	KeepBoth   Keep = "both"   // the merged item stays; the copy is kept as a separate item
)

// Event is one thing that happened, for activity views and notifications.
type Event struct {
	Time    time.Time `json:"time"`
	Account string    `json:"account"`
	Folder  string    `json:"folder,omitempty"`
	// Type: status (a new Status follows), change, conflict, auth-failed,
	// mass-delete, error, device.
	Type   string `json:"type"`
	Side   string `json:"side,omitempty"` // server or local
	Action string `json:"action,omitempty"`
	UID    string `json:"uid,omitempty"`
	Detail string `json:"detail,omitempty"`
}

// Backend is what the control socket serves; the engine implements it.
// Methods are safe for concurrent use.
type Backend interface {
	Status(ctx context.Context) (Status, error)
	// SyncNow syncs every folder of the account ("" for all) now.
	SyncNow(ctx context.Context, account string) error
	// SetPaused pauses or resumes all syncing.
	SetPaused(ctx context.Context, paused bool) error
	Conflicts(ctx context.Context) ([]Conflict, error)
	Conflict(ctx context.Context, id int64) (Conflict, error)
	ResolveConflict(ctx context.Context, id int64, keep Keep) error
	// AllowMassDelete lets the next pass of a folder stopped by the
	// mass-delete guard go ahead.
	AllowMassDelete(ctx context.Context, account, folder string) error
	// Subscribe delivers events until ctx ends; a slow reader loses
	// events, never blocks the engine.
	Subscribe(ctx context.Context) <-chan Event
	// Quit asks the daemon to stop.
	Quit(ctx context.Context) error
}

// Device is one phone or storage the daemon knows: configured, attached,
// or both.
type Device struct {
	// Name is the user's name for the device (adb phones: the model
	// until renamed).
	Name string `json:"name"`
	// Driver is adb, gammu or folder.
	Driver string `json:"driver"`
	// ID identifies the hardware (adb serial, gammu port, folder path).
	ID string `json:"id,omitempty"`
	// State: attached, detached, syncing, unauthorized (the phone must
	// accept this computer's key), unpaired, or error.
	State string `json:"state"`
	Error string `json:"error,omitempty"`
	// Account, Contacts and Calendar say what the device is paired with
	// (folder ids as in Status); empty when unpaired.
	Account  string `json:"account,omitempty"`
	Contacts string `json:"contacts,omitempty"`
	Calendar string `json:"calendar,omitempty"`
	// LastReconcile is when the device was last brought in step.
	LastReconcile time.Time `json:"last_reconcile,omitzero"`
	// SafeToUnplug reports that nothing is being written to the device.
	SafeToUnplug bool `json:"safe_to_unplug"`
}

// ActivityLog is implemented by backends that keep recent events, so a
// window opened later can show what happened before it.
type ActivityLog interface {
	// Activity returns up to limit most recent events, oldest first.
	Activity(ctx context.Context, limit int) ([]Event, error)
}

// DeviceBackend is implemented by daemons that follow phones.
type DeviceBackend interface {
	// Devices lists configured and attached devices.
	Devices(ctx context.Context) ([]Device, error)
	// SyncDevice reconciles the named paired device now; it fails when
	// the device is not attached or not paired.
	SyncDevice(ctx context.Context, name string) error
}

// Reloader is implemented by backends that can pick up a changed
// configuration (accounts added or removed) without a restart.
type Reloader interface {
	// Reload re-reads the configuration: sessions of new accounts start,
	// those of removed accounts stop, others are left running.
	Reload(ctx context.Context) error
}
