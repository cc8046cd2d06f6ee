// Package devicesync keeps a device collection (a phone's address book,
// calendar or to-do list, a file on mounted storage) in step with one
// local collection of the same kind, so that an attached device is one
// more side of the data Cradle syncs: what the phone adds lands in the
// local folder, from where the account's server sync carries it on, and
// what arrives locally is written to the phone.
//
// A [Pairing] remembers, per item present on both sides, the device's key
// and content hash, the local href and etag, and the content both sides
// last agreed on, which makes every decision a three-way one: an edit is
// copied to the side that did not change, a deletion is repeated on the
// other side unless that side edited the item (an edit beats a deletion),
// and an item edited on both sides keeps the local version in place and
// the device's as a conflict copy beside it.
package devicesync

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/cradle-sync/cradle/bridge/atomicfile"
	"github.com/cradle-sync/cradle/bridge/device"
	"github.com/cradle-sync/cradle/bridge/reconcile"
	"github.com/cradle-sync/cradle/bridge/store"
)

// Pairing ties one device collection to one local collection of the same
// kind: an address book to a contacts vdir or .vcf file, a calendar or
// to-do list to an .ics vdir or file. Items of devices that keep no UIDs
// are paired by device.MatchKey of the kind.
//
// Its fields are set before the first Sync and not changed afterwards.
// Sync calls are serialised, also across processes sharing StatePath
// (where flock exists); a Pairing may be used from any goroutine.
type Pairing struct {
	// Device is the opened device and Collection the ID of one of its
	// collections (adb.ContactsCollection, gammu.PhoneMemory,
	// gammu.CalendarID…).
	Device     device.Device
	Collection string
	// Kind is what the collection holds; "" means device.Contacts.
	Kind device.Kind
	// Local is the local collection: a vdir or a single .vcf or .ics file
	// holding items of Kind.
	Local store.Store
	// StatePath is the JSON file holding what the last sync agreed on;
	// one file per pairing, created on the first Sync.
	StatePath string
	// ConflictDir receives conflict copies; "" means beside the items
	// (the vdir's folder, or the folder of the single file).
	ConflictDir string
	// Log receives progress; nil discards.
	Log *slog.Logger

	mu          sync.Mutex
	allowDelete bool
}

// Result counts what one Sync changed.
type Result struct {
	// Changes written to the local collection.
	LocalCreated, LocalUpdated, LocalDeleted int
	// Changes written to the device.
	DeviceCreated, DeviceUpdated, DeviceDeleted int
	// Matched counts items found on both sides for the first time and
	// paired without writing anything (the local version is kept).
	Matched int
	// Conflicts lists the conflict copies written: items edited on both
	// sides, whose device version was saved there.
	Conflicts []string
}

// Changed reports whether the sync wrote anything on either side.
func (r Result) Changed() bool {
	return r.LocalCreated+r.LocalUpdated+r.LocalDeleted+r.DeviceCreated+r.DeviceUpdated+r.DeviceDeleted+len(r.Conflicts) > 0
}

// String summarises the result for people.
func (r Result) String() string {
	return fmt.Sprintf("local: +%d ~%d -%d; device: +%d ~%d -%d; matched %d; conflicts %d",
		r.LocalCreated, r.LocalUpdated, r.LocalDeleted, r.DeviceCreated, r.DeviceUpdated, r.DeviceDeleted,
		r.Matched, len(r.Conflicts))
}

// MassDeleteError stops a sync that would delete more than half of the
// paired items (and more than MassDeleteMin) on one side: a phone that
// was wiped or a folder that was emptied by mistake must not wipe the
// other side. Nothing was written. [Pairing.AllowMassDelete] lets the
// next Sync go ahead.
type MassDeleteError struct {
	// Side is where the deletions would happen: "local" or "device".
	Side    string
	Deletes int
	Total   int
}

func (e *MassDeleteError) Error() string {
	return fmt.Sprintf("devicesync: would delete %d of %d items on the %s side; stopped until confirmed", e.Deletes, e.Total, e.Side)
}

// MassDeleteMin is the number of deletions on one side that a sync makes
// without asking whatever their share.
const MassDeleteMin = 10

// AllowMassDelete lets the next Sync delete past the mass-deletion guard,
// once.
func (p *Pairing) AllowMassDelete() {
	p.mu.Lock()
	p.allowDelete = true
	p.mu.Unlock()
}

func (p *Pairing) log() *slog.Logger {
	if p.Log != nil {
		return p.Log
	}
	return slog.New(slog.DiscardHandler)
}

// Sync lists both sides and makes them agree; see the package comment for
// the rules. The state file is saved with whatever was done even when Sync
// fails part-way, so a failed sync is resumed, not repeated. A Sync after
// one that changed nothing on either side writes nothing.
func (p *Pairing) Sync(ctx context.Context) (Result, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.Device == nil || p.Local == nil || p.StatePath == "" {
		return Result{}, errors.New("devicesync: pairing needs Device, Local and StatePath")
	}
	switch p.kind() {
	case device.Contacts, device.Calendar, device.Tasks:
	default:
		return Result{}, fmt.Errorf("devicesync: pairing of kind %q: %w", p.Kind, device.ErrUnsupported)
	}
	unlock, err := lockState(ctx, p.StatePath)
	if err != nil {
		return Result{}, err
	}
	defer unlock()
	old, err := loadState(p.StatePath)
	if err != nil {
		return Result{}, err
	}
	recs, err := p.Device.List(ctx, p.Collection)
	if err != nil {
		return Result{}, fmt.Errorf("list device collection %s: %w", p.Collection, err)
	}
	entries, err := p.Local.List(ctx)
	if err != nil {
		return Result{}, fmt.Errorf("list local collection: %w", err)
	}
	s := &syncRun{p: p, caps: p.Device.Capabilities(), devByKey: map[string]*device.Record{}, locByHref: map[string]store.Entry{}}
	for i := range recs {
		s.devByKey[recs[i].Key] = &recs[i]
	}
	for _, e := range entries {
		if !strings.Contains(e.Href, reconcile.ConflictInfix) {
			s.locByHref[e.Href] = e
		}
	}
	plans, err := s.plan(ctx, old)
	if err != nil {
		return Result{}, err
	}
	if err := p.guard(plans, len(old)); err != nil {
		return Result{}, err
	}
	err = s.run(ctx, plans)
	if serr := saveState(p.StatePath, s.next); serr != nil {
		err = errors.Join(err, serr)
	}
	if err != nil || s.res.Changed() {
		p.log().Info("device sync", "collection", p.Collection, "kind", p.kind(), "result", s.res.String(), "err", err)
	}
	return s.res, err
}

// guard refuses plans that delete too much on one side.
func (p *Pairing) guard(plans []plan, total int) error {
	allow := p.allowDelete
	p.allowDelete = false
	if allow {
		return nil
	}
	var local, dev int
	for _, pl := range plans {
		switch pl.op {
		case opDeleteLocal:
			local++
		case opDeleteDevice:
			dev++
		}
	}
	for _, c := range []struct {
		side string
		n    int
	}{{"local", local}, {"device", dev}} {
		if c.n > MassDeleteMin && 2*c.n > total {
			return &MassDeleteError{Side: c.side, Deletes: c.n, Total: total}
		}
	}
	return nil
}

// conflictDir returns where conflict copies go.
func (p *Pairing) conflictDir() string {
	if p.ConflictDir != "" {
		return p.ConflictDir
	}
	switch st := p.Local.(type) {
	case *store.Vdir:
		return st.Dir()
	case *store.File:
		return filepath.Dir(st.Path())
	}
	return filepath.Dir(p.StatePath)
}

// keepConflictCopy saves the device's version of an item edited on both
// sides. The name carries reconcile.ConflictInfix, which every Cradle
// listing skips, so the copy is never synced as an item.
func (p *Pairing) keepConflictCopy(uid string, data []byte) (string, error) {
	if uid == "" {
		uid = "item"
	}
	name := store.FileStem(uid) + reconcile.ConflictInfix + time.Now().UTC().Format("20060102-150405") + itemExt(p.kind())
	path := filepath.Join(p.conflictDir(), name)
	if err := atomicfile.WriteFile(path, data, 0o600); err != nil {
		return "", fmt.Errorf("keep conflict copy of %s: %w", uid, err)
	}
	return path, nil
}
