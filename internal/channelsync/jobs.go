package channelsync

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"stocksync/internal/jobs"
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
	return river.InsertOpts{
		MaxAttempts: 5,
		UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
			rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
			rivertype.JobStateRetryable, rivertype.JobStateScheduled,
		}},
	}
}

type catalogueSyncWorker struct {
	river.WorkerDefaults[CatalogueSyncArgs]
	svc *Service
}

func (w *catalogueSyncWorker) Work(ctx context.Context, job *river.Job[CatalogueSyncArgs]) error {
	_, err := w.svc.SyncCatalogue(ctx, job.Args.ChannelID, job.Args.Full, job.Args.Trigger, job.ID)
	return err
}

// A big catalogue over a slow channel takes a while; River's default of a
// minute would cancel it.
func (w *catalogueSyncWorker) Timeout(*river.Job[CatalogueSyncArgs]) time.Duration {
	return 2 * time.Hour
}

// ScheduleSyncsArgs is the periodic sweep: enqueue syncs that are due and
// close runs whose job died.
type ScheduleSyncsArgs struct{}

func (ScheduleSyncsArgs) Kind() string { return "schedule_syncs" }

type scheduleWorker struct {
	river.WorkerDefaults[ScheduleSyncsArgs]
	svc    *Service
	client func() *jobs.Client
}

func (w *scheduleWorker) Work(ctx context.Context, job *river.Job[ScheduleSyncsArgs]) error {
	due, err := w.svc.store.ClaimDueChannels(ctx, w.svc.now())
	if err != nil {
		return err
	}
	for _, d := range due {
		trigger := "schedule"
		if d.First {
			trigger = "first"
		}
		if _, err := w.client().Insert(ctx, CatalogueSyncArgs{ChannelID: d.ID, Trigger: trigger}, nil); err != nil {
			return fmt.Errorf("channelsync: enqueue sync of channel %d: %w", d.ID, err)
		}
	}
	_, err = w.svc.store.CloseAbandonedRuns(ctx)
	return err
}

// Register adds the sync workers and the periodic sweep. client is called
// at run time because the River client is built from this registry.
func Register(reg *jobs.Registry, svc *Service, client func() *jobs.Client, sweepEvery time.Duration) {
	river.AddWorker(reg.Workers, &catalogueSyncWorker{svc: svc})
	river.AddWorker(reg.Workers, &scheduleWorker{svc: svc, client: client})
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
