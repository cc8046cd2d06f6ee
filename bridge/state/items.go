package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// ItemID is an item's row id.
type ItemID int64

// Item links one server item to its local copy and remembers the content
// both sides last agreed on, the base of a 3-way merge.
type Item struct {
	ID       ItemID
	Folder   FolderID
	ServerID string // EAS ServerId; "" while a local add awaits the server
	UID      string
	// LocalHref and LocalEtag name the local item and the version of it
	// last synced ([store.Entry]); LocalHref is "" if not stored locally.
	LocalHref string
	LocalEtag string
	// SyncedHash is the hash of SyncedContent, which is the item as last
	// synced, in the local format.
	SyncedHash    string
	SyncedContent []byte
	// ServerContent is the server's version as last seen, in EAS form
	// (ApplicationData as XML); nil if unknown.
	ServerContent []byte
	Updated       time.Time
}

const itemCols = `id, folder_id, server_id, uid, local_href, local_etag, synced_hash, synced_content, server_content, updated_at`

// itemMetaCols selects no content, for listings.
const itemMetaCols = `id, folder_id, server_id, uid, local_href, local_etag, synced_hash, NULL, NULL, updated_at`

func scanItem(row interface{ Scan(...any) error }) (Item, error) {
	var it Item
	var sid, href sql.NullString
	var updated int64
	err := row.Scan(&it.ID, &it.Folder, &sid, &it.UID, &href, &it.LocalEtag, &it.SyncedHash,
		&it.SyncedContent, &it.ServerContent, &updated)
	it.ServerID, it.LocalHref, it.Updated = sid.String, href.String, fromMillis(updated)
	return it, err
}

// nullable stores "" as NULL, so the UNIQUE constraints on server id and
// href do not collide between items that lack one.
func nullable(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// PutItem inserts it (ID 0) or rewrites the item with it.ID, and returns it
// as stored. Two items of a folder with the same ServerID or LocalHref
// yield ErrExists.
func (d *DB) PutItem(ctx context.Context, it Item) (Item, error) {
	var out Item
	err := d.tx(ctx, func(tx *sql.Tx) error {
		var err error
		st := newStmts(tx)
		defer st.close()
		out, err = d.putItem(ctx, st, it)
		return err
	})
	if err != nil {
		return Item{}, fmt.Errorf("put item %q: %w", it.UID, err)
	}
	return out, nil
}

func (d *DB) putItem(ctx context.Context, tx *stmts, it Item) (Item, error) {
	it.Updated = d.now()
	var err error
	if it.ID == 0 {
		err = tx.queryRow(ctx, `INSERT INTO items (folder_id, server_id, uid, local_href,
			local_etag, synced_hash, synced_content, server_content, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			it.Folder, nullable(it.ServerID), it.UID, nullable(it.LocalHref), it.LocalEtag,
			it.SyncedHash, it.SyncedContent, it.ServerContent, millis(it.Updated)).Scan(&it.ID)
	} else {
		var res sql.Result
		res, err = tx.exec(ctx, `UPDATE items SET folder_id = ?, server_id = ?, uid = ?,
			local_href = ?, local_etag = ?, synced_hash = ?, synced_content = ?, server_content = ?,
			updated_at = ? WHERE id = ?`,
			it.Folder, nullable(it.ServerID), it.UID, nullable(it.LocalHref), it.LocalEtag,
			it.SyncedHash, it.SyncedContent, it.ServerContent, millis(it.Updated), it.ID)
		if err == nil {
			err = affected("item", it.ID, res, nil)
		}
	}
	if isUnique(err) {
		return Item{}, fmt.Errorf("%w: server id %q or href %q taken", ErrExists, it.ServerID, it.LocalHref)
	}
	return it, err
}

// Item returns the item with the given id, with its synced content.
func (d *DB) Item(ctx context.Context, id ItemID) (Item, error) {
	return d.itemWhere(ctx, `id = ?`, id)
}

// ItemByServerID returns the folder's item with the given EAS ServerId.
func (d *DB) ItemByServerID(ctx context.Context, folder FolderID, serverID string) (Item, error) {
	return d.itemWhere(ctx, `folder_id = ? AND server_id = ?`, folder, serverID)
}

// ItemByHref returns the folder's item stored locally at href.
func (d *DB) ItemByHref(ctx context.Context, folder FolderID, href string) (Item, error) {
	return d.itemWhere(ctx, `folder_id = ? AND local_href = ?`, folder, href)
}

func (d *DB) itemWhere(ctx context.Context, where string, args ...any) (Item, error) {
	it, err := scanItem(d.db.QueryRowContext(ctx, `SELECT `+itemCols+` FROM items WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return Item{}, fmt.Errorf("item %v: %w", args, ErrNotFound)
	}
	if err != nil {
		return Item{}, fmt.Errorf("item %v: %w", args, err)
	}
	return it, nil
}

// Items returns the folder's items ordered by id, without SyncedContent
// (nil), which can be large: fetch it per item with Item when merging.
func (d *DB) Items(ctx context.Context, folder FolderID) ([]Item, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT `+itemMetaCols+` FROM items WHERE folder_id = ? ORDER BY id`, folder)
	if err != nil {
		return nil, fmt.Errorf("items of folder %d: %w", folder, err)
	}
	defer rows.Close()
	var out []Item
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, fmt.Errorf("items of folder %d: %w", folder, err)
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// DeleteItem removes the item; its pending operations and conflicts lose
// their reference to it but stay.
func (d *DB) DeleteItem(ctx context.Context, id ItemID) error {
	res, err := d.db.ExecContext(ctx, `DELETE FROM items WHERE id = ?`, id)
	return affected("delete item", id, res, err)
}

// ServerBatch is what one Sync response did to a folder.
type ServerBatch struct {
	// FromKey, if not empty, must be the folder's current SyncKey, or the
	// batch fails with ErrSyncKeyMismatch and changes nothing: it guards
	// against applying a response to a folder that moved on.
	FromKey string
	// NewKey is the SyncKey the response carried.
	NewKey string
	// Upserts are items added or changed. An item with an ID rewrites that
	// row (a local add the server acknowledged with its new ServerId);
	// without an ID it rewrites the folder's item with the same ServerID,
	// or is inserted.
	Upserts []Item
	// Deletes are the EAS ServerIds of items the server deleted; unknown
	// ones are ignored, as a server may repeat a delete.
	Deletes []string
	// Acked are the client ids of pending operations the server accepted;
	// they leave the queue in the same transaction.
	Acked []string
	// Partial marks NewKey as taken from a window with more to follow.
	Partial bool
}

// ApplyServerBatch records b for the folder in one transaction: the items,
// the deletions, the acknowledged pending operations and the new SyncKey
// all commit together or not at all. It returns the stored upserts with
// their IDs.
func (d *DB) ApplyServerBatch(ctx context.Context, folder FolderID, b ServerBatch) ([]Item, error) {
	if b.NewKey == "" {
		return nil, fmt.Errorf("apply server batch to folder %d: empty sync key", folder)
	}
	out := make([]Item, 0, len(b.Upserts))
	err := d.tx(ctx, func(sqltx *sql.Tx) error {
		tx := newStmts(sqltx)
		defer tx.close()
		var cur string
		err := sqltx.QueryRowContext(ctx, `SELECT sync_key FROM folders WHERE id = ?`, folder).Scan(&cur)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if b.FromKey != "" && b.FromKey != cur {
			return fmt.Errorf("%w: have %q, batch is from %q", ErrSyncKeyMismatch, cur, b.FromKey)
		}
		for _, it := range b.Upserts {
			it.Folder = folder
			if it.ID == 0 && it.ServerID != "" {
				err := tx.queryRow(ctx, `SELECT id FROM items WHERE folder_id = ? AND server_id = ?`,
					folder, it.ServerID).Scan(&it.ID)
				if err != nil && !errors.Is(err, sql.ErrNoRows) {
					return err
				}
			}
			stored, err := d.putItem(ctx, tx, it)
			if err != nil {
				return fmt.Errorf("item %q: %w", it.ServerID, err)
			}
			out = append(out, stored)
			if err := d.hook("upsert"); err != nil {
				return err
			}
		}
		for _, sid := range b.Deletes {
			if _, err := tx.exec(ctx, `DELETE FROM items WHERE folder_id = ? AND server_id = ?`, folder, sid); err != nil {
				return fmt.Errorf("delete item %q: %w", sid, err)
			}
			if err := d.hook("delete"); err != nil {
				return err
			}
		}
		for _, cid := range b.Acked {
			if _, err := tx.exec(ctx, `DELETE FROM pending_ops WHERE folder_id = ? AND client_id = ?`, folder, cid); err != nil {
				return fmt.Errorf("ack pending %q: %w", cid, err)
			}
		}
		if _, err := sqltx.ExecContext(ctx, `UPDATE folders SET sync_key = ?, partial = ?, updated_at = ? WHERE id = ?`,
			b.NewKey, b.Partial, millis(d.now()), folder); err != nil {
			return err
		}
		return d.hook("synckey")
	})
	if err != nil {
		return nil, fmt.Errorf("apply server batch to folder %d: %w", folder, err)
	}
	return out, nil
}

func (d *DB) hook(step string) error {
	if d.batchHook == nil {
		return nil
	}
	return d.batchHook(step)
}
