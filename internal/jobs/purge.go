package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"
)

// purgeWorker deletes rows that no longer count for anything: older than
// keep when the job runs.
type purgeWorker[T river.JobArgs] struct {
	river.WorkerDefaults[T]
	purge func(ctx context.Context, before time.Time) (int64, error)
	keep  time.Duration
	now   func() time.Time
}

func (w *purgeWorker[T]) Work(ctx context.Context, job *river.Job[T]) error {
	_, err := w.purge(ctx, w.now().Add(-w.keep))
	return err
}

// addHourlyPurge registers a purge and runs it at start and then hourly; the
// periodic job's ID is the args' kind, so every instance schedules the same.
func addHourlyPurge[T river.JobArgs](reg *Registry, args T, keep time.Duration,
	purge func(ctx context.Context, before time.Time) (int64, error)) {
	river.AddWorker(reg.Workers, &purgeWorker[T]{purge: purge, keep: keep, now: time.Now})
	reg.Periodic = append(reg.Periodic, river.NewPeriodicJob(
		river.PeriodicInterval(time.Hour),
		func() (river.JobArgs, *river.InsertOpts) { return args, nil },
		&river.PeriodicJobOpts{ID: args.Kind(), RunOnStart: true},
	))
}
