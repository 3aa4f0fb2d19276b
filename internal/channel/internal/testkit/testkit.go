// Package testkit helps channel client tests run without waiting: a clock
// the fakes read and a Sleep that records each wait and moves the clock on
// instead of sleeping.
package testkit

import (
	"context"
	"sync"
	"time"
)

// Clock is a settable clock, safe for concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock starts a clock at a fixed instant.
func NewClock() *Clock { return &Clock{t: time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)} }

// Now reads the clock.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Sleeps records the waits a client asked for.
type Sleeps struct {
	Clock *Clock // advanced by every wait when set
	mu    sync.Mutex
	waits []time.Duration
}

// Sleep is a channel.Options.Sleep that returns at once.
func (s *Sleeps) Sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	if s.Clock != nil {
		s.Clock.Advance(d)
	}
	return ctx.Err()
}

// Waits returns the waits so far.
func (s *Sleeps) Waits() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waits...)
}
