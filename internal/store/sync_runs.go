package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"stocksync/internal/catalogue"
	"stocksync/internal/syncrun"
)

var ErrRunNotFound = errors.New("store: sync run not found")

// ErrRunClosed refuses a write to a run that is no longer running: its
// process was declared dead and the run closed, and another run has taken
// over the channel.
var ErrRunClosed = errors.New("store: the sync run was closed: it no longer takes writes")

const runColumns = `r.id, r.channel_id, ch.name AS channel_name, ch.kind AS channel_kind, r.kind, r.trigger, r.status,
	r.job_id, r.started_at, r.finished_at, r.pages_done, r.records_total, r.records, r.new_records, r.updated,
	r.unchanged, r.failed, r.synced, r.new_unconfirmed, r.orders, r.error, h.beat_at AS heartbeat_at`

const runsFrom = `sync_runs r JOIN channels ch ON ch.id = r.channel_id
	LEFT JOIN job_heartbeats h ON h.job_id = r.job_id AND r.status = 'running'`

// StartRun records a run as running. A run of the same job still marked
// running was cut short (the process stopped, and River retried the job);
// it is closed as interrupted and says which run took over.
func (s *Store) StartRun(ctx context.Context, channelID int64, kind, trigger string, jobID int64) (int64, error) {
	var id int64
	err := s.InTx(ctx, func(tx *sqlx.Tx) error {
		if err := tx.GetContext(ctx, &id, `INSERT INTO sync_runs (channel_id, kind, trigger, job_id) VALUES ($1, $2, $3, $4) RETURNING id`,
			channelID, kind, trigger, jobID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE sync_runs SET status = 'interrupted', finished_at = now(),
			error = format('The run was interrupted (the server stopped or lost its database connection); it was retried as run %s.', $2::bigint)
			WHERE job_id = $1 AND status = 'running' AND id <> $2`, jobID, id)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: start run: %w", err)
	}
	return id, nil
}

// addRunProgress moves a run on in the transaction of the batch it counts;
// a closed run refuses, which rolls the batch back.
func addRunProgress(ctx context.Context, tx *sqlx.Tx, runID int64, pages int, total *int, c catalogue.Counts) error {
	if err := holdRunBriefly(ctx, tx); err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `UPDATE sync_runs SET pages_done = pages_done + $2,
		records_total = COALESCE($3, records_total), records = records + $4, new_records = new_records + $5,
		updated = updated + $6, unchanged = unchanged + $7, failed = failed + $8, synced = synced + $9,
		new_unconfirmed = new_unconfirmed + $10 WHERE id = $1 AND status = 'running'`,
		runID, pages, total, c.Records, c.New, c.Updated, c.Unchanged, c.Failed, c.Synced, c.NewUnconfirmed)
	if err != nil {
		return fmt.Errorf("run progress: %w", err)
	}
	return mustAffect(res, ErrRunClosed)
}

// holdRunBriefly bounds how long a transaction that locks a run may sit
// idle: should its machine be lost before it commits, PostgreSQL ends it
// (and its locks) soon, not when TCP gives up hours later, so the sweep
// can close the run.
func holdRunBriefly(ctx context.Context, tx *sqlx.Tx) error {
	_, err := tx.ExecContext(ctx, `SET LOCAL idle_in_transaction_session_timeout = '20s'`)
	return err
}

// RecordRunFailure adds a failure that is not one listing's (a page that
// could not be read) to a run.
func (s *Store) RecordRunFailure(ctx context.Context, runID int64, label, cause string) error {
	return s.InTx(ctx, func(tx *sqlx.Tx) error {
		if err := insertFailures(ctx, tx, runID, []catalogue.Failure{{Label: label, Cause: cause}}); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE sync_runs SET failed = failed + 1 WHERE id = $1 AND status = 'running'`, runID)
		if err != nil {
			return err
		}
		return mustAffect(res, ErrRunClosed)
	})
}

// FinishRun closes a run; a non-empty cause marks it failed. On success the
// channel's incremental cursor moves to since. A run closed already (its
// process was declared dead) stays as it is: ErrRunClosed.
func (s *Store) FinishRun(ctx context.Context, runID int64, cause string, since *time.Time) error {
	return s.InTx(ctx, func(tx *sqlx.Tx) error {
		status, errText := "succeeded", sql.NullString{}
		if cause != "" {
			status, errText = "failed", sql.NullString{String: cause, Valid: true}
		}
		var channelID int64
		if err := tx.GetContext(ctx, &channelID, `UPDATE sync_runs SET status = $2, error = $3, finished_at = now()
			WHERE id = $1 AND status = 'running' RETURNING channel_id`, runID, status, errText); err != nil {
			return fmt.Errorf("store: finish run: %w", notFound(err, ErrRunClosed))
		}
		// The schedule runs from the last sync, whoever started it, so a
		// "Sync now" moves the next scheduled one on.
		_, err := tx.ExecContext(ctx, `UPDATE channels SET last_sync_at = now(),
			next_sync_at = CASE WHEN disconnected_at IS NULL THEN now() + sync_interval END,
			listings_since = CASE WHEN $2 THEN COALESCE($3, listings_since) ELSE listings_since END
			WHERE id = $1`, channelID, cause == "", since)
		return err
	})
}

func (s *Store) Run(ctx context.Context, id int64) (syncrun.Run, error) {
	var r syncrun.Run
	err := s.DB.GetContext(ctx, &r, `SELECT `+runColumns+` FROM `+runsFrom+` WHERE r.id = $1`, id)
	if err != nil {
		return r, fmt.Errorf("store: run %d: %w", id, notFound(err, ErrRunNotFound))
	}
	return r, nil
}

// RunFilter narrows the sync history; zero values mean "any".
type RunFilter struct {
	ChannelID int64
	Kind      string
	Status    string
	From, To  time.Time // To is exclusive
	BeforeID  int64     // keyset cursor: runs older than this id
	Limit     int
}

func (s *Store) ListRuns(ctx context.Context, f RunFilter) ([]syncrun.Run, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	var runs []syncrun.Run
	err := s.DB.SelectContext(ctx, &runs, `SELECT `+runColumns+` FROM `+runsFrom+`
		WHERE ($1 = 0 OR r.channel_id = $1) AND ($2 = '' OR r.kind = $2) AND ($3 = '' OR r.status = $3)
		  AND ($4::timestamptz IS NULL OR r.started_at >= $4) AND ($5::timestamptz IS NULL OR r.started_at < $5)
		  AND ($6 = 0 OR r.id < $6)
		ORDER BY r.id DESC LIMIT $7`,
		f.ChannelID, f.Kind, f.Status, nullTime(f.From), nullTime(f.To), f.BeforeID, f.Limit)
	if err != nil {
		return nil, fmt.Errorf("store: list runs: %w", err)
	}
	return runs, nil
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// RunFailures pages through a run's failures in order; limit 0 means all.
func (s *Store) RunFailures(ctx context.Context, runID, afterID int64, limit int) ([]syncrun.Failure, error) {
	if limit <= 0 {
		limit = 1_000_000
	}
	var fs []syncrun.Failure
	err := s.DB.SelectContext(ctx, &fs, `SELECT id, external_id, sku, label, cause, raw::text AS raw FROM sync_failures
		WHERE run_id = $1 AND id > $2 ORDER BY id LIMIT $3`, runID, afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: run failures: %w", err)
	}
	return fs, nil
}

// CloseAbandonedRuns fails runs still marked running whose job is no longer
// running (River gave up on it, or it was removed); the periodic sweep calls it.
func (s *Store) CloseAbandonedRuns(ctx context.Context) (int64, error) {
	res, err := s.DB.ExecContext(ctx, `UPDATE sync_runs r SET status = 'failed', finished_at = now(),
		error = 'The run stopped without finishing (its job is no longer running). The next sync picks up from the last good one.'
		WHERE r.status = 'running' AND r.started_at < now() - interval '1 minute'
		  AND NOT EXISTS (SELECT 1 FROM river_job j WHERE j.id = r.job_id AND j.state IN ('running', 'retryable', 'available', 'scheduled'))`)
	if err != nil {
		return 0, fmt.Errorf("store: close abandoned runs: %w", err)
	}
	return res.RowsAffected()
}

// SyncQueued tells whether a catalogue sync of the channel is waiting in the
// job queue (or running before its run is recorded).
func (s *Store) SyncQueued(ctx context.Context, channelID int64) (bool, error) {
	var queued bool
	// A job whose run has ended is done for staff, even before River records
	// its completion.
	err := s.DB.GetContext(ctx, &queued, `SELECT EXISTS (SELECT 1 FROM river_job j WHERE j.kind = 'catalogue_sync'
		AND j.state IN ('available', 'scheduled', 'running', 'retryable', 'pending') AND (j.args->>'channel_id')::bigint = $1
		AND NOT EXISTS (SELECT 1 FROM sync_runs r WHERE r.job_id = j.id AND r.status <> 'running'))`, channelID)
	if err != nil {
		return false, fmt.Errorf("store: sync queued: %w", err)
	}
	return queued, nil
}
