package state

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Conflict records an item both sides changed in ways the merge could not
// reconcile: the user's version was kept aside as a copy.
type Conflict struct {
	ID            int64
	Folder        FolderID
	Item          ItemID // 0 once the item is gone
	LocalCopyPath string // where the user's version was saved
	ServerVersion []byte // the server's version, in the local format
	Created       time.Time
	Resolved      time.Time // zero while open
}

// AddConflict records c and returns it with its ID.
func (d *DB) AddConflict(ctx context.Context, c Conflict) (Conflict, error) {
	c.Created, c.Resolved = d.now(), time.Time{}
	var item sql.NullInt64
	if c.Item != 0 {
		item = sql.NullInt64{Int64: int64(c.Item), Valid: true}
	}
	err := d.db.QueryRowContext(ctx, `INSERT INTO conflicts (folder_id, item_id, local_copy_path,
		server_version, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		c.Folder, item, c.LocalCopyPath, c.ServerVersion, millis(c.Created)).Scan(&c.ID)
	if err != nil {
		return Conflict{}, fmt.Errorf("add conflict in folder %d: %w", c.Folder, err)
	}
	return c, nil
}

// Conflicts returns the folder's conflicts, oldest first; only the open
// ones if openOnly.
func (d *DB) Conflicts(ctx context.Context, folder FolderID, openOnly bool) ([]Conflict, error) {
	q := `SELECT id, folder_id, item_id, local_copy_path, server_version, created_at, resolved_at
		FROM conflicts WHERE folder_id = ?`
	if openOnly {
		q += ` AND resolved_at IS NULL`
	}
	rows, err := d.db.QueryContext(ctx, q+` ORDER BY id`, folder)
	if err != nil {
		return nil, fmt.Errorf("conflicts of folder %d: %w", folder, err)
	}
	defer rows.Close()
	var out []Conflict
	for rows.Next() {
		var c Conflict
		var item, resolved sql.NullInt64
		var created int64
		if err := rows.Scan(&c.ID, &c.Folder, &item, &c.LocalCopyPath, &c.ServerVersion, &created, &resolved); err != nil {
			return nil, fmt.Errorf("conflicts of folder %d: %w", folder, err)
		}
		c.Item, c.Created, c.Resolved = ItemID(item.Int64), fromMillis(created), fromMillis(resolved.Int64)
		out = append(out, c)
	}
	return out, rows.Err()
}

// ResolveConflict marks the conflict resolved; resolving twice keeps the
// first time.
func (d *DB) ResolveConflict(ctx context.Context, id int64) error {
	res, err := d.db.ExecContext(ctx, `UPDATE conflicts SET resolved_at = COALESCE(resolved_at, ?) WHERE id = ?`,
		millis(d.now()), id)
	return affected("resolve conflict", id, res, err)
}
