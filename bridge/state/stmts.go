package state

import (
	"context"
	"database/sql"
)

// stmts prepares each statement once per transaction, which matters for
// batches of thousands of items: SQLite compiles a statement on every
// unprepared call.
type stmts struct {
	tx *sql.Tx
	m  map[string]*sql.Stmt
}

func newStmts(tx *sql.Tx) *stmts { return &stmts{tx: tx, m: make(map[string]*sql.Stmt)} }

func (s *stmts) prepare(ctx context.Context, q string) (*sql.Stmt, error) {
	if st, ok := s.m[q]; ok {
		return st, nil
	}
	st, err := s.tx.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	s.m[q] = st
	return st, nil
}

func (s *stmts) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	st, err := s.prepare(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

// row mimics *sql.Row for a statement that failed to prepare.
type row interface{ Scan(...any) error }

type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

func (s *stmts) queryRow(ctx context.Context, q string, args ...any) row {
	st, err := s.prepare(ctx, q)
	if err != nil {
		return errRow{err}
	}
	return st.QueryRowContext(ctx, args...)
}

// close releases the statements; the transaction's end would too, but
// explicitly is cheaper for the connection's statement cache.
func (s *stmts) close() {
	for _, st := range s.m {
		_ = st.Close()
	}
}
