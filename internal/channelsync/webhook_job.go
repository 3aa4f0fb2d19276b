package channelsync

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"stocksync/internal/channel"
	"stocksync/internal/jobs"
	"stocksync/internal/store"
	"stocksync/internal/text"
)

// WebhookDeliveryArgs imports one stored webhook delivery. The delivery's
// unique key already keeps one job per delivery.
type WebhookDeliveryArgs struct {
	DeliveryID int64 `json:"delivery_id"`
}

func (WebhookDeliveryArgs) Kind() string { return "webhook_delivery" }

func (WebhookDeliveryArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 10}
}

// orderImporter imports orders with the code polling uses; the webhook job
// hands it the one order a delivery carries. problems are the orders or
// lines it could not import, as sentences; err is for the database or
// shutdown, and the job is retried.
type orderImporter interface {
	importForWebhook(ctx context.Context, channelID int64, orders []channel.Order) (problems []string, err error)
}

// pollingImport is the import every sync runs, Service.ImportOrders
// (webhook_import.go).
type pollingImport struct{ svc *Service }

type webhookWorker struct {
	river.WorkerDefaults[WebhookDeliveryArgs]
	svc      *Service
	importer orderImporter
}

// A delivery holds one order: it imports in well under a second.
func (w *webhookWorker) Timeout(*river.Job[WebhookDeliveryArgs]) time.Duration { return time.Minute }

func (w *webhookWorker) Work(ctx context.Context, job *river.Job[WebhookDeliveryArgs]) error {
	return w.svc.processDelivery(ctx, w.importer, job.Args.DeliveryID)
}

// processDelivery parses a stored delivery with its channel's own order
// parsing and imports the order. A delivery that cannot be imported keeps
// the cause, shown on the channel's page; only a failure of the database
// (or shutdown) is returned, so the job tries again.
func (s *Service) processDelivery(ctx context.Context, imp orderImporter, id int64) error {
	d, err := s.store.Delivery(ctx, id)
	if errors.Is(err, store.ErrDeliveryNotFound) {
		return nil
	}
	if err != nil || d.ProcessedAt != nil {
		return err
	}
	problem, err := s.importDelivery(ctx, imp, d)
	if err != nil {
		return err
	}
	if problem != "" {
		s.log.Info("webhook delivery not imported", "delivery", d.ID, "channel_id", d.ChannelID, "cause", problem)
	}
	return s.store.FinishDelivery(ctx, d.ID, problem)
}

func (s *Service) importDelivery(ctx context.Context, imp orderImporter, d store.Delivery) (problem string, err error) {
	kind, ok := channel.Lookup(d.Kind)
	if !ok || kind.Webhook == nil {
		return fmt.Sprintf("This server does not read webhooks of %q channels.", d.Kind), nil
	}
	if !kind.Webhook.IsOrderTopic(d.Topic) {
		return fmt.Sprintf("Topic %q is not an order created, updated or cancelled: nothing was imported. Register only order webhooks at this address.", d.Topic), nil
	}
	o, err := kind.Webhook.ParseOrder(d.Body)
	if err != nil {
		return "The delivery could not be read as an order (" + text.Clean(err.Error()) + "). It was not imported; the next sync fetches the order.", nil
	}
	problems, err := imp.importForWebhook(ctx, d.ChannelID, []channel.Order{channel.CleanOrder(o)})
	if err != nil {
		return "", err
	}
	return strings.Join(problems, " "), nil
}

// registerWebhooks adds the worker that imports webhook deliveries.
func registerWebhooks(reg *jobs.Registry, svc *Service) {
	river.AddWorker(reg.Workers, &webhookWorker{svc: svc, importer: pollingImport{svc}})
}
