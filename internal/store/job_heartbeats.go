package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// A channel job beats (job_heartbeats) for as long as its process works it,
// from a ticker of its own, so a slow channel or a long statement never
// silences a live process; only a dead one stops. River cannot tell a dead
// process from a slow one before the job's timeout, hours for a sync, and
// keeps the job "running", which holds the channel: its uniqueness refuses
// every other sync of the channel meanwhile.

// Beat records that attempt of the job is alive. It reports false when the
// job is no longer running that attempt (it was declared dead and retried,
// or River took it back): the caller must stop working it.
func (s *Store) Beat(ctx context.Context, jobID int64, attempt int) (bool, error) {
	var alive bool
	err := s.DB.GetContext(ctx, &alive, `INSERT INTO job_heartbeats (job_id, attempt, beat_at)
		SELECT id, attempt, now() FROM river_job WHERE id = $1 AND attempt = $2 AND state = 'running'
		ON CONFLICT (job_id) DO UPDATE SET attempt = excluded.attempt, beat_at = excluded.beat_at
		RETURNING true`, jobID, attempt)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: job heartbeat: %w", err)
	}
	return true, nil
}

// DeadJob is a running job whose process has stopped beating.
type DeadJob struct {
	ID      int64           `db:"id"`
	Kind    string          `db:"kind"`
	Args    json.RawMessage `db:"args"`
	Attempt int             `db:"attempt"`
	// Interrupted are the job's runs closed as interrupted.
	Interrupted []int64 `db:"-"`
}

// RetryFunc enqueues a dead job's work again, in the transaction that ends
// the dead one, so the work is never lost nor held twice.
type RetryFunc func(ctx context.Context, tx *sql.Tx, job DeadJob) error

// RescueDeadJobs ends the running jobs of these kinds whose process has not
// beaten for silence (a job that never beat counts from its start): each is
// cancelled, its running runs close as interrupted, and retry enqueues its
// work again, all in one transaction. The cancelled job frees the channel
// at once; a process that comes back finds its job and run closed, and its
// writes are refused (see Beat, addRunProgress, FinishRun).
func (s *Store) RescueDeadJobs(ctx context.Context, kinds []string, silence time.Duration, retry RetryFunc) ([]DeadJob, error) {
	var dead []DeadJob
	err := s.InTx(ctx, func(tx *sqlx.Tx) error {
		dead = nil
		// A run locked by a transaction its lost machine left open is
		// skipped this time, not waited for: the sweep comes again.
		if _, err := tx.ExecContext(ctx, `SET LOCAL lock_timeout = '5s'`); err != nil {
			return err
		}
		// A job's last beat stays until here, so that it never looks
		// silent before River records its end.
		if _, err := tx.ExecContext(ctx, `DELETE FROM job_heartbeats h WHERE NOT EXISTS
			(SELECT 1 FROM river_job j WHERE j.id = h.job_id AND j.state = 'running')`); err != nil {
			return err
		}
		if err := tx.SelectContext(ctx, &dead, `SELECT j.id, j.kind, j.args, j.attempt FROM river_job j
			LEFT JOIN job_heartbeats h ON h.job_id = j.id AND h.attempt = j.attempt
			WHERE j.state = 'running' AND j.kind = ANY($1)
			  AND COALESCE(h.beat_at, j.attempted_at) < now() - make_interval(secs => $2)
			ORDER BY j.id FOR UPDATE OF j SKIP LOCKED`, pq.Array(kinds), silence.Seconds()); err != nil {
			return err
		}
		for i := range dead {
			if err := endDeadJob(ctx, tx, &dead[i], silence); err != nil {
				return err
			}
			if err := retry(ctx, tx.Tx, dead[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: rescue dead jobs: %w", err)
	}
	return dead, nil
}

// endDeadJob cancels the job as River would record a failed attempt, and
// closes its running runs. A first import that had not ended kept none of
// the listings it read (its load is dropped by the next import), so its run
// reports none of them: only its failures, which it did find.
func endDeadJob(ctx context.Context, tx *sqlx.Tx, j *DeadJob, silence time.Duration) error {
	silent := silence.Round(time.Second).String()
	if _, err := tx.ExecContext(ctx, `UPDATE river_job SET state = 'cancelled', finalized_at = now(),
		errors = array_append(errors, jsonb_build_object('at', now(), 'attempt', attempt,
			'error', 'the process working this job stopped: no heartbeat for ' || $2::text, 'trace', ''))
		WHERE id = $1`, j.ID, silent); err != nil {
		return err
	}
	return tx.SelectContext(ctx, &j.Interrupted, `UPDATE sync_runs r SET status = 'interrupted', finished_at = now(),
		error = format('The process running this sync stopped (it was killed, ran out of memory or lost its machine): '
			|| 'no sign of life for %s. The sync was retried at once.', $2::text)
			|| CASE WHEN x.lost THEN format(' The %s records it had read were not kept: a first import keeps its listings '
				|| 'only once it ends, and the retry reads them again.', r.records - r.failed) ELSE '' END,
		records = CASE WHEN x.lost THEN r.failed ELSE r.records END,
		new_records = CASE WHEN x.lost THEN 0 ELSE r.new_records END,
		updated = CASE WHEN x.lost THEN 0 ELSE r.updated END,
		unchanged = CASE WHEN x.lost THEN 0 ELSE r.unchanged END,
		synced = CASE WHEN x.lost THEN 0 ELSE r.synced END,
		new_unconfirmed = CASE WHEN x.lost THEN 0 ELSE r.new_unconfirmed END
		FROM (SELECT id, to_regclass($3 || channel_id) IS NULL AS lost FROM sync_runs
			WHERE job_id = $1 AND status = 'running') x
		WHERE r.id = x.id RETURNING r.id`, j.ID, silent, listingsPartitionPrefix)
}
