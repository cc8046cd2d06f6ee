// Package store holds Cradle's local collections: the folders and files of
// vCard and iCalendar items that the sync engine keeps in step with a server.
//
// A [Store] deals in opaque item bytes. It knows where one item ends and the
// next begins and which UID an item carries, nothing about the item's
// meaning; parsing properties is the formats packages' job. Two
// implementations exist: [Vdir], one item per file as vdirsyncer, khal and
// khard expect, and [File], one .vcf or .ics file holding many items.
//
// Every write is conditional on the version the caller last saw (an [Etag]):
// a store re-reads the disk just before replacing an item and returns
// [ErrChanged] rather than overwrite an edit the user made meanwhile.
package store

import (
	"context"
	"errors"
	"fmt"
)

// Errors returned by every Store, matched with errors.Is.
var (
	// ErrNotFound: no item has the given href.
	ErrNotFound = errors.New("store: item not found")
	// ErrChanged: the item changed on disk since the caller's etag; the
	// write was not done. The caller should re-read and merge.
	ErrChanged = errors.New("store: item changed since last read")
	// ErrExists: Create was given a UID the store already holds.
	ErrExists = errors.New("store: item with this UID exists")
	// ErrInvalid: the item's bytes or UID cannot be stored as given.
	ErrInvalid = errors.New("store: invalid item")
	// ErrTooLarge: an item or file exceeds the store's size bound.
	ErrTooLarge = errors.New("store: too large")
)

// Store is one local collection of items.
//
// Implementations are safe for concurrent use. An href is the store's own
// name for an item (a file name in a vdir, the UID in a single file); it is
// stable until the item is deleted, and hrefs never given out by the store
// are answered with ErrNotFound, whatever path they spell.
type Store interface {
	// List returns every item's href, UID and current etag, in no
	// particular order. An item whose UID cannot be read is listed with
	// an empty UID rather than failing the whole listing.
	List(ctx context.Context) ([]Entry, error)
	// Get returns the item's bytes and its entry.
	Get(ctx context.Context, href string) ([]byte, Entry, error)
	// Create stores a new item with the given UID and returns its entry.
	// It fails with ErrExists if the store knows an item with that UID,
	// and never replaces an existing item.
	Create(ctx context.Context, uid string, data []byte) (Entry, error)
	// Update replaces the item at href if its current version still
	// matches ifMatch, otherwise it fails with ErrChanged and leaves the
	// item as it is. An empty ifMatch updates unconditionally.
	Update(ctx context.Context, href string, data []byte, ifMatch Etag) (Entry, error)
	// Delete removes the item at href under the same condition as Update.
	Delete(ctx context.Context, href string, ifMatch Etag) error
	// Apply performs ops in order, as one write where the store allows
	// (a single file is rewritten once per Apply, not once per op; a vdir
	// syncs its new files together, not one by one). Each
	// op has its own Result; a failed op does not stop the others. The
	// returned error reports failures of the whole batch (I/O, a
	// malformed file), in which case no op took effect.
	Apply(ctx context.Context, ops []Op) ([]Result, error)
	// Close releases the store. It does not flush anything: every
	// successful call above is already on disk.
	Close() error
}

// Entry describes one item version.
type Entry struct {
	Href string
	UID  string
	Etag Etag
}

// OpKind says what an [Op] does.
type OpKind int

// The kinds of [Op].
const (
	OpCreate OpKind = iota + 1
	OpUpdate
	OpDelete
)

// String returns "create", "update" or "delete".
func (k OpKind) String() string {
	switch k {
	case OpCreate:
		return "create"
	case OpUpdate:
		return "update"
	case OpDelete:
		return "delete"
	}
	return fmt.Sprintf("OpKind(%d)", int(k))
}

// Op is one write in a batch given to [Store.Apply]. Create uses UID and
// Data; Update uses Href, Data and IfMatch; Delete uses Href and IfMatch.
type Op struct {
	Kind    OpKind
	Href    string
	UID     string
	Data    []byte
	IfMatch Etag
}

// Result is the outcome of one [Op]: the new entry (zero for a delete) or
// the error that kept it from taking effect.
type Result struct {
	Entry Entry
	Err   error
}

// UIDFunc extracts the UID from an item's bytes. The formats packages
// provide real ones; [ScanUID] is a minimal fallback.
type UIDFunc func(data []byte) (uid string, err error)
