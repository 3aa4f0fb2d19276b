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
	if st, ok := s.stmts.Load(query); ok {
		return st.(*sqlx.Stmt), nil
	}
	st, err := s.DB.PreparexContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("store: prepare: %w", err)
	}
	if prev, loaded := s.stmts.LoadOrStore(query, st); loaded {
		st.Close()
		return prev.(*sqlx.Stmt), nil
	}
	return st, nil
}
