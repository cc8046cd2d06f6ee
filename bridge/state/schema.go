package state

import (
	"context"
	"database/sql"
	"fmt"
)

// migrations upgrade the schema one version at a time: migrations[i] takes
// the database from version i to i+1. Append only; never edit a released
// step, as databases in the field have already run it.
var migrations = []string{
	// 1: the first schema.
	`
CREATE TABLE accounts (
	id               INTEGER PRIMARY KEY,
	name             TEXT NOT NULL UNIQUE,
	url              TEXT NOT NULL,
	username         TEXT NOT NULL,
	device_id        TEXT NOT NULL,
	device_type      TEXT NOT NULL DEFAULT '',
	protocol_version TEXT NOT NULL DEFAULT '',
	policy_key       TEXT NOT NULL DEFAULT '0',
	folder_sync_key  TEXT NOT NULL DEFAULT '0',
	created_at       INTEGER NOT NULL,
	updated_at       INTEGER NOT NULL
) STRICT;

CREATE TABLE folders (
	id             INTEGER PRIMARY KEY,
	account_id     INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	server_id      TEXT NOT NULL,
	parent_id      TEXT NOT NULL DEFAULT '',
	display_name   TEXT NOT NULL DEFAULT '',
	kind           TEXT NOT NULL CHECK (kind IN ('contacts', 'calendar', 'tasks')),
	sync_key       TEXT NOT NULL DEFAULT '0',
	store_kind     TEXT NOT NULL DEFAULT '' CHECK (store_kind IN ('', 'vdir', 'file')),
	store_path     TEXT NOT NULL DEFAULT '',
	window_days    INTEGER NOT NULL DEFAULT 0,
	state          TEXT NOT NULL DEFAULT 'active'
	               CHECK (state IN ('active', 'paused', 'error', 'removed')),
	updated_at     INTEGER NOT NULL,
	UNIQUE (account_id, server_id)
) STRICT;

CREATE TABLE items (
	id             INTEGER PRIMARY KEY,
	folder_id      INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
	server_id      TEXT,
	uid            TEXT NOT NULL DEFAULT '',
	local_href     TEXT,
	local_etag     TEXT NOT NULL DEFAULT '',
	synced_hash    TEXT NOT NULL DEFAULT '',
	synced_content BLOB,
	updated_at     INTEGER NOT NULL,
	UNIQUE (folder_id, server_id),
	UNIQUE (folder_id, local_href)
) STRICT;
CREATE INDEX items_uid ON items (folder_id, uid);

CREATE TABLE pending_ops (
	id          INTEGER PRIMARY KEY,
	folder_id   INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
	kind        TEXT NOT NULL CHECK (kind IN ('add', 'change', 'delete')),
	client_id   TEXT NOT NULL UNIQUE,
	item_id     INTEGER REFERENCES items(id) ON DELETE SET NULL,
	payload_ref TEXT NOT NULL DEFAULT '',
	attempts    INTEGER NOT NULL DEFAULT 0,
	last_error  TEXT NOT NULL DEFAULT '',
	created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX pending_ops_folder ON pending_ops (folder_id, id);

CREATE TABLE conflicts (
	id              INTEGER PRIMARY KEY,
	folder_id       INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
	item_id         INTEGER REFERENCES items(id) ON DELETE SET NULL,
	local_copy_path TEXT NOT NULL DEFAULT '',
	server_version  BLOB,
	created_at      INTEGER NOT NULL,
	resolved_at     INTEGER
) STRICT;
CREATE INDEX conflicts_open ON conflicts (folder_id) WHERE resolved_at IS NULL;

CREATE TABLE heartbeats (
	account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	network    TEXT NOT NULL,
	seconds    INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (account_id, network)
) STRICT;

-- Placeholder for phones and other devices synced over USB; filled in
-- by the device drivers later.
CREATE TABLE devices (
	id         INTEGER PRIMARY KEY,
	kind       TEXT NOT NULL,
	serial     TEXT NOT NULL,
	name       TEXT NOT NULL DEFAULT '',
	last_seen  INTEGER,
	UNIQUE (kind, serial)
) STRICT;
`,
	// 2: the server's own version of each item (EAS ApplicationData as
	// XML), so a field the server dropped can be told from a field it
	// never stored.
	`ALTER TABLE items ADD COLUMN server_content BLOB;`,
	// 3: whether the folder's SyncKey was stored in the middle of a
	// windowed response (MoreAvailable), which a restart must not
	// continue from: some servers forget items that share the last
	// window's timestamp.
	`ALTER TABLE folders ADD COLUMN partial INTEGER NOT NULL DEFAULT 0;`,
}

// SchemaVersion is the schema version this build writes.
var SchemaVersion = len(migrations)

// migrate brings the database to SchemaVersion, each step in its own
// transaction together with its version bump, so an interrupted upgrade
// resumes at the step that failed.
func migrate(ctx context.Context, db *sql.DB) error {
	if _, err := db.ExecContext(ctx,
		`CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL) STRICT`); err != nil {
		return fmt.Errorf("create schema_version: %w", err)
	}
	for {
		done, err := migrateStep(ctx, db)
		if err != nil || done {
			return err
		}
	}
}

// migrateStep applies the next migration, reporting done when none is left.
func migrateStep(ctx context.Context, db *sql.DB) (done bool, err error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback() //nolint:errcheck // no-op after Commit
	v, err := schemaVersion(ctx, tx)
	if err != nil {
		return false, err
	}
	if v > len(migrations) {
		return false, fmt.Errorf("database schema version %d is newer than this program's %d", v, len(migrations))
	}
	if v == len(migrations) {
		return true, nil
	}
	if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
		return false, fmt.Errorf("migrate to version %d: %w", v+1, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM schema_version`); err != nil {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version) VALUES (?)`, v+1); err != nil {
		return false, err
	}
	return false, tx.Commit()
}

func schemaVersion(ctx context.Context, q querier) (int, error) {
	var v int
	err := q.QueryRowContext(ctx, `SELECT version FROM schema_version`).Scan(&v)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return v, nil
}

// querier is what *sql.DB and *sql.Tx share.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}
