package store

import (
	"context"
	"fmt"
	"runtime"
)

// turns lets only a few of the reads that keep PostgreSQL's CPU busy (a
// search of listings, a listing's suggestions) run at once; the others
// wait in line, in the order they came. Twenty such reads at once on two
// cores did not finish sooner together: each was preempted in turn, and
// one search in a hundred took five times the median (88 ms against 15
// at 20 clients); in line, the slowest took twice the median and the
// server answered more of them per second.
type turns chan struct{}

// readTurns is one more than the machine's cores, so that a core is not
// left idle while a finished read's rows are on the wire.
func readTurns() turns { return make(turns, runtime.NumCPU()+1) }

// take waits for a turn, or for ctx to end; a taken turn is given back
// with release. A channel's waiting senders are served first come, first
// served, so no read waits behind later ones.
func (t turns) take(ctx context.Context) error {
	select {
	case t <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("store: waiting for a turn: %w", ctx.Err())
	}
}

func (t turns) release() { <-t }

// SetHeavyReads sets how many heavy reads run at once (a database on a
// machine of its own has cores of its own); call it once at start-up,
// before any request. n < 1 keeps the default.
func (s *Store) SetHeavyReads(n int) {
	if n >= 1 {
		s.heavy = make(turns, n)
	}
}
