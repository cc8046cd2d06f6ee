package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// AccountID is an account's row id.
type AccountID int64

// Account is one EAS account. It holds no credentials: see the package doc.
type Account struct {
	ID              AccountID
	Name            string // unique, chosen by the user
	URL             string // EAS endpoint
	User            string // login name, not a secret
	DeviceID        string // our EAS DeviceId, generated once per account
	DeviceType      string
	ProtocolVersion string // negotiated, e.g. "16.1"
	PolicyKey       string // "0" until provisioned
	FolderSyncKey   string // the FolderSync (hierarchy) key, "0" initially
	Created         time.Time
	Updated         time.Time
}

const accountCols = `id, name, url, username, device_id, device_type, protocol_version,
	policy_key, folder_sync_key, created_at, updated_at`

func scanAccount(row interface{ Scan(...any) error }) (Account, error) {
	var a Account
	var created, updated int64
	err := row.Scan(&a.ID, &a.Name, &a.URL, &a.User, &a.DeviceID, &a.DeviceType,
		&a.ProtocolVersion, &a.PolicyKey, &a.FolderSyncKey, &created, &updated)
	a.Created, a.Updated = fromMillis(created), fromMillis(updated)
	return a, err
}

// CreateAccount stores a new account and returns it with its ID. Empty
// PolicyKey and FolderSyncKey start as "0". An account of the same name
// yields ErrExists.
func (d *DB) CreateAccount(ctx context.Context, a Account) (Account, error) {
	if a.Name == "" || a.URL == "" || a.DeviceID == "" {
		return Account{}, fmt.Errorf("create account: name, URL and device id are required")
	}
	if a.PolicyKey == "" {
		a.PolicyKey = "0"
	}
	if a.FolderSyncKey == "" {
		a.FolderSyncKey = "0"
	}
	now := d.now()
	a.Created, a.Updated = now, now
	err := d.db.QueryRowContext(ctx, `INSERT INTO accounts (name, url, username, device_id, device_type,
		protocol_version, policy_key, folder_sync_key, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		a.Name, a.URL, a.User, a.DeviceID, a.DeviceType, a.ProtocolVersion, a.PolicyKey,
		a.FolderSyncKey, millis(now), millis(now)).Scan(&a.ID)
	if isUnique(err) {
		return Account{}, fmt.Errorf("create account %q: %w", a.Name, ErrExists)
	}
	if err != nil {
		return Account{}, fmt.Errorf("create account %q: %w", a.Name, err)
	}
	return a, nil
}

// Account returns the account with the given name.
func (d *DB) Account(ctx context.Context, name string) (Account, error) {
	a, err := scanAccount(d.db.QueryRowContext(ctx,
		`SELECT `+accountCols+` FROM accounts WHERE name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return Account{}, fmt.Errorf("account %q: %w", name, ErrNotFound)
	}
	if err != nil {
		return Account{}, fmt.Errorf("account %q: %w", name, err)
	}
	return a, nil
}

// Accounts returns all accounts ordered by name.
func (d *DB) Accounts(ctx context.Context) ([]Account, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT `+accountCols+` FROM accounts ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("accounts: %w", err)
	}
	defer rows.Close()
	var out []Account
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, fmt.Errorf("accounts: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// UpdateAccount rewrites the account with a.ID: URL, User, DeviceID,
// DeviceType and ProtocolVersion. Keys have their own setters.
func (d *DB) UpdateAccount(ctx context.Context, a Account) error {
	res, err := d.db.ExecContext(ctx, `UPDATE accounts SET url = ?, username = ?, device_id = ?,
		device_type = ?, protocol_version = ?, updated_at = ? WHERE id = ?`,
		a.URL, a.User, a.DeviceID, a.DeviceType, a.ProtocolVersion, millis(d.now()), a.ID)
	return affected("update account", a.ID, res, err)
}

// DeleteAccount removes the account and, by cascade, its folders, items,
// pending operations, conflicts and heartbeats.
func (d *DB) DeleteAccount(ctx context.Context, id AccountID) error {
	res, err := d.db.ExecContext(ctx, `DELETE FROM accounts WHERE id = ?`, id)
	return affected("delete account", id, res, err)
}

// affected turns "no row changed" into ErrNotFound.
func affected(what string, id any, res sql.Result, err error) error {
	if err != nil {
		return fmt.Errorf("%s %v: %w", what, id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s %v: %w", what, id, err)
	}
	if n == 0 {
		return fmt.Errorf("%s %v: %w", what, id, ErrNotFound)
	}
	return nil
}
