package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// FolderID is a folder's row id.
type FolderID int64

// Kind is what a folder holds.
type Kind string

// The folder kinds Cradle syncs.
const (
	KindContacts Kind = "contacts"
	KindCalendar Kind = "calendar"
	KindTasks    Kind = "tasks"
)

// StoreKind is how a folder's items are kept locally.
type StoreKind string

// The local store kinds; StoreNone means not mapped to local files yet.
const (
	StoreNone StoreKind = ""
	StoreVdir StoreKind = "vdir"
	StoreFile StoreKind = "file"
)

// FolderState is a folder's sync state.
type FolderState string

// The folder states.
const (
	FolderActive  FolderState = "active"
	FolderPaused  FolderState = "paused"
	FolderError   FolderState = "error"
	FolderRemoved FolderState = "removed" // gone from the server, kept for cleanup
)

// Folder is one server collection and its local counterpart.
type Folder struct {
	ID          FolderID
	Account     AccountID
	ServerID    string // the folder's EAS ServerId
	ParentID    string // the parent's EAS ServerId, "0" or "" at the root
	DisplayName string
	Kind        Kind
	SyncKey     string // "0" until the first Sync
	StoreKind   StoreKind
	StorePath   string
	// WindowDays bounds calendar sync to that many days back (the EAS
	// FilterType); 0 syncs everything.
	WindowDays int
	State      FolderState
	// Partial reports that SyncKey was stored after a window the server
	// said more followed (MoreAvailable): the response was not finished.
	Partial bool
	Updated time.Time
}

const folderCols = `id, account_id, server_id, parent_id, display_name, kind, sync_key,
	store_kind, store_path, window_days, state, updated_at, partial`

func scanFolder(row interface{ Scan(...any) error }) (Folder, error) {
	var f Folder
	var updated int64
	err := row.Scan(&f.ID, &f.Account, &f.ServerID, &f.ParentID, &f.DisplayName, &f.Kind,
		&f.SyncKey, &f.StoreKind, &f.StorePath, &f.WindowDays, &f.State, &updated, &f.Partial)
	f.Updated = fromMillis(updated)
	return f, err
}

// PutFolder creates the folder (Account, ServerID), or updates its
// parent, name, kind, local store, window and state if it exists, and
// returns it as stored. The SyncKey is only set on creation (empty means
// "0"): afterwards it changes through SetFolderSyncKey or ApplyServerBatch
// alone, so a hierarchy update cannot roll a folder's sync back.
func (d *DB) PutFolder(ctx context.Context, f Folder) (Folder, error) {
	if f.SyncKey == "" {
		f.SyncKey = "0"
	}
	if f.State == "" {
		f.State = FolderActive
	}
	row := d.db.QueryRowContext(ctx, `INSERT INTO folders (account_id, server_id, parent_id,
		display_name, kind, sync_key, store_kind, store_path, window_days, state, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (account_id, server_id) DO UPDATE SET parent_id = excluded.parent_id,
			display_name = excluded.display_name, kind = excluded.kind,
			store_kind = excluded.store_kind, store_path = excluded.store_path,
			window_days = excluded.window_days, state = excluded.state,
			updated_at = excluded.updated_at
		RETURNING `+folderCols,
		f.Account, f.ServerID, f.ParentID, f.DisplayName, f.Kind, f.SyncKey, f.StoreKind,
		f.StorePath, f.WindowDays, f.State, millis(d.now()))
	out, err := scanFolder(row)
	if err != nil {
		return Folder{}, fmt.Errorf("put folder %q: %w", f.ServerID, err)
	}
	return out, nil
}

// Folder returns the folder with the given id.
func (d *DB) Folder(ctx context.Context, id FolderID) (Folder, error) {
	return d.folderWhere(ctx, `id = ?`, id)
}

// FolderByServerID returns the account's folder with the given EAS ServerId.
func (d *DB) FolderByServerID(ctx context.Context, account AccountID, serverID string) (Folder, error) {
	return d.folderWhere(ctx, `account_id = ? AND server_id = ?`, account, serverID)
}

func (d *DB) folderWhere(ctx context.Context, where string, args ...any) (Folder, error) {
	f, err := scanFolder(d.db.QueryRowContext(ctx, `SELECT `+folderCols+` FROM folders WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return Folder{}, fmt.Errorf("folder %v: %w", args, ErrNotFound)
	}
	if err != nil {
		return Folder{}, fmt.Errorf("folder %v: %w", args, err)
	}
	return f, nil
}

// Folders returns the account's folders ordered by id.
func (d *DB) Folders(ctx context.Context, account AccountID) ([]Folder, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT `+folderCols+` FROM folders WHERE account_id = ? ORDER BY id`, account)
	if err != nil {
		return nil, fmt.Errorf("folders of account %d: %w", account, err)
	}
	defer rows.Close()
	var out []Folder
	for rows.Next() {
		f, err := scanFolder(rows)
		if err != nil {
			return nil, fmt.Errorf("folders of account %d: %w", account, err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// SetFolderSyncKey sets the folder's SyncKey alone, for responses that
// carry no items (an initial Sync with key "0", a reset after
// InvalidSyncKey). Use ApplyServerBatch when items came with the key.
func (d *DB) SetFolderSyncKey(ctx context.Context, id FolderID, key string) error {
	res, err := d.db.ExecContext(ctx, `UPDATE folders SET sync_key = ?, partial = 0, updated_at = ? WHERE id = ?`,
		key, millis(d.now()), id)
	return affected("set sync key of folder", id, res, err)
}

// DeleteFolder removes the folder and, by cascade, its items, pending
// operations and conflicts.
func (d *DB) DeleteFolder(ctx context.Context, id FolderID) error {
	res, err := d.db.ExecContext(ctx, `DELETE FROM folders WHERE id = ?`, id)
	return affected("delete folder", id, res, err)
}
