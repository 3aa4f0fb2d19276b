package channelsync

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"stocksync/internal/jobs"
	"stocksync/internal/store"
)

// CatalogueSyncArgs asks for one catalogue sync. It is unique per channel
// while queued or running, whichever instance inserts it, so a channel never
// syncs twice at once; completed runs do not block the next one.
type CatalogueSyncArgs struct {
	ChannelID int64  `json:"channel_id" river:"unique"`
	Full      bool   `json:"full"`
	Trigger   string `json:"trigger"`
}

func (CatalogueSyncArgs) Kind() string { return "catalogue_sync" }

func (CatalogueSyncArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 5, UniqueOpts: uniqueWhileQueuedOrRunning()}
}

// uniqueWhileQueuedOrRunning makes a job unique by its unique args while
// one is queued or running, but not once completed (DESIGN §2, River
// facts: a completed twin would otherwise refuse the next one).
func uniqueWhileQueuedOrRunning() river.UniqueOpts {
	return river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
		rivertype.JobStateRetryable, rivertype.JobStateScheduled,
	}}
}

type catalogueSyncWorker struct {
	river.WorkerDefaults[CatalogueSyncArgs]
	svc *Service
}

func (w *catalogueSyncWorker) Work(ctx context.Context, job *river.Job[CatalogueSyncArgs]) error {
	ctx, stop, err := w.svc.keepAlive(ctx, job.ID, job.Attempt)
	if err != nil {
		return err
	}
	defer stop()
	_, err = w.svc.SyncCatalogue(ctx, job.Args.ChannelID, job.Args.Full, job.Args.Trigger, job.ID)
	return takenOver(ctx, err)
}

// A big catalogue over a slow channel takes a while; River's default of a
// minute would cancel it. River's rescuer leaves a running job alone for
// this long too, so it never takes a live sync: a dead process is found by
// its silent heartbeat instead (RescueDeadJobs), within a minute.
func (w *catalogueSyncWorker) Timeout(*river.Job[CatalogueSyncArgs]) time.Duration {
	return 2 * time.Hour
}

// ScheduleSyncsArgs is the periodic sweep: retry channel jobs whose process
// died, enqueue syncs that are due, and close runs whose job is gone.
type ScheduleSyncsArgs struct{}

func (ScheduleSyncsArgs) Kind() string { return "schedule_syncs" }

type scheduleWorker struct {
	river.WorkerDefaults[ScheduleSyncsArgs]
	svc    *Service
	client func() *jobs.Client
}

func (w *scheduleWorker) Work(ctx context.Context, job *river.Job[ScheduleSyncsArgs]) error {
	client := w.client()
	// A failed rescue must not hold up the schedule: both come again.
	rescueErr := w.svc.retryDeadJobs(ctx, client)
	queued, skipped, err := w.svc.store.ClaimDueChannels(ctx, w.svc.now(), func(ctx context.Context, tx *sql.Tx, d store.DueChannel) (bool, error) {
		trigger := "schedule"
		if d.First {
			trigger = "first"
		}
		res, err := client.InsertTx(ctx, tx, CatalogueSyncArgs{ChannelID: d.ID, Trigger: trigger}, nil)
		if err != nil {
			return false, fmt.Errorf("channelsync: enqueue sync of channel %d: %w", d.ID, err)
		}
		return !res.UniqueSkippedAsDuplicate, nil
	})
	if err != nil {
		return errors.Join(rescueErr, err)
	}
	for _, d := range skipped {
		w.svc.log.Info("scheduled sync not enqueued: a sync of the channel is already queued or running; the channel stays due until it ends",
			"channel_id", d.ID)
	}
	if len(queued) > 0 {
		w.svc.log.Debug("scheduled syncs enqueued", "channels", len(queued))
	}
	_, err = w.svc.store.CloseAbandonedRuns(ctx)
	return errors.Join(rescueErr, err)
}

// retryDeadJobs ends the channel jobs whose process stopped beating, closes
// their runs as interrupted and enqueues their work again at once. Every
// channel job that holds a channel (stock pushes too) beats through
// keepAlive and is listed here, so a dead process never holds a channel.
func (s *Service) retryDeadJobs(ctx context.Context, client *jobs.Client) error {
	dead, err := s.store.RescueDeadJobs(ctx, []string{CatalogueSyncArgs{}.Kind()}, s.deadAfter,
		func(ctx context.Context, tx *sql.Tx, j store.DeadJob) error {
			var args CatalogueSyncArgs
			if err := json.Unmarshal(j.Args, &args); err != nil {
				return fmt.Errorf("channelsync: args of job %d: %w", j.ID, err)
			}
			if _, err := client.InsertTx(ctx, tx, args, nil); err != nil {
				return fmt.Errorf("channelsync: retry job %d: %w", j.ID, err)
			}
			return nil
		})
	for _, j := range dead {
		s.log.Warn("a channel job's process stopped (no heartbeat): its runs were closed as interrupted and the job retried",
			"job_id", j.ID, "kind", j.Kind, "attempt", j.Attempt, "runs", j.Interrupted)
	}
	return err
}

// Register adds the sync workers and the periodic sweep. client is called
// at run time because the River client is built from this registry.
func Register(reg *jobs.Registry, svc *Service, client func() *jobs.Client, sweepEvery time.Duration) {
	river.AddWorker(reg.Workers, &catalogueSyncWorker{svc: svc})
	river.AddWorker(reg.Workers, &scheduleWorker{svc: svc, client: client})
	registerWebhooks(reg, svc)
	registerPushes(reg, svc, client)
	reg.Periodic = append(reg.Periodic, river.NewPeriodicJob(
		river.PeriodicInterval(sweepEvery),
		func() (river.JobArgs, *river.InsertOpts) { return ScheduleSyncsArgs{}, nil },
		&river.PeriodicJobOpts{ID: "schedule_syncs", RunOnStart: true},
	))
}

// SyncNow enqueues a sync at once; it reports false when one of the channel
// is already queued or running.
func SyncNow(ctx context.Context, client *jobs.Client, channelID int64, full bool) (bool, error) {
	res, err := client.Insert(ctx, CatalogueSyncArgs{ChannelID: channelID, Full: full, Trigger: "manual"}, nil)
	if err != nil {
		return false, fmt.Errorf("channelsync: enqueue sync: %w", err)
	}
	return !res.UniqueSkippedAsDuplicate, nil
}
