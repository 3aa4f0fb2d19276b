package shopify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"stocksync/internal/channel"
)

// Waiting for a bulk operation needs sleeps the tests can fake, and the
// Client keeps none of its Options: only its Caller holds the injected
// Sleep. So a wait is expressed as a *channel.ThrottledError from the
// answer's Accept ("come back in d"), which the shared retry policy sleeps
// out without counting it as a failure — the shop is healthy, the export is
// just not ready.
const (
	firstPollWait = 200 * time.Millisecond
	maxPollWait   = 2 * time.Second
	// maxBulkWait bounds the total time spent waiting on one export, so a
	// sync never hangs on an operation Shopify forgot; the caller's context
	// usually ends it sooner.
	maxBulkWait = time.Hour
)

// poller hands out the waits between polls: 200 ms doubling to 2 s, so a
// small shop's export (done in a second) is picked up at once and a large
// one costs one cheap call (1 query point) every 2 s.
type poller struct {
	next   time.Duration
	waited time.Duration
}

func (p *poller) wait() time.Duration {
	if p.next == 0 {
		p.next = firstPollWait
	}
	d := p.next
	p.next = min(p.next*2, maxPollWait)
	p.waited += d
	return d
}

// notReady is the reason inside the ThrottledError of a poll that must be
// repeated.
type notReady struct{ reason string }

func (e *notReady) Error() string { return e.reason }

// graphqlUntil is c.graphql, except that after a successful decode ready
// inspects out and may return a *notReady; the call is then repeated after
// the poller's next wait, until ready accepts the answer or maxBulkWait has
// been spent.
func (c *Client) graphqlUntil(ctx context.Context, what, document string, vars map[string]any, out any, ready func() *notReady) error {
	body, err := json.Marshal(map[string]any{"query": document, "variables": vars})
	if err != nil {
		return fmt.Errorf("shopify: %s: encoding the request: %w", what, err)
	}
	var p poller
	for {
		_, err = c.caller.Do(ctx, channel.Request{
			What: "shopify: " + what,
			New: func(ctx context.Context) (*http.Request, error) {
				req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, bytes.NewReader(body))
				if err != nil {
					return nil, err
				}
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Accept", "application/json")
				req.Header.Set("X-Shopify-Access-Token", c.token)
				return req, nil
			},
			ErrorMessage: errorBodyMessage,
			Accept: func(resp *channel.Response) error {
				if err := c.decode(what, resp.Body, out); err != nil {
					return err
				}
				nr := ready()
				if nr == nil {
					return nil
				}
				if p.waited >= maxBulkWait {
					return fmt.Errorf("shopify: %s: %s after waiting %s; Shopify may be overloaded, run the sync again later", what, nr.reason, maxBulkWait)
				}
				return &channel.ThrottledError{Wait: p.wait(), Err: fmt.Errorf("shopify: %s: %w", what, nr)}
			},
		})
		// The retry policy gives up after a fixed number of waits; for a
		// long export that is not a failure, so keep going on a fresh call.
		var nr *notReady
		if err != nil && errors.As(err, &nr) && ctx.Err() == nil && p.waited < maxBulkWait {
			continue
		}
		return err
	}
}
