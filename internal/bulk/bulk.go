// Package bulk runs bulk actions on channel listings (Confirm selected,
// Link each to its top suggestion) as River jobs: one job per request,
// whatever its size, working the selection chunk by chunk (store.BulkStep).
package bulk

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"stocksync/internal/jobs"
	"stocksync/internal/store"
)

// RunArgs asks for the bulk run's work.
type RunArgs struct {
	RunID int64 `json:"run_id"`
}

func (RunArgs) Kind() string { return "bulk_run" }

func (RunArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: maxAttempts} }

const maxAttempts = 3

type worker struct {
	river.WorkerDefaults[RunArgs]
	store *store.Store
	log   *slog.Logger
}

// Work goes through the selection a chunk at a time. Each chunk commits
// with the run's position, so a retry (after an error, or after River takes
// back the job of a process that died) resumes after the last chunk that
// committed; the last attempt's failure is recorded on the run.
func (w *worker) Work(ctx context.Context, job *river.Job[RunArgs]) error {
	err := w.work(ctx, job.Args.RunID)
	if err == nil {
		return nil
	}
	if job.Attempt >= job.MaxAttempts || errors.Is(err, store.ErrBulkNotFound) {
		w.log.Error("bulk run failed", "run_id", job.Args.RunID, "err", err)
		endCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		ferr := w.store.FinishBulkRun(endCtx, job.Args.RunID,
			"The bulk action stopped on an error after "+fmt.Sprint(job.Attempt)+" attempts; what it did before stays done. Start it again for the rest.")
		return errors.Join(err, ferr)
	}
	return err
}

func (w *worker) work(ctx context.Context, runID int64) error { return Work(ctx, w.store, runID) }

// Work is the job's work: the run's selection, chunk by chunk, from where
// it stands. (The benchmark calls it directly, to time the work alone.)
func Work(ctx context.Context, st *store.Store, runID int64) error {
	running, err := st.BeginBulkRun(ctx, runID)
	if err != nil || !running {
		return err
	}
	for {
		more, err := st.BulkStep(ctx, runID)
		if err != nil {
			return err
		}
		if !more {
			return st.FinishBulkRun(ctx, runID, "")
		}
	}
}

// Timeout: 200,000 listings take a few minutes; River takes the job of a
// process that died back after this, and the retry resumes it.
func (w *worker) Timeout(*river.Job[RunArgs]) time.Duration { return 20 * time.Minute }

// Register adds the bulk worker.
func Register(reg *jobs.Registry, st *store.Store, log *slog.Logger) {
	if log == nil {
		log = slog.Default()
	}
	river.AddWorker(reg.Workers, &worker{store: st, log: log})
}

// Start records the request and queues its job in one transaction, and
// returns the run's id.
func Start(ctx context.Context, st *store.Store, client *jobs.Client, r store.BulkRequest) (int64, error) {
	if client == nil {
		return 0, errors.New("bulk: no job client configured")
	}
	return st.StartBulkRun(ctx, r, func(ctx context.Context, tx *sql.Tx, runID int64) error {
		if _, err := client.InsertTx(ctx, tx, RunArgs{RunID: runID}, nil); err != nil {
			return fmt.Errorf("bulk: enqueue run %d: %w", runID, err)
		}
		return nil
	})
}
