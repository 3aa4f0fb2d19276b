package fake

import "time"

// bucket is Shopify's leaky bucket of query cost points.
type bucket struct {
	maximum, restoreRate, available float64
	last                            time.Time
}

func (b *bucket) refill(now time.Time) {
	if !b.last.IsZero() && now.After(b.last) {
		b.available = min(b.maximum, b.available+now.Sub(b.last).Seconds()*b.restoreRate)
	}
	b.last = now
}

// take spends cost points if there are enough.
func (b *bucket) take(cost int, now time.Time) bool {
	b.refill(now)
	if float64(cost) > b.available {
		return false
	}
	b.available -= float64(cost)
	return true
}

// refund gives back what a query was charged beyond its actual cost.
func (b *bucket) refund(points int) { b.available = min(b.maximum, b.available+float64(points)) }

func (b *bucket) status(available float64) map[string]any {
	return map[string]any{
		"maximumAvailable":   b.maximum,
		"currentlyAvailable": int(available),
		"restoreRate":        b.restoreRate,
	}
}
