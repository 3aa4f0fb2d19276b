package channelsync

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"stocksync/internal/channel"
	"stocksync/internal/store"
	"stocksync/internal/text"
)

// Stock push (DESIGN §1.8): a channel's marked listings are claimed, sent in
// the channel's largest batches and each outcome recorded, until none is
// left. The marks live in the database (store/push.go), so nothing here is
// needed by another instance.

// PushTiming tunes how a push gathers a burst of changes into full
// batches. The zero value takes the defaults.
type PushTiming struct {
	// Quiet: a partial batch goes once no listing was marked for this long.
	Quiet time.Duration
	// MaxWait: while marks keep arriving, what is marked goes after this
	// long anyway.
	MaxWait time.Duration
	// DeadAfter: a push job silent this long is declared dead and retried.
	DeadAfter time.Duration
}

func (t PushTiming) withDefaults() PushTiming {
	if t.Quiet <= 0 {
		t.Quiet = 100 * time.Millisecond
	}
	if t.MaxWait <= 0 {
		t.MaxWait = 3 * time.Second
	}
	if t.DeadAfter <= 0 {
		t.DeadAfter = 10 * time.Second
	}
	return t
}

// SetPushTiming replaces the push's timing (tests and benchmarks).
func (s *Service) SetPushTiming(t PushTiming) { s.push = t.withDefaults() }

// Push sends the channel's marked listings until none is left. runs is
// where it records itself in Sync history: a run is started at the first
// listing sent, so a push that found nothing to send leaves no run.
func (s *Service) Push(ctx context.Context, channelID int64, trigger string, jobID int64) error {
	ch, err := s.store.Channel(ctx, channelID)
	if err != nil {
		return err
	}
	if ch.DisconnectedAt != nil || !ch.Enabled {
		return nil // its marks stay until it is enabled again
	}
	conn, err := s.connector(ch)
	if err != nil {
		return err
	}
	batch := conn.Limits().QuantityBatchSize
	if batch <= 0 {
		batch = 50
	}
	// One push of a channel at a time, whichever job or instance: a second
	// job (from the sweep, Push Stock, or a change made once the first had
	// cleared its flag) waits here and then looks for what the first left.
	// The lock ends with its connection, so a killed process never holds it.
	lock, err := s.pushLock(ctx, channelID)
	if err != nil {
		return err
	}
	defer lock.Close()
	defer lock.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(hashtext('stock_push'), $1::int)`, channelID)
	p := pusher{svc: s, ch: ch, conn: conn, lock: lock, batch: batch, trigger: trigger, jobID: jobID}
	err = p.run(ctx)
	if p.runID != 0 {
		cause := ""
		if err != nil {
			cause = DescribeError(err)
		}
		err = errors.Join(err, s.store.FinishPushRun(context.WithoutCancel(ctx), p.runID, cause))
	}
	return err
}

// pushLock waits for the channel's push lock and returns the connection
// holding it. It waits without a connection: one held while waiting would
// be one fewer for the push it waits for, which needs the pool.
func (s *Service) pushLock(ctx context.Context, channelID int64) (*sql.Conn, error) {
	wait := 10 * time.Millisecond
	for {
		conn, err := s.store.DB.Conn(ctx)
		if err != nil {
			return nil, err
		}
		var got bool
		if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock(hashtext('stock_push'), $1::int)`, channelID).Scan(&got); err != nil {
			conn.Close()
			return nil, fmt.Errorf("channelsync: wait for the channel's other push: %w", err)
		}
		if got {
			return conn, nil
		}
		conn.Close()
		if err := channel.Sleep(ctx, wait); err != nil {
			return nil, err
		}
		wait = min(2*wait, 200*time.Millisecond)
	}
}

type pusher struct {
	svc     *Service
	ch      store.Channel
	conn    channel.Connector
	lock    *sql.Conn
	batch   int
	trigger string
	jobID   int64
	runID   int64
	claims  int
}

func (p *pusher) run(ctx context.Context) error {
	for {
		limit, err := p.gather(ctx)
		if err != nil {
			return err
		}
		if limit == 0 {
			done, err := p.svc.store.FinishPush(ctx, p.lock, p.ch.ID)
			if err != nil || done {
				return err
			}
			// A change is still committing its marks.
			if err := channel.Sleep(ctx, 5*time.Millisecond); err != nil {
				return err
			}
			continue
		}
		p.claims++
		prefix := fmt.Sprintf("stocksync-%d-%d-%d-%d-", p.ch.ID, p.jobID, time.Now().UnixNano(), p.claims)
		lines, err := p.svc.store.ClaimPushes(ctx, p.ch.ID, limit, p.batch, prefix)
		if err != nil {
			return err
		}
		if len(lines) == 0 {
			continue // all already showed the right quantity; look again
		}
		if p.runID == 0 {
			if p.runID, err = p.svc.store.StartPushRun(ctx, p.ch.ID, p.trigger, p.jobID); err != nil {
				return err
			}
		}
		for start := 0; start < len(lines); {
			end := start + 1
			for end < len(lines) && lines[end].Key == lines[start].Key && end-start < p.batch {
				end++
			}
			if err := p.send(ctx, lines[start:end]); err != nil {
				return err
			}
			start = end
		}
	}
}

// gather waits while a burst of marks is still arriving, so that a listing
// changed many times in a burst is sent once and what is sent fills the
// channel's batches, and says how many listings to claim (0: none waits).
// What is marked goes once marks stop arriving for Quiet, or after MaxWait.
func (p *pusher) gather(ctx context.Context) (int, error) {
	t := p.svc.push
	started := time.Now()
	for {
		b, err := p.svc.store.PushBacklog(ctx, p.ch.ID)
		if err != nil || b.Listings == 0 {
			return 0, err
		}
		// A burst that already fills a batch is given longer to finish:
		// commits come in clumps, and a gap in a burst costs a round of
		// calls.
		quiet := t.Quiet
		if b.Listings >= p.batch {
			quiet *= 3
		}
		if b.Quiet >= quiet || time.Since(started) >= t.MaxWait {
			return b.Listings, nil
		}
		if err := channel.Sleep(ctx, min(t.Quiet/2, 25*time.Millisecond)); err != nil {
			return 0, err
		}
	}
}

// send makes one call for a batch and records each listing's outcome. A
// call that failed as a whole is recorded on each listing, so one bad
// batch never stops the rest; only lost credentials or a cancelled job
// end the push.
func (p *pusher) send(ctx context.Context, lines []store.PushLine) error {
	updates := make([]channel.QuantityUpdate, len(lines))
	for i, l := range lines {
		updates[i] = channel.QuantityUpdate{ExternalID: l.ExternalID, InventoryRef: l.InventoryRef, Quantity: l.Quantity, Previous: l.Previous}
	}
	results, callErr := p.conn.SetQuantities(ctx, updates, lines[0].Key)
	if callErr != nil && ctx.Err() != nil {
		return callErr // left in flight: the retry sends it again under its key
	}
	outcomes := make([]store.PushOutcome, len(lines))
	for i, l := range lines {
		var err error
		var cause string
		switch {
		case callErr != nil:
			err, cause = callErr, DescribeError(callErr)
		case i >= len(results):
			err = errors.New("the channel did not report on this listing; push again")
		default:
			err = results[i].Err
		}
		if err != nil && cause == "" {
			cause = text.Clean(err.Error())
		}
		outcomes[i] = p.outcome(l, err, cause)
	}
	if err := p.svc.store.RecordPushes(context.WithoutCancel(ctx), p.ch.ID, p.runID, outcomes); err != nil {
		return err
	}
	p.svc.recordQuota(ctx, p.ch.ID, p.conn)
	if errors.Is(callErr, channel.ErrUnauthorized) {
		return callErr
	}
	return nil
}

func (p *pusher) outcome(l store.PushLine, err error, cause string) store.PushOutcome {
	o := store.PushOutcome{ID: l.ID}
	if err == nil {
		return o
	}
	o.Err = cause
	o.Stale = errors.Is(err, channel.ErrStaleQuantity)
	var quota *channel.QuotaError
	if errors.As(err, &quota) {
		o.RetryAt, o.Quota = quota.Until, true
		return o
	}
	if o.Stale {
		// Most often a sale on the channel whose order has not reached
		// us yet: it comes within seconds, and its import lowers what the
		// channel shows and brings the retry forward. Refused on for
		// longer, it is drift, and is overwritten (store.ClaimPushes).
		o.RetryAt = time.Now().Add(staleRetry(l.Failures + 1))
		return o
	}
	o.RetryAt = time.Now().Add(pushBackoff(l.Failures + 1))
	return o
}

// staleRetry is how soon a listing is tried again after its nth refusal
// in a row because the channel's stock moved: soon at first, then after
// half a minute.
func staleRetry(n int) time.Duration {
	if n <= 3 {
		return 2 * time.Second
	}
	return 30 * time.Second
}

// pushBackoff is how long a listing waits after its nth refusal in a row:
// 5 s, 15 s, 45 s … up to an hour.
func pushBackoff(n int) time.Duration {
	d := 5 * time.Second
	for i := 1; i < n && d < time.Hour; i++ {
		d *= 3
	}
	return min(d, time.Hour)
}
