// Package reconcile keeps one server folder and its local collection in
// step: it applies the server's changes to local files, sends the local
// files' changes to the server, and merges when both sides changed an item.
//
// Every decision is made against the state database's base: the content
// both sides last agreed on. A local file whose content differs from the
// base was edited locally; a server change to such an item is merged
// property by property, and where both sides changed the same property the
// merged item wins in place while the local version is kept as a conflict
// copy. A server delete of a locally edited item loses to the edit (the
// item is sent back); a pass that would delete more than half of a
// collection stops and asks the user first.
//
// Crash safety: local files are written before the database records them
// and the new SyncKey in one transaction. After a crash in between, the
// server sends the same changes again and the reconciler recognises its
// own files (stable UIDs, content matching), so nothing is duplicated;
// local Adds carry a ClientId stored before sending, and a server Add that
// matches an unlinked local item links to it instead of duplicating it.
package reconcile

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/cradle-sync/cradle/bridge/state"
	"github.com/cradle-sync/cradle/bridge/store"
	"github.com/cradle-sync/cradle/push"
	"github.com/cradle-sync/cradle/push/easclient"
)

// Client is the part of the EAS client the reconciler uses;
// *easclient.Client implements it.
type Client interface {
	Version() push.Version
	SyncFolder(ctx context.Context, req easclient.SyncFolderRequest, fn func(*easclient.Window) error) (string, error)
}

// Guard bounds deletions in one pass: more than Ratio of a collection's
// items and more than Min items stop the folder until the user agrees.
type Guard struct {
	Ratio float64
	Min   int
}

// DefaultGuard stops a pass that deletes over half of a collection, when
// that is more than 10 items.
var DefaultGuard = Guard{Ratio: 0.5, Min: 10}

// MassDeleteError reports a pass the guard stopped. Nothing was deleted.
type MassDeleteError struct {
	Side    string // "local" (files removed) or "server"
	Deletes int
	Total   int
}

func (e *MassDeleteError) Error() string {
	return fmt.Sprintf("reconcile: %s side would delete %d of %d items; stopped until confirmed", e.Side, e.Deletes, e.Total)
}

// Change is one applied change, for activity views.
type Change struct {
	Side string // "server" (applied locally) or "local" (sent to the server)
	Kind string // "add", "change", "delete", "conflict", "restore"
	UID  string
	Time time.Time
}

// ConflictInfix marks conflict copies. Stores' listings that contain it
// are not items: a copy must never be synced as a new item.
const ConflictInfix = ".sync-conflict-"

// Folder reconciles one folder. Its methods may be called from any
// goroutine; passes of one Folder are serialised.
type Folder struct {
	DB     *state.DB
	ID     state.FolderID
	Store  store.Store
	Codec  Codec
	Client Client
	// UIDSeed makes UIDs generated for server items without one stable
	// across retries (the account's DeviceId is a good seed).
	UIDSeed string
	// Guard defaults to DefaultGuard.
	Guard Guard
	// ConflictDir is where conflict copies go; "" keeps no copy file (the
	// conflict record still holds both versions).
	ConflictDir func(href string) string
	// OnChange, if set, is told of every applied change.
	OnChange func(Change)
	Log      *slog.Logger

	mu          sync.Mutex
	allowDelete bool
	// echo holds the server ids this pass just sent. Servers may send
	// such items back in the next round; that copy is the server's own
	// version of what Cradle wrote (minus fields it does not store), so
	// it is recorded as such and never written over the local file.
	echo map[string]bool
	// remembered tells the store once what the state knows of its items
	// (see remember). Not under mu, which a pass holds throughout.
	remembered sync.Once
}

// AllowMassDelete lets the next pass delete past the guard, once.
func (f *Folder) AllowMassDelete() {
	f.mu.Lock()
	f.allowDelete = true
	f.mu.Unlock()
}

func (f *Folder) log() *slog.Logger {
	if f.Log != nil {
		return f.Log
	}
	return slog.Default()
}

func (f *Folder) guard() Guard {
	if f.Guard == (Guard{}) {
		return DefaultGuard
	}
	return f.Guard
}

func (f *Folder) note(side, kind, uid string) {
	if f.OnChange != nil {
		f.OnChange(Change{Side: side, Kind: kind, UID: uid, Time: time.Now()})
	}
}

// Sync runs one full pass: server changes first (so that a re-delivered
// item is recognised before a local file could be mistaken for a new
// one), then the local changes, then one more round so the stored SyncKey
// covers what was sent.
func (f *Folder) Sync(ctx context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	defer func() { f.allowDelete, f.echo = false, nil }()
	lost, err := f.unansweredAdds(ctx)
	if err != nil {
		return err
	}
	if lost {
		// An Add sent by an earlier pass may have reached the server
		// although its answer never came back (killed, cut off). Servers
		// do not deduplicate ClientIds, and may never send the item back
		// (SOGo believes the client has it), so before sending it again
		// the whole folder is fetched: the server's copy then links to
		// the local file by content (matchUnlinked) instead of doubling.
		f.log().Info("local additions may have reached the server unanswered; fetching the whole folder before sending them again", "folder", f.ID)
		if err := f.DB.SetFolderSyncKey(ctx, f.ID, "0"); err != nil {
			return err
		}
		err = f.fetchFrom(ctx, true)
	} else {
		err = f.fetch(ctx)
	}
	if err != nil {
		return err
	}
	sent, err := f.sendLocal(ctx)
	if err != nil {
		return err
	}
	if sent {
		return f.fetch(ctx)
	}
	return nil
}

// unansweredAdds reports whether a queued Add was never answered: the
// server refusing one records an attempt, so an op without attempts was
// sent (or about to be) by a pass that ended before the answer came.
func (f *Folder) unansweredAdds(ctx context.Context) (bool, error) {
	ops, err := f.DB.Pending(ctx, f.ID)
	if err != nil {
		return false, err
	}
	for _, op := range ops {
		if op.Kind == state.OpAdd && op.Attempts == 0 {
			return true, nil
		}
	}
	return false, nil
}

func (f *Folder) folder(ctx context.Context) (state.Folder, error) {
	fo, err := f.DB.Folder(ctx, f.ID)
	if err != nil {
		return fo, fmt.Errorf("folder %d: %w", f.ID, err)
	}
	return fo, nil
}

func syncOptions(fo state.Folder) *push.SyncOptions {
	o := &push.SyncOptions{BodyPreference: []push.BodyPreference{{Type: 1}}}
	if fo.Kind == state.KindCalendar && fo.WindowDays > 0 {
		o.FilterType = filterFor(fo.WindowDays)
	}
	return o
}

func filterFor(days int) push.FilterType {
	switch {
	case days <= 14:
		return push.FilterTwoWeeks
	case days <= 31:
		return push.FilterOneMonth
	case days <= 93:
		return push.FilterThreeMonth
	default:
		return push.FilterSixMonths
	}
}

// index is the state of a folder's items, looked up both ways.
type index struct {
	byServer map[string]*state.Item
	byHref   map[string]*state.Item
	all      []*state.Item
}

func (f *Folder) index(ctx context.Context) (*index, error) {
	items, err := f.DB.Items(ctx, f.ID)
	if err != nil {
		return nil, err
	}
	f.remember(items)
	ix := &index{byServer: map[string]*state.Item{}, byHref: map[string]*state.Item{}}
	for i := range items {
		it := &items[i]
		ix.all = append(ix.all, it)
		if it.ServerID != "" {
			ix.byServer[it.ServerID] = it
		}
		if it.LocalHref != "" {
			ix.byHref[it.LocalHref] = it
		}
	}
	return ix, nil
}

// remember hands a store that can use it what the state knows of its
// items, once per Folder: after a restart a vdir then reads only the files
// that changed since the last sync, not every file, to learn their UIDs.
// Items identified by file name ("href:") carry no UID of the file's own.
func (f *Folder) remember(items []state.Item) {
	r, ok := f.Store.(interface{ Remember([]store.Entry) })
	if !ok {
		return
	}
	f.remembered.Do(func() {
		known := make([]store.Entry, 0, len(items))
		for _, it := range items {
			if it.LocalHref != "" && it.LocalEtag != "" && !strings.HasPrefix(it.UID, "href:") {
				known = append(known, store.Entry{Href: it.LocalHref, UID: it.UID, Etag: store.Etag(it.LocalEtag)})
			}
		}
		r.Remember(known)
	})
}

func (ix *index) put(it state.Item) {
	p := &it
	if old := ix.byServer[it.ServerID]; old != nil && it.ServerID != "" {
		*old = it
		p = old
	} else if it.ServerID != "" {
		ix.byServer[it.ServerID] = p
		ix.all = append(ix.all, p)
	}
	if it.LocalHref != "" {
		ix.byHref[it.LocalHref] = p
	}
}

// listLocal lists the store's items, leaving out conflict copies.
func (f *Folder) listLocal(ctx context.Context) ([]store.Entry, error) {
	es, err := f.Store.List(ctx)
	if err != nil {
		return nil, fmt.Errorf("list local items: %w", err)
	}
	out := es[:0]
	for _, e := range es {
		if !strings.Contains(e.Href, ConflictInfix) {
			out = append(out, e)
		}
	}
	return out, nil
}

// stableUID derives a UID for a server item that has none, the same on
// every delivery of that item, so a write repeated after a crash finds
// its own file instead of making a second one.
func (f *Folder) stableUID(serverID string) string {
	sum := sha256.Sum256([]byte(f.UIDSeed + "\x00" + fmt.Sprint(f.ID) + "\x00" + serverID))
	return "cradle-" + hex.EncodeToString(sum[:12])
}

var errStop = errors.New("stop")
