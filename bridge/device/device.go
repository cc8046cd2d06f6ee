// Package device is Cradle's model of a phone or storage that holds
// contacts, calendars and to-dos: a [Driver] notices devices coming and
// going, and a [Device] lists, writes and deletes their items.
//
// Drivers sit below the sync engine. They know how to reach a device (the
// adb server, the gammu command, a mounted folder) and how the device keeps
// its items, and they hand the engine every item as vCard 4.0 or
// iCalendar 2.0 bytes together with the device's own key for it. The
// engine never sees device-specific fields.
//
// Devices differ in what they keep. Capabilities tells the engine whether a
// device stores UIDs; when it does not, the engine pairs items by
// [MatchKey], which reduces an item to the fields that survive a round trip
// through such devices.
package device

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
)

// Errors returned by drivers and devices, matched with errors.Is.
var (
	// ErrNotFound: the device holds no item or collection with that key.
	ErrNotFound = errors.New("device: not found")
	// ErrUnsupported: the device cannot do this (for example a phone
	// without a calendar asked for calendar items).
	ErrUnsupported = errors.New("device: not supported by this device")
	// ErrUnauthorized: the device refuses access until the user accepts
	// the computer on the phone.
	ErrUnauthorized = errors.New("device: not authorized on the phone")
	// ErrInvalid: the item bytes cannot be understood or stored.
	ErrInvalid = errors.New("device: invalid item")
	// ErrGone: the device went away while in use.
	ErrGone = errors.New("device: detached")
)

// Kind is what a collection holds.
type Kind string

// The kinds of collection.
const (
	Contacts Kind = "contacts"
	Calendar Kind = "calendar"
	Tasks    Kind = "tasks"
)

// EventType says what happened to a device.
type EventType int

// The event types a [Driver] reports.
const (
	// Attach: the device is present and usable; Open will succeed.
	Attach EventType = iota + 1
	// Detach: the device went away or became unusable (offline).
	Detach
	// Unauthorized: the device is present but refuses access; Message
	// tells the user what to do on the phone.
	Unauthorized
)

// String returns the event type's name.
func (t EventType) String() string {
	switch t {
	case Attach:
		return "attach"
	case Detach:
		return "detach"
	case Unauthorized:
		return "unauthorized"
	}
	return "unknown"
}

// Event reports a change in a device's presence.
type Event struct {
	Type EventType
	// ID is the driver's stable name for the device, passed to Open.
	ID string
	// Label is a human-readable name (phone model, mount point).
	Label string
	// Message explains the event to the user; set for Unauthorized.
	Message string
}

// Info describes a device found by Detect.
type Info struct {
	ID    string
	Label string
	// State is Attach for a usable device, Unauthorized otherwise.
	State EventType
}

// Driver finds devices of one kind and opens them.
//
// Drivers are safe for concurrent use.
type Driver interface {
	// Kind names the driver ("adb", "gammu", "folder").
	Kind() string
	// Detect returns the devices present now.
	Detect(ctx context.Context) ([]Info, error)
	// Watch sends an Event to events for every device that appears,
	// changes state or goes away, starting with an Attach (or
	// Unauthorized) for each device already present. It blocks until ctx
	// is done, then returns ctx.Err(), or returns earlier with the error
	// that ended watching. Watch never closes events; sends block, so the
	// caller must keep receiving until Watch returns.
	Watch(ctx context.Context, events chan<- Event) error
	// Open connects to the device with the given ID.
	Open(ctx context.Context, id string) (Device, error)
}

// Capabilities says what a device keeps and allows.
type Capabilities struct {
	// KeepsUIDs: items keep the UID they were written with; when false,
	// pair items by MatchKey and expect Record.UID to be empty.
	KeepsUIDs bool
	// HasCalendar, HasTasks: the device offers collections of these kinds.
	HasCalendar bool
	HasTasks    bool
	// MaxNameLength is the longest contact name the device stores, in
	// characters; 0 means no known limit. Longer names are cut.
	MaxNameLength int
	// TwoWay: the device can be written as well as read.
	TwoWay bool
	// Drops lists the properties the device loses on a round trip
	// (e.g. "UID", "RRULE", "VALARM"), so the engine does not treat their
	// absence as a user's deletion.
	Drops []string
}

// Collection is one address book, calendar or to-do list on a device.
type Collection struct {
	ID   string
	Kind Kind
	Name string
}

// Record is one item as a device holds it.
type Record struct {
	// Key is the device's own key: a row id, or "ME:3" (memory and
	// location). It stays valid until the item is deleted or updated;
	// Put may return a different key.
	Key string
	// UID is the item's UID if the device keeps it, else "".
	UID string
	// Data is the item as vCard 4.0 (contacts) or iCalendar 2.0 (events,
	// to-dos) bytes, generated deterministically from the device's fields.
	Data []byte
	// Hash is Hash(Data): equal for equal content, so the engine can tell
	// whether a device item changed since its last sync.
	Hash string
}

// Device is an opened device.
//
// A Device is safe for concurrent use, although drivers may serialise
// calls. After Close, or once the device is detached, calls fail with an
// error wrapping ErrGone or a transport error.
type Device interface {
	// Capabilities returns what the device keeps and allows.
	Capabilities() Capabilities
	// Collections lists the device's collections.
	Collections(ctx context.Context) ([]Collection, error)
	// List returns every item of the collection.
	List(ctx context.Context, collection string) ([]Record, error)
	// Put stores data (vCard 3.0/4.0 or iCalendar) in the collection.
	// With key "" it creates a new item; otherwise it replaces the item
	// with that key. It returns the item's key afterwards, which may
	// differ from key on devices that update by delete and add.
	// Properties the device cannot keep are dropped silently
	// (see Capabilities.Drops).
	Put(ctx context.Context, collection, key string, data []byte) (string, error)
	// Delete removes the item; it returns an error wrapping ErrNotFound
	// if there is no such item.
	Delete(ctx context.Context, collection, key string) error
	// Close releases the device.
	Close() error
}

// Hash returns the content hash stored in Record.Hash: the hex SHA-256 of
// data.
func Hash(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// NewRecord returns a Record for data with its Hash filled in.
func NewRecord(key, uid string, data []byte) Record {
	return Record{Key: key, UID: uid, Data: data, Hash: Hash(data)}
}
