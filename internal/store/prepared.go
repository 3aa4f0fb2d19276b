package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// prepared returns a prepared statement for a hot read, preparing it once.
// PostgreSQL then skips parsing and, after a few runs, planning; lib/pq
// runs it in one round trip. database/sql re-prepares it on each pooled
// connection as needed.
func (s *Store) prepared(ctx context.Context, query string) (*sqlx.Stmt, error) {
	return s.preparedOn(ctx, s.DB, query)
}

// preparedImport is prepared for a statement of the import connections.
func (s *Store) preparedImport(ctx context.Context, query string) (*sqlx.Stmt, error) {
	return s.preparedOn(ctx, s.imports, query)
}

func (s *Store) preparedOn(ctx context.Context, db *sqlx.DB, query string) (*sqlx.Stmt, error) {
	key := preparedKey{db, query}
	if st, ok := s.stmts.Load(key); ok {
		return st.(*sqlx.Stmt), nil
	}
	st, err := db.PreparexContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("store: prepare: %w", err)
	}
	if prev, loaded := s.stmts.LoadOrStore(key, st); loaded {
		st.Close()
		return prev.(*sqlx.Stmt), nil
	}
	return st, nil
}

type preparedKey struct {
	db    *sqlx.DB
	query string
}
