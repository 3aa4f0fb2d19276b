package etsy

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"stocksync/internal/channel"
)

// Etsy's documented defaults for a new app, used until its headers say.
const (
	defaultPerSecond = 10
	defaultPerDay    = 10_000
	// dayRetryFallback is how long a spent day budget is assumed to last
	// when the 429 does not say: the window is a rolling 24 hours, so some
	// calls come back within the hour.
	dayRetryFallback = time.Hour
)

// quota is an Etsy app's call budget: paced to its per-second limit and
// counted against its per-day one. Limits belong to the app (the
// keystring), not to a connector, so quotas are shared process-wide.
type quota struct {
	mu        sync.Mutex
	perSecond int
	perDay    int
	remaining int       // calls left today as last reported; -1 unknown
	readAt    time.Time // when remaining was reported
	next      time.Time // the earliest the next call may start
	spentTill time.Time // the day budget is spent until then
}

var quotas = struct {
	sync.Mutex
	m map[string]*quota
}{m: map[string]*quota{}}

func quotaFor(api, keystring string) *quota {
	quotas.Lock()
	defer quotas.Unlock()
	k := api + "\x00" + keystring
	if q := quotas.m[k]; q != nil {
		return q
	}
	q := &quota{perSecond: defaultPerSecond, perDay: defaultPerDay, remaining: -1}
	quotas.m[k] = q
	return q
}

// take waits for the call's turn within the per-second limit, or refuses
// it when the day's budget is spent.
func (q *quota) take(ctx context.Context, opts channel.Options) error {
	now := opts.Now()
	q.mu.Lock()
	if now.Before(q.spentTill) {
		err := q.spentError()
		q.mu.Unlock()
		return err
	}
	slot := now
	if q.next.After(slot) {
		slot = q.next
	}
	q.next = slot.Add(time.Second / time.Duration(max(q.perSecond, 1)))
	if q.remaining > 0 {
		q.remaining-- // until the answer says, so parallel pushes do not overspend
	}
	q.mu.Unlock()
	if wait := slot.Sub(now); wait > 0 {
		return opts.Sleep(ctx, wait)
	}
	return nil
}

func (q *quota) spentError() *channel.QuotaError {
	return &channel.QuotaError{Until: q.spentTill,
		Reason: fmt.Sprintf("Etsy's daily budget of %s calls for this app is spent", thousands(q.perDay))}
}

// observe reads Etsy's rate-limit headers from any answer.
func (q *quota) observe(resp *channel.Response, now time.Time) {
	h := resp.Header
	num := func(name string) (int, bool) {
		n, err := strconv.Atoi(h.Get(name))
		return n, err == nil && n >= 0
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if n, ok := num("x-limit-per-second"); ok && n > 0 {
		q.perSecond = n
	}
	if n, ok := num("x-limit-per-day"); ok && n > 0 {
		q.perDay = n
	}
	if n, ok := num("x-remaining-this-second"); ok && n == 0 {
		// This second's calls are used: the next goes in the next second.
		if start := now.Truncate(time.Second).Add(time.Second); start.After(q.next) {
			q.next = start
		}
	}
	if n, ok := num("x-remaining-today"); ok {
		q.remaining, q.readAt = n, now
		if n == 0 && resp.Status == 429 {
			q.spentTill = now.Add(channel.RetryAfter(h, now, dayRetryFallback))
		}
	}
}

// explain turns a call that failed because the day's budget is spent
// into a *channel.QuotaError.
func (q *quota) explain(err error, now time.Time) error {
	var throttled *channel.ThrottledError
	if !errors.As(err, &throttled) {
		return err
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if now.Before(q.spentTill) {
		return fmt.Errorf("%w", q.spentError())
	}
	return err
}

// left is how many calls the day's budget still allows, and whether that
// is known. A count older than dayRetryFallback is not: the day is a
// rolling window, so calls have come back since, and the next answer
// tells how many.
func (q *quota) left(now time.Time) (int, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if now.Before(q.spentTill) {
		return 0, true
	}
	if q.remaining < 0 || now.Sub(q.readAt) >= dayRetryFallback {
		return 0, false
	}
	return q.remaining, true
}

// reserve is what a stock push leaves of the day's budget for syncs, so
// orders keep coming in (they commit stock) after a large push.
func (q *quota) reserve() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.perDay / 50
}

func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// status is the day's budget as Etsy last reported it; ok is false until
// an answer carried x-remaining-today. Calls counted before their answer
// (take) are already among the used ones.
func (q *quota) status(now time.Time) (channel.QuotaStatus, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.remaining < 0 {
		return channel.QuotaStatus{}, false
	}
	s := channel.QuotaStatus{Label: "Etsy calls today", Window: "rolling 24 h", LimitPerDay: q.perDay,
		UsedToday: max(q.perDay-q.remaining, 0), ObservedAt: q.readAt}
	if now.Before(q.spentTill) {
		s.UsedToday, s.ResetsAt = q.perDay, q.spentTill
	}
	return s, true
}
