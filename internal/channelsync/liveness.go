package channelsync

import (
	"context"
	"errors"
	"time"
)

// DefaultDeadAfter is how long a channel job may go without a heartbeat
// before the sweep declares its process dead. A live process beats every
// sixth of it from a goroutine of its own, so only a dead (or frozen)
// process falls silent; with the sweep every third of it and River's leader
// handover, a dead process is found within a minute.
const DefaultDeadAfter = 30 * time.Second

// errTakenOver stops a job whose process was declared dead but was not:
// the sweep has closed its run and retried its work, which another worker
// may be doing now.
var errTakenOver = errors.New("channelsync: this job was declared dead (no heartbeat) and retried; its work here stopped")

// SetDeadAfter sets how long a silent channel job is given, and from it how
// often jobs beat.
func (s *Service) SetDeadAfter(d time.Duration) {
	s.deadAfter = d
	s.beatEvery = max(d/6, 10*time.Millisecond)
}

// SweepEvery is how often the periodic sweep should run so that a dead
// process is found soon after its silence passes DeadAfter.
func (s *Service) SweepEvery() time.Duration { return max(s.deadAfter/3, 10*time.Millisecond) }

// keepAlive beats for the job's attempt until the returned stop is called;
// the returned context ends if the job turns out to have been taken over.
// Beats come from a ticker of their own, so a slow channel call, a long
// bulk export or a long statement never silences a live process.
func (s *Service) keepAlive(ctx context.Context, jobID int64, attempt int) (context.Context, func(), error) {
	return s.keepAliveEvery(ctx, jobID, attempt, s.beatEvery, s.deadAfter)
}

// keepAliveEvery is keepAlive for a job declared dead after deadAfter.
func (s *Service) keepAliveEvery(ctx context.Context, jobID int64, attempt int, beatEvery, deadAfter time.Duration) (context.Context, func(), error) {
	alive, err := s.store.Beat(ctx, jobID, attempt)
	if err != nil {
		return ctx, nil, err
	}
	if !alive {
		return ctx, nil, errTakenOver
	}
	ctx, cancel := context.WithCancelCause(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(beatEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			beatCtx, cancelBeat := context.WithTimeout(ctx, deadAfter/2)
			alive, err := s.store.Beat(beatCtx, jobID, attempt)
			cancelBeat()
			switch {
			case err != nil && ctx.Err() == nil:
				s.log.Warn("channel job heartbeat failed", "job_id", jobID, "err", err)
			case err == nil && !alive:
				s.log.Warn("this channel job was declared dead and retried elsewhere; stopping it here", "job_id", jobID)
				cancel(errTakenOver)
				return
			}
		}
	}()
	stop := func() {
		cancel(nil)
		<-done
		// A last beat, not a delete: River records the job's end a moment
		// after the worker returns, and until then the job must not look
		// silent. The sweep forgets beats of jobs no longer running.
		endCtx, cancelEnd := context.WithTimeout(context.WithoutCancel(ctx), deadAfter/2)
		defer cancelEnd()
		if _, err := s.store.Beat(endCtx, jobID, attempt); err != nil {
			s.log.Warn("channel job heartbeat failed", "job_id", jobID, "err", err)
		}
	}
	return ctx, stop, nil
}

// takenOver turns the error of a job stopped by keepAlive into its cause.
func takenOver(ctx context.Context, err error) error {
	if err != nil && errors.Is(context.Cause(ctx), errTakenOver) {
		return errTakenOver
	}
	return err
}
