// Package store owns every SQL statement of stocksync: one type, sqlx over
// lib/pq, one transaction per user action.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

type Store struct {
	DB *sqlx.DB
	// imports are the connections catalogue imports write on: the same
	// database, with []byte parameters sent in binary (see listingArrays).
	imports *sqlx.DB
	// searches are the connections a search of listings runs on (see
	// searchChannelItems): the same database, without parallel workers,
	// each search sent in one round trip.
	searches *sqlx.DB
	// heavy gives turns to the reads that are CPU-bound in PostgreSQL
	// (see turns.go).
	heavy turns
	// hook hears of every change to available stock (see stock.go).
	hook AvailabilityHook
	// enqueuePush asks for channels' stock pushes (see push_item.go).
	enqueuePush PushEnqueuer
	// currency caches the base currency briefly (see settings.go).
	currency currencyCache
	// common caches the common words of item names (see common_words.go).
	common commonWordsCache
	// stmts holds prepared statements of hot reads (see prepared.go).
	stmts sync.Map
	// partitions holds the channels known to have a listings partition
	// (see listings_partition.go).
	partitions sync.Map
}

// Open connects and pings; the error says what to start when PostgreSQL does
// not answer.
func Open(ctx context.Context, dbURL string) (*Store, error) {
	// Without JIT, on every connection: our statements are short, and
	// where a big batch's estimates passed jit_above_cost, compiling cost
	// more than the statement (a push's claim of 1,000 listings took 2.5 s
	// under load, 2 ms without).
	dbURL = withParameter(dbURL, "jit", "off")
	db, err := sqlx.Open("postgres", dbURL)
	if err != nil {
		return nil, fmt.Errorf("store: open: %w", err)
	}
	db.SetMaxOpenConns(40)
	db.SetMaxIdleConns(20)
	db.SetConnMaxIdleTime(5 * time.Minute)
	pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: PostgreSQL at %s does not answer (%v): start PostgreSQL or set DATABASE_URL", RedactURL(dbURL), err)
	}
	imports, err := sqlx.Open("postgres", withBinaryParameters(dbURL))
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open: %w", err)
	}
	imports.SetMaxOpenConns(10)
	imports.SetMaxIdleConns(4)
	imports.SetConnMaxIdleTime(time.Minute)
	// With binary_parameters lib/pq sends a statement with its parameters
	// in one message (parse, bind, execute) instead of preparing it first
	// and waiting for the answer: one round trip per search, not two. No
	// search has a []byte parameter, the only kind it sends otherwise.
	searches, err := sqlx.Open("postgres", withBinaryParameters(withParameter(dbURL, "max_parallel_workers_per_gather", "0")))
	if err != nil {
		db.Close()
		imports.Close()
		return nil, fmt.Errorf("store: open: %w", err)
	}
	// All kept open once opened: a new session plans its first search
	// with no catalog cached, ten times the cost of the next.
	searches.SetMaxOpenConns(20)
	searches.SetMaxIdleConns(20)
	searches.SetConnMaxIdleTime(5 * time.Minute)
	return &Store{DB: db, imports: imports, searches: searches, heavy: readTurns()}, nil
}

// withBinaryParameters adds lib/pq's binary_parameters option to a URL or
// key=value connection string.
func withBinaryParameters(dsn string) string {
	return withParameter(dsn, "binary_parameters", "yes")
}

// withParameter adds an option to a URL or key=value connection string:
// lib/pq's own, or a setting PostgreSQL gives the connection's session.
func withParameter(dsn, key, value string) string {
	if u, err := url.Parse(dsn); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		q := u.Query()
		q.Set(key, value)
		u.RawQuery = q.Encode()
		return u.String()
	}
	return dsn + " " + key + "=" + value
}

func (s *Store) Close() error {
	return errors.Join(s.searches.Close(), s.imports.Close(), s.DB.Close())
}

func (s *Store) Ping(ctx context.Context) error { return s.DB.PingContext(ctx) }

// InTx runs fn in one transaction, committing only when fn returns nil.
func (s *Store) InTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	return inTx(ctx, s.DB, fn)
}

func inTx(ctx context.Context, db *sqlx.DB, fn func(tx *sqlx.Tx) error) error {
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

func isUniqueViolation(err error) bool {
	var pqErr *pq.Error
	return errors.As(err, &pqErr) && pqErr.Code == "23505"
}

func notFound(err error, replacement error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return replacement
	}
	return err
}

func mustAffect(res sql.Result, none error) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("store: rows affected: %w", err)
	}
	if n == 0 {
		return none
	}
	return nil
}
