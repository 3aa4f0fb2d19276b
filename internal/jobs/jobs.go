// Package jobs runs stocksync's background work as River jobs on the same
// PostgreSQL database, so any number of instances share one queue.
package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
)

// Client is River's client over database/sql.
type Client = river.Client[*sql.Tx]

// Registry collects workers and periodic jobs before the client is built;
// each area adds its own.
type Registry struct {
	Workers  *river.Workers
	Periodic []*river.PeriodicJob
}

func NewRegistry() *Registry {
	return &Registry{Workers: river.NewWorkers()}
}

type Options struct {
	Logger *slog.Logger
	// FetchPollInterval: River polls (no LISTEN/NOTIFY through database/sql).
	FetchPollInterval time.Duration
	// Insert-only clients (CLI commands) do not work jobs.
	InsertOnly bool
}

func NewClient(db *sql.DB, reg *Registry, opts Options) (*Client, error) {
	cfg := &river.Config{
		Logger:  opts.Logger,
		Workers: reg.Workers,
		// Short jobs (the sweep, purges) end within a minute; one whose
		// process died is taken back by River's rescuer a few minutes
		// later. A job with a longer Timeout of its own is rescued only
		// after it, so River never takes a live one: channel jobs, which
		// run long, find their dead processes by heartbeat instead
		// (channelsync), within a minute.
		JobTimeout:           time.Minute,
		RescueStuckJobsAfter: 5 * time.Minute,
	}
	if !opts.InsertOnly {
		poll := opts.FetchPollInterval
		if poll == 0 {
			poll = 200 * time.Millisecond
		}
		cfg.FetchPollInterval = poll
		cfg.FetchCooldown = min(poll, 100*time.Millisecond)
		cfg.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 20}}
		cfg.PeriodicJobs = reg.Periodic
	}
	c, err := river.NewClient(riverdatabasesql.New(db), cfg)
	if err != nil {
		return nil, fmt.Errorf("jobs: new client: %w", err)
	}
	return c, nil
}

// Stop waits for running jobs up to the context's deadline, then cancels them.
func Stop(ctx context.Context, c *Client) error {
	if err := c.Stop(ctx); err != nil {
		return c.StopAndCancel(context.Background())
	}
	return nil
}
