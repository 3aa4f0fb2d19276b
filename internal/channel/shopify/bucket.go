package shopify

import (
	"context"
	"fmt"
	"sync"
	"time"

	"stocksync/internal/channel"
)

// Shopify charges every query against a leaky bucket of cost points and
// reports the bucket in each answer (extensions.cost.throttleStatus). A
// stock push spends it on purpose: before each inventorySetQuantities the
// client waits until the bucket holds the call's cost, instead of sending
// it to be refused as THROTTLED and then waiting anyway.

// setQuantitiesCost is what Shopify documents a mutation to cost, used
// until an answer reports the call's requested cost.
const setQuantitiesCost = 10

// costBucket is what the client knows of the shop's bucket.
type costBucket struct {
	mu        sync.Mutex
	known     bool
	available float64   // points at `at`; below 0 when calls are reserved ahead
	at        time.Time // when available was true
	maximum   float64
	rate      float64 // points restored per second
	setCost   float64 // inventorySetQuantities' requested cost, as last reported
}

// observe records an answer's throttle status, taken at now; isSet says
// the answer was to an inventorySetQuantities, whose requested cost it
// reports.
func (b *costBucket) observe(cost *queryCost, now time.Time, isSet bool) {
	if cost == nil || cost.ThrottleStatus.RestoreRate <= 0 || cost.ThrottleStatus.MaximumAvailable <= 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.known = true
	b.available, b.at = cost.ThrottleStatus.CurrentlyAvailable, now
	b.maximum, b.rate = cost.ThrottleStatus.MaximumAvailable, cost.ThrottleStatus.RestoreRate
	if isSet && cost.RequestedQueryCost > 0 {
		b.setCost = cost.RequestedQueryCost
	}
}

// reserveSet takes an inventorySetQuantities' cost from the bucket and
// says how long to wait until the bucket holds it. Reserving ahead keeps
// two pushes of one client from counting on the same points.
func (b *costBucket) reserveSet(now time.Time) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.known {
		return 0 // nothing known yet: the first answer will tell
	}
	cost := b.setCost
	if cost <= 0 {
		cost = setQuantitiesCost
	}
	cost = min(cost, b.maximum)
	available := b.available
	if elapsed := now.Sub(b.at).Seconds(); elapsed > 0 {
		available = min(b.maximum, available+elapsed*b.rate)
	}
	var wait time.Duration
	if available < cost {
		wait = channel.Seconds((cost - available) / b.rate)
	}
	b.available, b.at = available-cost, now
	return wait
}

// paceSet waits, if need be, until the bucket can pay for an
// inventorySetQuantities.
func (c *Client) paceSet(ctx context.Context) error {
	wait := c.bucket.reserveSet(c.now())
	if wait <= 0 {
		return nil
	}
	if err := c.sleep(ctx, wait); err != nil {
		return fmt.Errorf("shopify: inventorySetQuantities: gave up waiting for the shop's query cost budget: %w", err)
	}
	return nil
}
