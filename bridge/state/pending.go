package state

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"time"
)

// OpKind is the kind of a pending local change.
type OpKind string

// The pending operation kinds, named as EAS Sync commands.
const (
	OpAdd    OpKind = "add"
	OpChange OpKind = "change"
	OpDelete OpKind = "delete"
)

// maxErrorLen bounds a stored error text.
const maxErrorLen = 1000

// PendingOp is a local change queued for the server.
type PendingOp struct {
	ID     int64
	Folder FolderID
	Kind   OpKind
	// ClientID is the EAS ClientId of an Add. It is generated and stored
	// when the op is queued, before anything is sent, so an Add retried
	// after a crash carries the same ClientId and the server can tell the
	// retry from a new item.
	ClientID string
	Item     ItemID // 0 if not linked to an item row
	// PayloadRef locates the change's content (e.g. the local href);
	// the content itself is read when sending.
	PayloadRef string
	Attempts   int
	LastError  string
	Created    time.Time
}

// Enqueue queues op and returns it with its ID and ClientID (generated if
// op.ClientID is empty; at most 64 characters as EAS requires).
func (d *DB) Enqueue(ctx context.Context, op PendingOp) (PendingOp, error) {
	if op.ClientID == "" {
		op.ClientID = rand.Text() // 26 base32 characters, 130 bits
	}
	if len(op.ClientID) > 64 {
		return PendingOp{}, fmt.Errorf("enqueue: client id longer than 64 characters")
	}
	op.Created = d.now()
	op.Attempts, op.LastError = 0, ""
	var item sql.NullInt64
	if op.Item != 0 {
		item = sql.NullInt64{Int64: int64(op.Item), Valid: true}
	}
	err := d.db.QueryRowContext(ctx, `INSERT INTO pending_ops (folder_id, kind, client_id, item_id,
		payload_ref, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		op.Folder, op.Kind, op.ClientID, item, op.PayloadRef, millis(op.Created)).Scan(&op.ID)
	if isUnique(err) {
		return PendingOp{}, fmt.Errorf("enqueue %s: client id %q: %w", op.Kind, op.ClientID, ErrExists)
	}
	if err != nil {
		return PendingOp{}, fmt.Errorf("enqueue %s: %w", op.Kind, err)
	}
	return op, nil
}

// Pending returns the folder's queued operations, oldest first.
func (d *DB) Pending(ctx context.Context, folder FolderID) ([]PendingOp, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT id, folder_id, kind, client_id, item_id, payload_ref,
		attempts, last_error, created_at FROM pending_ops WHERE folder_id = ? ORDER BY id`, folder)
	if err != nil {
		return nil, fmt.Errorf("pending of folder %d: %w", folder, err)
	}
	defer rows.Close()
	var out []PendingOp
	for rows.Next() {
		var op PendingOp
		var item sql.NullInt64
		var created int64
		if err := rows.Scan(&op.ID, &op.Folder, &op.Kind, &op.ClientID, &item, &op.PayloadRef,
			&op.Attempts, &op.LastError, &created); err != nil {
			return nil, fmt.Errorf("pending of folder %d: %w", folder, err)
		}
		op.Item, op.Created = ItemID(item.Int64), fromMillis(created)
		out = append(out, op)
	}
	return out, rows.Err()
}

// RecordAttempt counts a failed attempt to send the op and keeps the
// error's text (truncated) for display. The text must hold no secrets.
func (d *DB) RecordAttempt(ctx context.Context, id int64, cause error) error {
	msg := ""
	if cause != nil {
		msg = cause.Error()
		if len(msg) > maxErrorLen {
			msg = msg[:maxErrorLen]
		}
	}
	res, err := d.db.ExecContext(ctx, `UPDATE pending_ops SET attempts = attempts + 1, last_error = ? WHERE id = ?`, msg, id)
	return affected("record attempt of pending op", id, res, err)
}

// DeletePending removes an op from the queue (given up, or superseded).
// Ops the server accepted leave through ServerBatch.Acked instead.
func (d *DB) DeletePending(ctx context.Context, id int64) error {
	res, err := d.db.ExecContext(ctx, `DELETE FROM pending_ops WHERE id = ?`, id)
	return affected("delete pending op", id, res, err)
}
