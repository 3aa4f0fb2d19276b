package channelsync

import (
	"context"

	"github.com/riverqueue/river"

	"stocksync/internal/jobs"
)

// SweepOnce runs the periodic sweep once, as River would, enqueueing
// through client.
func SweepOnce(ctx context.Context, svc *Service, client *jobs.Client) error {
	w := &scheduleWorker{svc: svc, client: func() *jobs.Client { return client }}
	return w.Work(ctx, &river.Job[ScheduleSyncsArgs]{})
}
