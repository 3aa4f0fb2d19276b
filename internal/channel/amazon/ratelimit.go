package amazon

import (
	"context"
	"fmt"
	"sync"
	"time"

	"stocksync/internal/channel"
)

// operation is one SP-API operation and its documented usage plan: a token
// bucket refilled at rate per second holding at most burst calls.
type operation struct {
	name  string
	rate  float64
	burst int
}

// The usage plans published with the API models (the tables in each
// operation's description).
var (
	opSearchListings     = operation{"searchListingsItems", 5, 5}
	opPatchListing       = operation{"patchListingsItem", 5, 5}
	opGetOrders          = operation{"getOrders", 0.0167, 20}
	opGetOrderItems      = operation{"getOrderItems", 0.5, 30}
	opCreateReport       = operation{"createReport", 0.0167, 15}
	opGetReport          = operation{"getReport", 2, 15}
	opGetReportDocument  = operation{"getReportDocument", 0.0167, 15}
	opCreateFeedDocument = operation{"createFeedDocument", 0.5, 15}
	opCreateFeed         = operation{"createFeed", 0.0083, 15}
	opGetFeed            = operation{"getFeed", 2, 15}
	opGetFeedDocument    = operation{"getFeedDocument", 0.0222, 10}
)

// longestQuotaWait is the longest a call waits for its bucket. createFeed
// refills every two minutes; past that the call is refused with a
// channel.QuotaError naming when it may go, and the job comes back then.
const longestQuotaWait = 3 * time.Minute

// bucket is GCRA bookkeeping: tat is when the bucket would be full again
// had every call so far been spaced at the rate. Reserving moves tat on by
// one interval and says how long to wait first, so a caller with a fake
// Sleep (tests) is paced exactly as one that really sleeps.
type bucket struct {
	mu  sync.Mutex
	tat time.Time
}

// buckets are shared by every Client of the same seller and host in the
// process: connectors are built anew for each job, and Amazon counts calls
// per seller and application, not per connector.
var buckets = struct {
	sync.Mutex
	m map[string]*bucket
}{m: map[string]*bucket{}}

func (c *Client) bucket(op operation) *bucket {
	key := c.base + "|" + c.sellerID + "|" + c.clientID + "|" + op.name
	buckets.Lock()
	defer buckets.Unlock()
	b := buckets.m[key]
	if b == nil {
		b = &bucket{}
		buckets.m[key] = b
	}
	return b
}

// reserve takes one call from op's bucket, or says when it would be
// allowed when that is further away than longestQuotaWait.
func (b *bucket) reserve(op operation, now time.Time) (time.Duration, error) {
	interval := time.Duration(float64(time.Second) / op.rate)
	b.mu.Lock()
	defer b.mu.Unlock()
	tat := b.tat
	if tat.Before(now) {
		tat = now
	}
	// A full bucket lets burst calls through at once: the call may go
	// when tat is at most burst-1 intervals ahead of now.
	allowedAt := tat.Add(-time.Duration(op.burst-1) * interval)
	wait := max(allowedAt.Sub(now), 0)
	if wait > longestQuotaWait {
		return 0, &channel.QuotaError{Until: allowedAt,
			Reason: fmt.Sprintf("Amazon allows %s about once every %s and its allowance is spent", op.name, interval.Round(time.Second))}
	}
	b.tat = tat.Add(interval)
	return wait, nil
}

// penalise moves the bucket on by one interval after Amazon said 429: it
// counts calls we did not make (another app of the seller, a restart).
func (b *bucket) penalise(op operation, now time.Time) {
	interval := time.Duration(float64(time.Second) / op.rate)
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.tat.Before(now) {
		b.tat = now
	}
	b.tat = b.tat.Add(interval)
}

// wait waits for op's bucket.
func (c *Client) wait(ctx context.Context, op operation) error {
	d, err := c.bucket(op).reserve(op, c.now())
	if err != nil {
		return fmt.Errorf("amazon: %s: %w", op.name, err)
	}
	if d > 0 {
		return c.sleep(ctx, d)
	}
	return ctx.Err()
}
