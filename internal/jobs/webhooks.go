package jobs

import (
	"context"
	"time"
)

// PurgeWebhookDeliveriesArgs deletes imported webhook deliveries once no
// channel would send them again (Shopify retries for hours, WooCommerce
// less), so their bodies do not pile up. Deliveries not yet processed stay.
type PurgeWebhookDeliveriesArgs struct{}

func (PurgeWebhookDeliveriesArgs) Kind() string { return "purge_webhook_deliveries" }

// WebhookDeliveriesKept is how long a processed delivery stays, to be
// seen on its channel's page and to catch a late repeat.
const WebhookDeliveriesKept = 30 * 24 * time.Hour

type DeliveryPurger interface {
	DeleteDeliveriesBefore(ctx context.Context, before time.Time) (int64, error)
}

// AddDeliveryPurge registers the worker and runs it hourly.
func AddDeliveryPurge(reg *Registry, store DeliveryPurger) {
	addHourlyPurge(reg, PurgeWebhookDeliveriesArgs{}, WebhookDeliveriesKept, store.DeleteDeliveriesBefore)
}
