package reconcile

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/cradle-sync/cradle/bridge/atomicfile"
	"github.com/cradle-sync/cradle/bridge/state"
	"github.com/cradle-sync/cradle/bridge/store"
	"github.com/cradle-sync/cradle/push"
	"github.com/cradle-sync/cradle/push/easclient"
)

// pass is the working state of one Sync round trip sequence.
type pass struct {
	ix    *index
	local map[string]store.Entry // href -> entry, loaded when matching needs it
	// unlinked maps content match keys of local items without a server id
	// to their hrefs, built on first need.
	unlinked map[string]string
	seen     map[string]bool // server ids delivered in this pass
	// creates are new local items of the current window, written together
	// by flushCreates: one Store.Apply per window lets a single-file store
	// rewrite once and a vdir sync once, instead of once per item.
	creates []create
	// adds maps items to the ClientId of their queued Add, loaded with
	// unlinked: linking an item answers its Add.
	adds map[state.ItemID]string
}

// create is a server item waiting to be written locally.
type create struct {
	sid    string
	uid    string
	data   []byte
	prev   *state.Item
	server []byte // the server's version, for ServerContent
}

// fetch applies the server's changes since the folder's SyncKey. After an
// invalid SyncKey it starts over from 0 and, once the server has delivered
// everything, removes local items the server no longer has.
func (f *Folder) fetch(ctx context.Context) error {
	err := f.fetchFrom(ctx, false)
	if push.IsInvalidSyncKey(err) {
		f.log().Warn("server lost this folder's sync state; resyncing from the start", "folder", f.ID)
		if err := f.DB.SetFolderSyncKey(ctx, f.ID, "0"); err != nil {
			return err
		}
		return f.fetchFrom(ctx, true)
	}
	return err
}

func (f *Folder) fetchFrom(ctx context.Context, afterReset bool) error {
	fo, err := f.folder(ctx)
	if err != nil {
		return err
	}
	ix, err := f.index(ctx)
	if err != nil {
		return err
	}
	p := &pass{ix: ix, seen: map[string]bool{}}
	key := fo.SyncKey
	if fo.Partial && !afterReset {
		// The last run stopped inside a windowed response. Continuing
		// from its key is not safe (SOGo, for one, then skips the items
		// that share the last window's timestamp), so start over: items
		// already here are matched, not duplicated.
		f.log().Info("previous sync was interrupted mid-response; starting the folder over", "folder", f.ID)
		key, afterReset = "0", true
		if err := f.DB.SetFolderSyncKey(ctx, f.ID, "0"); err != nil {
			return err
		}
	}
	full := key == "" || key == "0"
	_, err = f.Client.SyncFolder(ctx, easclient.SyncFolderRequest{
		CollectionID: fo.ServerID, SyncKey: key, Options: syncOptions(fo),
	}, func(w *easclient.Window) error {
		batch := state.ServerBatch{FromKey: key, NewKey: w.SyncKey, Partial: w.More}
		if err := f.applyWindow(ctx, p, &batch, w); err != nil {
			return err
		}
		if _, err := f.DB.ApplyServerBatch(ctx, f.ID, batch); err != nil {
			return err
		}
		key = w.SyncKey
		return nil
	})
	if err != nil {
		return fmt.Errorf("fetch %s: %w", fo.ServerID, err)
	}
	if full && afterReset {
		return f.dropUnseen(ctx, p, key)
	}
	return nil
}

// applyWindow applies one window's server commands to the local store and
// adds the resulting rows to batch.
func (f *Folder) applyWindow(ctx context.Context, p *pass, batch *state.ServerBatch, w *easclient.Window) error {
	dels := append(append([]push.SyncDelete(nil), w.Commands.Delete...), w.Commands.SoftDelete...)
	if n := len(dels); n > 0 && !f.allowDelete {
		g := f.guard()
		total := len(p.ix.byServer)
		if n > g.Min && float64(n) > g.Ratio*float64(total) {
			return &MassDeleteError{Side: "server", Deletes: n, Total: total}
		}
	}
	for _, a := range w.Commands.Add {
		if err := f.applyServerItem(ctx, p, batch, a.ServerID, a.ApplicationData); err != nil {
			return err
		}
	}
	for _, c := range w.Commands.Change {
		if err := f.applyServerItem(ctx, p, batch, c.ServerID, c.ApplicationData); err != nil {
			return err
		}
	}
	for _, d := range dels {
		if err := f.applyServerDelete(ctx, p, batch, d.ServerID); err != nil {
			return err
		}
	}
	return f.flushCreates(ctx, p, batch)
}

// applyServerItem brings the local copy of one server item up to date.
func (f *Folder) applyServerItem(ctx context.Context, p *pass, batch *state.ServerBatch, sid string, data push.ItemData) error {
	p.seen[sid] = true
	it := p.ix.byServer[sid]
	if it == nil {
		m, err := f.matchUnlinked(ctx, p, data)
		if err != nil {
			return err
		}
		if m != nil && p.adds[m.ID] != "" {
			// The server's copy of a local Add whose answer was lost:
			// the Add is done, it must not be sent again.
			batch.Acked = append(batch.Acked, p.adds[m.ID])
			delete(p.adds, m.ID)
		}
		it = m
	}
	if it == nil || it.LocalHref == "" {
		return f.createLocal(ctx, p, batch, sid, data, it)
	}
	local, e, err := f.Store.Get(ctx, it.LocalHref)
	if errors.Is(err, store.ErrNotFound) {
		// Deleted locally but not yet sent, while the server changed it:
		// the edit wins over the delete, so the item comes back.
		f.note("server", "restore", it.UID)
		return f.createLocal(ctx, p, batch, sid, data, it)
	}
	if err != nil {
		return fmt.Errorf("read local %s: %w", it.LocalHref, err)
	}
	full, err := f.DB.Item(ctx, it.ID)
	if err != nil {
		return err
	}
	base := full.SyncedContent
	// An item matched by content (no server id yet) is the same item as
	// the server's: apply the server's fields onto it like an unedited one.
	unchanged := it.ServerID == "" || e.Etag.Same(store.Etag(it.LocalEtag)) ||
		(it.SyncedHash != "" && store.ContentHash(local) == it.SyncedHash)
	v := f.Client.Version()
	prev := decodeData(full.ServerContent)
	if unchanged && f.echo[sid] {
		delete(f.echo, sid)
		full.ServerContent = encodeData(data)
		full.Folder = f.ID
		f.record(p, batch, full)
		return nil
	}
	if unchanged {
		next, err := f.Codec.FromEAS(data, prev, local, it.UID, v)
		if err != nil {
			return fmt.Errorf("server item %s: %w", sid, err)
		}
		ne, err := f.write(ctx, it.LocalHref, local, next, e)
		if errors.Is(err, store.ErrChanged) {
			return f.mergeServerItem(ctx, p, batch, sid, data, prev, it, base)
		}
		if err != nil {
			return err
		}
		f.record(p, batch, state.Item{ID: it.ID, ServerID: sid, UID: it.UID, LocalHref: it.LocalHref,
			LocalEtag: string(ne.Etag), SyncedHash: store.ContentHash(next), SyncedContent: next,
			ServerContent: encodeData(data)})
		if !bytes.Equal(next, local) {
			f.note("server", "change", it.UID)
		}
		return nil
	}
	return f.mergeServerItem(ctx, p, batch, sid, data, prev, it, base)
}

// mergeServerItem handles a server change to an item the user also edited.
func (f *Folder) mergeServerItem(ctx context.Context, p *pass, batch *state.ServerBatch, sid string, data, prev push.ItemData, it *state.Item, base []byte) error {
	local, e, err := f.Store.Get(ctx, it.LocalHref)
	if err != nil {
		return fmt.Errorf("read local %s: %w", it.LocalHref, err)
	}
	remote, err := f.Codec.FromEAS(data, prev, base, it.UID, f.Client.Version())
	if err != nil {
		return fmt.Errorf("server item %s: %w", sid, err)
	}
	merged, conflict, err := f.Codec.Merge(base, local, remote)
	if err != nil {
		return fmt.Errorf("merge %s: %w", it.LocalHref, err)
	}
	if conflict {
		if err := f.keepConflict(ctx, it, local, remote); err != nil {
			return err
		}
	}
	ne, err := f.write(ctx, it.LocalHref, local, merged, e)
	if err != nil {
		return err
	}
	// The base is what the server now holds; when merged differs from it
	// the local pass sends the merge back.
	etag := string(ne.Etag)
	if !bytes.Equal(merged, remote) {
		etag = ""
	}
	f.record(p, batch, state.Item{ID: it.ID, ServerID: sid, UID: it.UID, LocalHref: it.LocalHref,
		LocalEtag: etag, SyncedHash: store.ContentHash(remote), SyncedContent: remote, ServerContent: encodeData(data)})
	f.note("server", "change", it.UID)
	return nil
}

// keepConflict saves the user's version beside the item and records the
// conflict with both versions.
func (f *Folder) keepConflict(ctx context.Context, it *state.Item, local, remote []byte) error {
	path := ""
	if f.ConflictDir != nil {
		dir := f.ConflictDir(it.LocalHref)
		ext := f.Codec.Ext()
		base := it.UID
		if base == "" {
			base = "item"
		}
		prefix := store.FileStem(base) + ConflictInfix
		// A pass killed after saving the copy merges again on restart:
		// the copy it left is this one, not a second.
		if path = sameCopy(dir, prefix, ext, local); path == "" {
			path = filepath.Join(dir, prefix+time.Now().UTC().Format("20060102-150405")+ext)
			if err := atomicfile.WriteFile(path, local, 0o600); err != nil {
				return fmt.Errorf("keep conflict copy of %s: %w", it.LocalHref, err)
			}
		}
		open, err := f.DB.Conflicts(ctx, f.ID, true)
		if err != nil {
			return err
		}
		for _, c := range open {
			if c.LocalCopyPath == path {
				return nil // recorded by the killed pass
			}
		}
	}
	if _, err := f.DB.AddConflict(ctx, state.Conflict{Folder: f.ID, Item: it.ID, LocalCopyPath: path, ServerVersion: remote}); err != nil {
		return err
	}
	f.note("server", "conflict", it.UID)
	return nil
}

// sameCopy returns the path of a conflict copy in dir named prefix…ext
// whose content is b, or "".
func sameCopy(dir, prefix, ext string, b []byte) string {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return ""
	}
	for _, e := range ents {
		n := e.Name()
		if !strings.HasPrefix(n, prefix) || !strings.HasSuffix(n, ext) {
			continue
		}
		p := filepath.Join(dir, n)
		if cur, err := os.ReadFile(p); err == nil && bytes.Equal(cur, b) {
			return p
		}
	}
	return ""
}

// write replaces a local item unless the new bytes are the same.
func (f *Folder) write(ctx context.Context, href string, old, next []byte, e store.Entry) (store.Entry, error) {
	if bytes.Equal(old, next) {
		return e, nil
	}
	ne, err := f.Store.Update(ctx, href, next, e.Etag)
	if err != nil {
		return ne, fmt.Errorf("write local %s: %w", href, err)
	}
	return ne, nil
}

// createLocal stores a server item that has no local copy. prev is the
// item's row, if one exists without a file.
func (f *Folder) createLocal(ctx context.Context, p *pass, batch *state.ServerBatch, sid string, data push.ItemData, prev *state.Item) error {
	b, err := f.Codec.FromEAS(data, push.ItemData{}, nil, f.stableUID(sid), f.Client.Version())
	if err != nil {
		return fmt.Errorf("server item %s: %w", sid, err)
	}
	uid, err := f.Codec.UID(b)
	if err != nil {
		return fmt.Errorf("server item %s: %w", sid, err)
	}
	p.creates = append(p.creates, create{sid: sid, uid: uid, data: b, prev: prev, server: encodeData(data)})
	return nil
}

// flushCreates writes the window's new items in one batch and records them.
func (f *Folder) flushCreates(ctx context.Context, p *pass, batch *state.ServerBatch) error {
	if len(p.creates) == 0 {
		return nil
	}
	ops := make([]store.Op, len(p.creates))
	for i, c := range p.creates {
		ops[i] = store.Op{Kind: store.OpCreate, UID: c.uid, Data: c.data}
	}
	res, err := f.Store.Apply(ctx, ops)
	if err != nil {
		return fmt.Errorf("store server items: %w", err)
	}
	for i, c := range p.creates {
		e, err := res[i].Entry, res[i].Err
		if errors.Is(err, store.ErrExists) {
			// Our own file from a pass that crashed before recording it,
			// or a local item with the same UID: adopt it.
			e, err = f.adopt(ctx, c.uid, c.data)
		}
		if err != nil {
			return fmt.Errorf("store server item %s: %w", c.sid, err)
		}
		row := state.Item{ServerID: c.sid, UID: c.uid, LocalHref: e.Href, LocalEtag: string(e.Etag),
			SyncedHash: store.ContentHash(c.data), SyncedContent: c.data, ServerContent: c.server}
		if c.prev != nil {
			row.ID = c.prev.ID
		}
		f.record(p, batch, row)
		f.note("server", "add", c.uid)
	}
	p.creates = p.creates[:0]
	return nil
}

func (f *Folder) adopt(ctx context.Context, uid string, b []byte) (store.Entry, error) {
	es, err := f.Store.List(ctx)
	if err != nil {
		return store.Entry{}, err
	}
	for _, e := range es {
		if e.UID != uid {
			continue
		}
		cur, ce, err := f.Store.Get(ctx, e.Href)
		if err != nil {
			return store.Entry{}, err
		}
		if bytes.Equal(cur, b) {
			return ce, nil
		}
		return f.Store.Update(ctx, e.Href, b, ce.Etag)
	}
	return store.Entry{}, fmt.Errorf("uid %q exists but is not listed", uid)
}

// matchUnlinked finds a local item without a server id whose content
// matches data: the same item, added locally or left by a lost sync state.
func (f *Folder) matchUnlinked(ctx context.Context, p *pass, data push.ItemData) (*state.Item, error) {
	key := f.Codec.MatchKey(data, nil)
	if key == "" {
		return nil, nil
	}
	if p.unlinked == nil {
		p.unlinked = map[string]string{}
		ops, err := f.DB.Pending(ctx, f.ID)
		if err != nil {
			return nil, err
		}
		p.adds = map[state.ItemID]string{}
		for _, op := range ops {
			if op.Kind == state.OpAdd && op.Item != 0 {
				p.adds[op.Item] = op.ClientID
			}
		}
		es, err := f.listLocal(ctx)
		if err != nil {
			return nil, err
		}
		p.local = map[string]store.Entry{}
		for _, e := range es {
			p.local[e.Href] = e
			if it := p.ix.byHref[e.Href]; it != nil && it.ServerID != "" {
				continue
			}
			b, _, err := f.Store.Get(ctx, e.Href)
			if err != nil {
				continue
			}
			if k := f.Codec.MatchKey(push.ItemData{}, b); k != "" {
				p.unlinked[k] = e.Href
			}
		}
	}
	href, ok := p.unlinked[key]
	if !ok {
		return nil, nil
	}
	delete(p.unlinked, key)
	e := p.local[href]
	if it := p.ix.byHref[href]; it != nil {
		return it, nil
	}
	row, err := f.DB.PutItem(ctx, state.Item{Folder: f.ID, UID: e.UID, LocalHref: href})
	if err != nil {
		return nil, err
	}
	p.ix.byHref[href] = &row
	return &row, nil
}

// applyServerDelete removes the local copy of an item the server deleted,
// unless the user edited it since: then the edit wins and the item goes
// back to the server as new.
func (f *Folder) applyServerDelete(ctx context.Context, p *pass, batch *state.ServerBatch, sid string) error {
	it := p.ix.byServer[sid]
	if it == nil {
		return nil
	}
	if it.LocalHref != "" {
		local, e, err := f.Store.Get(ctx, it.LocalHref)
		switch {
		case errors.Is(err, store.ErrNotFound):
		case err != nil:
			return fmt.Errorf("read local %s: %w", it.LocalHref, err)
		case e.Etag.Same(store.Etag(it.LocalEtag)) || store.ContentHash(local) == it.SyncedHash:
			if err := f.Store.Delete(ctx, it.LocalHref, e.Etag); err != nil && !errors.Is(err, store.ErrNotFound) {
				if errors.Is(err, store.ErrChanged) {
					return f.unlink(p, batch, it)
				}
				return fmt.Errorf("delete local %s: %w", it.LocalHref, err)
			}
		default:
			return f.unlink(p, batch, it)
		}
	}
	batch.Deletes = append(batch.Deletes, sid)
	delete(p.ix.byServer, sid)
	if it.LocalHref != "" {
		delete(p.ix.byHref, it.LocalHref)
	}
	f.note("server", "delete", it.UID)
	return nil
}

// unlink forgets an item's server id so the local pass sends it as new.
func (f *Folder) unlink(p *pass, batch *state.ServerBatch, it *state.Item) error {
	row := *it
	row.ServerID, row.LocalEtag, row.SyncedContent, row.SyncedHash, row.ServerContent = "", "", nil, "", nil
	batch.Upserts = append(batch.Upserts, row)
	delete(p.ix.byServer, it.ServerID)
	f.note("local", "restore", it.UID)
	return nil
}

func (f *Folder) record(p *pass, batch *state.ServerBatch, it state.Item) {
	batch.Upserts = append(batch.Upserts, it)
	p.ix.put(it)
}

// dropUnseen runs after a full resync caused by lost state: items the
// server did not deliver are gone from it. Local copies the user did not
// edit are removed; edited ones go back to the server.
func (f *Folder) dropUnseen(ctx context.Context, p *pass, key string) error {
	var gone []string
	for sid := range p.ix.byServer {
		if !p.seen[sid] {
			gone = append(gone, sid)
		}
	}
	if len(gone) == 0 {
		return nil
	}
	w := &easclient.Window{SyncKey: key}
	for _, sid := range gone {
		w.Commands.Delete = append(w.Commands.Delete, push.SyncDelete{ServerID: sid})
	}
	batch := state.ServerBatch{FromKey: key, NewKey: key}
	if err := f.applyWindow(ctx, p, &batch, w); err != nil {
		return err
	}
	_, err := f.DB.ApplyServerBatch(ctx, f.ID, batch)
	return err
}
