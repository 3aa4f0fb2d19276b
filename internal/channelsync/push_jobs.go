package channelsync

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"stocksync/internal/jobs"
	"stocksync/internal/store"
)

// StockPushArgs asks for a channel's marked listings to be pushed. The
// store enqueues one only when none is queued for the channel (its
// push_wakeups flag), so a burst of changes costs one job; River's unique
// jobs are not used here because a unique insert locks the queued job's
// row, where River's completer takes rows in another order (deadlocks).
type StockPushArgs struct {
	ChannelID int64  `json:"channel_id"`
	Trigger   string `json:"trigger"` // change, sync or manual
}

func (StockPushArgs) Kind() string { return "stock_push" }

func (StockPushArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 20} }

type stockPushWorker struct {
	river.WorkerDefaults[StockPushArgs]
	svc *Service
}

func (w *stockPushWorker) Work(ctx context.Context, job *river.Job[StockPushArgs]) error {
	t := w.svc.push
	ctx, stop, err := w.svc.keepAliveEvery(ctx, job.ID, job.Attempt, max(t.DeadAfter/6, 10*time.Millisecond), t.DeadAfter)
	if err != nil {
		return err
	}
	defer stop()
	return takenOver(ctx, w.svc.Push(ctx, job.Args.ChannelID, job.Args.Trigger, job.ID))
}

// A feed-based channel may take many minutes to answer; a dead process is
// found by its heartbeat instead (sweepPushes).
func (w *stockPushWorker) Timeout(*river.Job[StockPushArgs]) time.Duration { return 2 * time.Hour }

// enqueuePushes inserts a push job for each channel in the caller's
// transaction: a rolled-back document enqueues nothing.
func enqueuePushes(ctx context.Context, client *jobs.Client, tx *sql.Tx, channelIDs []int64, trigger string) error {
	if client == nil || len(channelIDs) == 0 {
		return nil
	}
	params := make([]river.InsertManyParams, len(channelIDs))
	for i, id := range channelIDs {
		params[i] = river.InsertManyParams{Args: StockPushArgs{ChannelID: id, Trigger: trigger}}
	}
	if _, err := client.InsertManyTx(ctx, tx, params); err != nil {
		return fmt.Errorf("channelsync: enqueue stock push: %w", err)
	}
	return nil
}

func (s *Service) jobsClient() *jobs.Client {
	if s.jobs == nil {
		return nil
	}
	return s.jobs()
}

// SweepPushesArgs is the push's backstop, every few seconds: pushes whose
// process died are retried, and channels with marked listings and no
// queued push (a mark made just as a push ended, a retry time come) get one.
type SweepPushesArgs struct{}

func (SweepPushesArgs) Kind() string { return "sweep_pushes" }

type sweepPushesWorker struct {
	river.WorkerDefaults[SweepPushesArgs]
	svc    *Service
	client func() *jobs.Client
}

func (w *sweepPushesWorker) Work(ctx context.Context, _ *river.Job[SweepPushesArgs]) error {
	return w.svc.sweepPushes(ctx, w.client())
}

func (s *Service) sweepPushes(ctx context.Context, client *jobs.Client) error {
	dead, err := s.store.RescueDeadJobs(ctx, []string{StockPushArgs{}.Kind()}, s.push.DeadAfter,
		func(ctx context.Context, tx *sql.Tx, j store.DeadJob) error {
			var args StockPushArgs
			if err := json.Unmarshal(j.Args, &args); err != nil {
				return fmt.Errorf("channelsync: args of job %d: %w", j.ID, err)
			}
			return enqueuePushes(ctx, client, tx, []int64{args.ChannelID}, args.Trigger)
		})
	for _, j := range dead {
		s.log.Warn("a stock push's process stopped (no heartbeat): the push was retried", "job_id", j.ID, "attempt", j.Attempt)
	}
	if err != nil {
		return err
	}
	channels, err := s.store.ChannelsToPush(ctx)
	if err != nil || len(channels) == 0 {
		return err
	}
	tx, err := s.store.DB.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := enqueuePushes(ctx, client, tx, channels, "change"); err != nil {
		return err
	}
	return tx.Commit()
}

// PushSweepEvery is how often the push sweep runs.
const PushSweepEvery = 3 * time.Second

func registerPushes(reg *jobs.Registry, svc *Service, client func() *jobs.Client) {
	svc.jobs = client
	river.AddWorker(reg.Workers, &stockPushWorker{svc: svc})
	river.AddWorker(reg.Workers, &sweepPushesWorker{svc: svc, client: client})
	reg.Periodic = append(reg.Periodic, river.NewPeriodicJob(
		river.PeriodicInterval(PushSweepEvery),
		func() (river.JobArgs, *river.InsertOpts) { return SweepPushesArgs{}, nil },
		&river.PeriodicJobOpts{ID: "sweep_pushes", RunOnStart: true},
	))
}
