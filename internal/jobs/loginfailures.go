package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"
)

// PurgeLoginFailuresArgs deletes sign-in failures older than a day; the
// throttle only looks at the last quarter hour.
type PurgeLoginFailuresArgs struct{}

func (PurgeLoginFailuresArgs) Kind() string { return "purge_login_failures" }

type LoginFailurePurger interface {
	DeleteLoginFailuresBefore(ctx context.Context, before time.Time) (int64, error)
}

type purgeLoginFailuresWorker struct {
	river.WorkerDefaults[PurgeLoginFailuresArgs]
	store LoginFailurePurger
	now   func() time.Time
}

func (w *purgeLoginFailuresWorker) Work(ctx context.Context, job *river.Job[PurgeLoginFailuresArgs]) error {
	_, err := w.store.DeleteLoginFailuresBefore(ctx, w.now().Add(-24*time.Hour))
	return err
}

// AddLoginFailurePurge registers the worker and runs it hourly.
func AddLoginFailurePurge(reg *Registry, store LoginFailurePurger) {
	river.AddWorker(reg.Workers, &purgeLoginFailuresWorker{store: store, now: time.Now})
	reg.Periodic = append(reg.Periodic, river.NewPeriodicJob(
		river.PeriodicInterval(time.Hour),
		func() (river.JobArgs, *river.InsertOpts) { return PurgeLoginFailuresArgs{}, nil },
		&river.PeriodicJobOpts{ID: "purge_login_failures", RunOnStart: true},
	))
}
