package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Errors returned by [DB] methods, matched with errors.Is.
var (
	// ErrNotFound: no row has the given key.
	ErrNotFound = errors.New("state: not found")
	// ErrExists: a row with the same unique key exists.
	ErrExists = errors.New("state: already exists")
	// ErrSyncKeyMismatch: [ServerBatch.FromKey] is not the folder's
	// current SyncKey; another writer moved the folder on.
	ErrSyncKeyMismatch = errors.New("state: sync key mismatch")
)

// busyTimeout is how long a writer waits for another writer's lock before
// SQLITE_BUSY. Cradle's transactions are short, so waiting beats failing.
const busyTimeout = 10 * time.Second

// maxConns bounds the connection pool.
const maxConns = 4

// DB is Cradle's state database. It is safe for concurrent use; every
// method is one transaction.
type DB struct {
	db   *sql.DB
	path string
	// now is the clock, replaceable in tests.
	now func() time.Time
	// batchHook, if set, runs inside ApplyServerBatch after each step;
	// an error aborts the batch. Tests use it to inject failures.
	batchHook func(step string) error
}

// Open opens the database at path, creating it (mode 0600, parent folders
// 0700) if needed, and migrates its schema to [SchemaVersion]. A database
// written by a newer Cradle is refused rather than guessed at.
func Open(ctx context.Context, path string) (*DB, error) {
	if strings.ContainsRune(path, '?') {
		return nil, fmt.Errorf("open state %q: path must not contain '?'", path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("open state %s: %w", path, err)
	}
	// Create the file ourselves so it is private from the start: it holds
	// contacts and calendars.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open state %s: %w", path, err)
	}
	_ = f.Close()
	dsn := fmt.Sprintf("%s?_pragma=busy_timeout(%d)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)"+
		"&_pragma=synchronous(NORMAL)&_txlock=immediate", path, busyTimeout.Milliseconds())
	sqldb, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open state %s: %w", path, err)
	}
	// WAL lets readers run beside the one writer; more connections than
	// that only cost memory (each holds its own page cache).
	sqldb.SetMaxOpenConns(maxConns)
	d := &DB{db: sqldb, path: path, now: nowMillis}
	if err := d.init(ctx); err != nil {
		_ = sqldb.Close()
		return nil, fmt.Errorf("open state %s: %w", path, err)
	}
	return d, nil
}

func (d *DB) init(ctx context.Context) error {
	var mode string
	if err := d.db.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil {
		return err
	}
	if !strings.EqualFold(mode, "wal") {
		return fmt.Errorf("journal mode is %q, want wal", mode)
	}
	return migrate(ctx, d.db)
}

// Close closes the database.
func (d *DB) Close() error {
	if err := d.db.Close(); err != nil {
		return fmt.Errorf("close state %s: %w", d.path, err)
	}
	return nil
}

// Path returns the database file's path.
func (d *DB) Path() string { return d.path }

// tx runs fn in a write transaction (BEGIN IMMEDIATE, via the DSN), so
// concurrent writers queue on the busy timeout instead of failing with a
// lock upgrade deadlock.
func (d *DB) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// millis converts times to the stored form; the zero time is stored as 0.
func millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}

// EnvDataDir names the environment variable that overrides the folder of
// the state database.
const EnvDataDir = "CRADLE_DATA_DIR"

// DefaultPath returns where the state database lives: $CRADLE_DATA_DIR/state.db
// if set, else $XDG_DATA_HOME/cradle/state.db, else the platform's per-user
// data folder (~/.local/share on Unix, ~/Library/Application Support on
// macOS, %LocalAppData% on Windows) plus cradle/state.db.
func DefaultPath() (string, error) {
	if dir := os.Getenv(EnvDataDir); dir != "" {
		return filepath.Join(dir, "state.db"), nil
	}
	if dir := os.Getenv("XDG_DATA_HOME"); dir != "" && filepath.IsAbs(dir) {
		return filepath.Join(dir, "cradle", "state.db"), nil
	}
	switch runtime.GOOS {
	case "windows":
		if dir := os.Getenv("LocalAppData"); dir != "" {
			return filepath.Join(dir, "cradle", "state.db"), nil
		}
	case "darwin":
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("state path: %w", err)
		}
		return filepath.Join(home, "Library", "Application Support", "cradle", "state.db"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("state path: %w", err)
	}
	return filepath.Join(home, ".local", "share", "cradle", "state.db"), nil
}

// isUnique reports whether err is a UNIQUE constraint violation.
func isUnique(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) &&
		(se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY)
}

// nowMillis is the clock at the stored precision, so values returned by a
// write equal those read back later.
func nowMillis() time.Time { return time.UnixMilli(time.Now().UnixMilli()) }
