package channelsync

import (
	"context"

	"github.com/riverqueue/river"

	"stocksync/internal/channel"
	"stocksync/internal/jobs"
	"stocksync/internal/store"
)

// SweepOnce runs the periodic sweep once, as River would, enqueueing
// through client.
func SweepOnce(ctx context.Context, svc *Service, client *jobs.Client) error {
	w := &scheduleWorker{svc: svc, client: func() *jobs.Client { return client }}
	return w.Work(ctx, &river.Job[ScheduleSyncsArgs]{})
}

// ImportFunc stands in for the order import in tests of the webhook job.
type ImportFunc func(ctx context.Context, channelID int64, orders []channel.Order) ([]string, error)

func (f ImportFunc) importForWebhook(ctx context.Context, channelID int64, orders []channel.Order) ([]string, error) {
	return f(ctx, channelID, orders)
}

// ProcessDelivery runs the webhook job on a stored delivery with imp as
// the order import.
func ProcessDelivery(ctx context.Context, svc *Service, imp ImportFunc, id int64) error {
	return svc.processDelivery(ctx, imp, id)
}

// StoredCredentials opens a channel's sealed credentials.
func StoredCredentials(svc *Service, ch store.Channel) (map[string]string, error) {
	return svc.credentials(ch)
}
