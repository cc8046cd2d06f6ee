package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// SyncKey returns the SyncKey of the account's folder with EAS ServerId
// folder, or the account's FolderSync key if folder is "". Keys start as "0".
func (d *DB) SyncKey(ctx context.Context, account, folder string) (string, error) {
	var key string
	var err error
	if folder == "" {
		err = d.db.QueryRowContext(ctx, `SELECT folder_sync_key FROM accounts WHERE name = ?`, account).Scan(&key)
	} else {
		err = d.db.QueryRowContext(ctx, `SELECT f.sync_key FROM folders f JOIN accounts a ON a.id = f.account_id
			WHERE a.name = ? AND f.server_id = ?`, account, folder).Scan(&key)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("sync key of %q/%q: %w", account, folder, ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("sync key of %q/%q: %w", account, folder, err)
	}
	return key, nil
}

// SetSyncKey sets the key [DB.SyncKey] returns. The folder must exist
// (folders are created with [DB.PutFolder]); ErrNotFound otherwise.
func (d *DB) SetSyncKey(ctx context.Context, account, folder, key string) error {
	var res sql.Result
	var err error
	now := millis(d.now())
	if folder == "" {
		res, err = d.db.ExecContext(ctx, `UPDATE accounts SET folder_sync_key = ?, updated_at = ? WHERE name = ?`,
			key, now, account)
	} else {
		res, err = d.db.ExecContext(ctx, `UPDATE folders SET sync_key = ?, updated_at = ?
			WHERE server_id = ? AND account_id = (SELECT id FROM accounts WHERE name = ?)`,
			key, now, folder, account)
	}
	return affected("set sync key of", account+"/"+folder, res, err)
}

// PolicyKey returns the account's EAS policy key, "0" if not provisioned.
func (d *DB) PolicyKey(ctx context.Context, account string) (string, error) {
	var key string
	err := d.db.QueryRowContext(ctx, `SELECT policy_key FROM accounts WHERE name = ?`, account).Scan(&key)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("policy key of %q: %w", account, ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("policy key of %q: %w", account, err)
	}
	return key, nil
}

// SetPolicyKey stores the account's EAS policy key.
func (d *DB) SetPolicyKey(ctx context.Context, account, key string) error {
	res, err := d.db.ExecContext(ctx, `UPDATE accounts SET policy_key = ?, updated_at = ? WHERE name = ?`,
		key, millis(d.now()), account)
	return affected("set policy key of", account, res, err)
}

// Heartbeat returns the Ping heartbeat interval learned for the account on
// network (an identifier of the network the machine is on, such as a
// Wi-Fi SSID hash), or 0 if none was stored.
func (d *DB) Heartbeat(ctx context.Context, account, network string) (time.Duration, error) {
	var secs int64
	err := d.db.QueryRowContext(ctx, `SELECT h.seconds FROM heartbeats h JOIN accounts a ON a.id = h.account_id
		WHERE a.name = ? AND h.network = ?`, account, network).Scan(&secs)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("heartbeat of %q on %q: %w", account, network, err)
	}
	return time.Duration(secs) * time.Second, nil
}

// SetHeartbeat stores the interval, rounded to whole seconds as EAS counts.
func (d *DB) SetHeartbeat(ctx context.Context, account, network string, hb time.Duration) error {
	res, err := d.db.ExecContext(ctx, `INSERT INTO heartbeats (account_id, network, seconds, updated_at)
		SELECT id, ?, ?, ? FROM accounts WHERE name = ?
		ON CONFLICT (account_id, network) DO UPDATE SET seconds = excluded.seconds, updated_at = excluded.updated_at`,
		network, int64(hb.Round(time.Second)/time.Second), millis(d.now()), account)
	return affected("set heartbeat of", account, res, err)
}
