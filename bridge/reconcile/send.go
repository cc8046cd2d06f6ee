package reconcile

import (
	"context"
	"errors"
	"fmt"

	"github.com/cradle-sync/cradle/bridge/state"
	"github.com/cradle-sync/cradle/bridge/store"
	"github.com/cradle-sync/cradle/push"
	"github.com/cradle-sync/cradle/push/easclient"
)

// outgoing is a local change on its way to the server, remembered until
// the server's answer says how to record it.
type outgoing struct {
	it    state.Item
	entry store.Entry
	data  []byte
	op    state.PendingOp
}

// BadItemError reports a local item Cradle cannot read. The file is left
// untouched and the item is not sent; the rest of the folder syncs.
type BadItemError struct {
	Href string
	Err  error
}

func (e *BadItemError) Error() string { return fmt.Sprintf("local item %s: %v", e.Href, e.Err) }
func (e *BadItemError) Unwrap() error { return e.Err }

// sendLocal sends the local collection's changes since the last sync. It
// reports whether anything was sent.
func (f *Folder) sendLocal(ctx context.Context) (bool, error) {
	fo, err := f.folder(ctx)
	if err != nil {
		return false, err
	}
	ix, err := f.index(ctx)
	if err != nil {
		return false, err
	}
	entries, err := f.listLocal(ctx)
	if err != nil {
		return false, err
	}
	pending, err := f.DB.Pending(ctx, f.ID)
	if err != nil {
		return false, err
	}
	addOp := map[state.ItemID]state.PendingOp{}
	for _, op := range pending {
		if op.Kind == state.OpAdd && op.Item != 0 {
			addOp[op.Item] = op
		}
	}
	v := f.Client.Version()
	var cmds push.SyncCommands
	adds := map[string]*outgoing{}
	changes := map[string]*outgoing{}
	var deletes []string
	seen := map[string]bool{}
	var bad []error
	// A UID names one item; a second file claiming it would make the
	// server overwrite the first (events are keyed by UID on most
	// servers), so it is reported instead of sent.
	uidHref := map[string]string{}
	for _, it := range ix.all {
		if it.UID != "" && it.LocalHref != "" {
			uidHref[it.UID] = it.LocalHref
		}
	}

	for _, e := range entries {
		seen[e.Href] = true
		it := ix.byHref[e.Href]
		if it != nil && it.ServerID != "" && e.Etag.Same(store.Etag(it.LocalEtag)) {
			continue
		}
		data, ge, err := f.Store.Get(ctx, e.Href)
		if errors.Is(err, store.ErrNotFound) {
			continue // deleted since the listing; the next pass sees it
		}
		if err != nil {
			return false, fmt.Errorf("read local %s: %w", e.Href, err)
		}
		if it != nil && it.ServerID != "" {
			if store.ContentHash(data) == it.SyncedHash {
				// Touched, not edited: remember the new version.
				row, err := f.DB.Item(ctx, it.ID)
				if err != nil {
					return false, err
				}
				row.LocalEtag = string(ge.Etag)
				if _, err := f.DB.PutItem(ctx, row); err != nil {
					return false, err
				}
				continue
			}
			row, err := f.DB.Item(ctx, it.ID)
			if err != nil {
				return false, err
			}
			ed, err := f.Codec.ToEAS(data, row.SyncedContent, v)
			if err != nil {
				bad = append(bad, &BadItemError{Href: e.Href, Err: err})
				continue
			}
			cmds.Change = append(cmds.Change, push.SyncChange{ServerID: it.ServerID, ApplicationData: ed})
			changes[it.ServerID] = &outgoing{it: row, entry: ge, data: data}
			continue
		}
		// A new local item, or one whose Add has not been acknowledged.
		uid, err := f.Codec.UID(data)
		if errors.Is(err, ErrNoUID) {
			// Phones and old programs export cards without UID. The file
			// name identifies the item locally; the server needs none.
			uid, err = "href:"+e.Href, nil
		}
		if err != nil {
			bad = append(bad, &BadItemError{Href: e.Href, Err: err})
			continue
		}
		if other, dup := uidHref[uid]; dup && other != e.Href {
			bad = append(bad, &BadItemError{Href: e.Href, Err: fmt.Errorf("UID %q is also the UID of %s; not sent", uid, other)})
			continue
		}
		uidHref[uid] = e.Href
		ed, err := f.Codec.ToEAS(data, nil, v)
		if err != nil {
			bad = append(bad, &BadItemError{Href: e.Href, Err: err})
			continue
		}
		var row state.Item
		if it != nil {
			row = *it
		} else {
			// The row and the queued Add (with its ClientId) exist before
			// anything is sent, so a crash after sending is recognised.
			row, err = f.DB.PutItem(ctx, state.Item{Folder: f.ID, UID: uid, LocalHref: e.Href})
			if err != nil {
				return false, err
			}
		}
		op, ok := addOp[row.ID]
		if !ok {
			op, err = f.DB.Enqueue(ctx, state.PendingOp{Folder: f.ID, Kind: state.OpAdd, Item: row.ID, PayloadRef: e.Href})
			if err != nil {
				return false, err
			}
		}
		row.UID = uid
		cmds.Add = append(cmds.Add, push.SyncAdd{ClientID: op.ClientID, ApplicationData: ed})
		adds[op.ClientID] = &outgoing{it: row, entry: ge, data: data, op: op}
	}
	for _, it := range ix.all {
		if it.LocalHref == "" || seen[it.LocalHref] {
			continue
		}
		if it.ServerID == "" {
			// Added and removed locally before the server heard of it.
			if err := f.DB.DeleteItem(ctx, it.ID); err != nil && !errors.Is(err, state.ErrNotFound) {
				return false, err
			}
			if op, ok := addOp[it.ID]; ok {
				f.DB.DeletePending(ctx, op.ID)
			}
			continue
		}
		deletes = append(deletes, it.ServerID)
	}
	if n := len(deletes); n > 0 && !f.allowDelete {
		g := f.guard()
		total := len(ix.byServer)
		if n > g.Min && float64(n) > g.Ratio*float64(total) {
			return false, &MassDeleteError{Side: "local", Deletes: n, Total: total}
		}
	}
	for _, sid := range deletes {
		cmds.Delete = append(cmds.Delete, push.SyncDelete{ServerID: sid})
	}
	if cmds.Len() == 0 {
		return false, errors.Join(bad...)
	}

	key := fo.SyncKey
	first := true
	p := &pass{ix: ix, seen: map[string]bool{}}
	_, err = f.Client.SyncFolder(ctx, easclient.SyncFolderRequest{
		CollectionID: fo.ServerID, SyncKey: key, Options: syncOptions(fo), Commands: &cmds,
	}, func(w *easclient.Window) error {
		batch := state.ServerBatch{FromKey: key, NewKey: w.SyncKey, Partial: w.More}
		if first {
			first = false
			if err := f.recordSent(ctx, p, &batch, w.Responses, adds, changes, deletes); err != nil {
				return err
			}
		}
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
		return true, fmt.Errorf("send %s: %w", fo.ServerID, err)
	}
	return true, errors.Join(bad...)
}

func (f *Folder) sent(sid string) {
	if f.echo == nil {
		f.echo = map[string]bool{}
	}
	f.echo[sid] = true
}

// recordSent turns the server's per-item answers into state rows.
func (f *Folder) recordSent(ctx context.Context, p *pass, batch *state.ServerBatch, r *push.SyncResponses,
	adds, changes map[string]*outgoing, deletes []string) error {
	failed := map[string]push.SyncStatus{}
	var addResults []push.SyncItemResult
	if r != nil {
		addResults = r.Add
		for _, c := range r.Change {
			if c.Status != push.SyncSuccess && c.Status != 0 {
				failed[c.ServerID] = c.Status
			}
		}
	}
	for _, res := range addResults {
		o := adds[res.ClientID]
		if o == nil {
			continue
		}
		if (res.Status != push.SyncSuccess && res.Status != 0) || res.ServerID == "" {
			if err := f.DB.RecordAttempt(ctx, o.op.ID, fmt.Errorf("server refused the item: status %d (%s)", res.Status, res.Status)); err != nil {
				return err
			}
			continue
		}
		row := o.it
		row.ServerID, row.LocalEtag = res.ServerID, string(o.entry.Etag)
		// The server's own version is not known until it sends one: some
		// servers silently drop fields (SOGo keeps no IM addresses), and
		// taking what was sent for what is stored would later read the
		// missing field as a deletion.
		row.SyncedHash, row.SyncedContent, row.ServerContent = store.ContentHash(o.data), o.data, nil
		f.record(p, batch, row)
		f.sent(res.ServerID)
		batch.Acked = append(batch.Acked, res.ClientID)
		f.note("local", "add", row.UID)
	}
	for sid, o := range changes {
		if st, bad := failed[sid]; bad {
			if st == push.SyncObjectNotFound {
				// The server lost the item meanwhile: the local edit wins,
				// the item goes back as new.
				if err := f.unlink(p, batch, &o.it); err != nil {
					return err
				}
				continue
			}
			f.log().Warn("server refused a change", "item", o.entry.Href, "status", st)
			continue
		}
		row := o.it
		// ServerContent stays the server's last version (see above).
		row.LocalEtag, row.SyncedHash, row.SyncedContent = string(o.entry.Etag), store.ContentHash(o.data), o.data
		f.record(p, batch, row)
		f.sent(sid)
		f.note("local", "change", row.UID)
	}
	for _, sid := range deletes {
		batch.Deletes = append(batch.Deletes, sid)
		if it := p.ix.byServer[sid]; it != nil {
			f.note("local", "delete", it.UID)
			delete(p.ix.byServer, sid)
		}
	}
	return nil
}
