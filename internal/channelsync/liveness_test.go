package channelsync_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"stocksync/internal/catalogue"
	"stocksync/internal/channel"
	"stocksync/internal/channelsync"
	"stocksync/internal/jobs"
	"stocksync/internal/store"
)

// insertOnly is a client of another instance that works no jobs: what it
// enqueues stays queued.
func insertOnly(t *testing.T, st *store.Store, svc *channelsync.Service) *jobs.Client {
	t.Helper()
	reg := jobs.NewRegistry()
	var client *jobs.Client
	channelsync.Register(reg, svc, func() *jobs.Client { return client }, time.Hour)
	client, err := jobs.NewClient(st.DB.DB, reg, jobs.Options{InsertOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	return client
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func loggedService(t *testing.T, st *store.Store) (*channelsync.Service, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	svc, err := channelsync.NewService(st, secretKey, channel.Options{Sleep: clock.Sleep, MaxRetries: 3,
		Addresses: channel.AddressPolicy{Sandbox: true}}, // the fakes listen on loopback
		slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	svc.BatchSize = 500
	return svc, logs
}

func activeSyncJobs(t *testing.T, st *store.Store, ch int64) []int64 {
	t.Helper()
	var ids []int64
	if err := st.DB.Select(&ids, `SELECT id FROM river_job WHERE kind = 'catalogue_sync' AND (args->>'channel_id')::bigint = $1
		AND state IN ('available', 'scheduled', 'running', 'retryable', 'pending') ORDER BY id`, ch); err != nil {
		t.Fatal(err)
	}
	return ids
}

func TestSweepLeavesAChannelDueWhenItsSyncIsAlreadyQueued(t *testing.T) {
	_, st := newService(t)
	svc, logs := loggedService(t, st)
	shop := newShop()
	defer shop.Close()
	ch := connectShop(t, svc, shop)
	ctx := context.Background()
	client := insertOnly(t, st, svc)
	if ok, err := channelsync.SyncNow(ctx, client, ch, false); err != nil || !ok {
		t.Fatalf("Sync now: %v %v", ok, err)
	}
	st.DB.MustExec(`UPDATE channels SET next_sync_at = now() - interval '1 minute' WHERE id = $1`, ch)
	var due time.Time
	st.DB.Get(&due, `SELECT next_sync_at FROM channels WHERE id = $1`, ch)

	if err := channelsync.SweepOnce(ctx, svc, client); err != nil {
		t.Fatal(err)
	}
	var next time.Time
	st.DB.Get(&next, `SELECT next_sync_at FROM channels WHERE id = $1`, ch)
	if !next.Equal(due) {
		t.Fatalf("the sweep moved the due time from %v to %v although its sync was skipped as a duplicate", due, next)
	}
	if ids := activeSyncJobs(t, st, ch); len(ids) != 1 {
		t.Fatalf("sync jobs of the channel: %v", ids)
	}
	if !strings.Contains(logs.String(), "scheduled sync not enqueued") {
		t.Fatalf("the skipped sync was not logged: %s", logs)
	}
}

func TestASilentJobIsInterruptedRetriedAndFencedOff(t *testing.T) {
	_, st := newService(t)
	svc, logs := loggedService(t, st)
	shop := newShop()
	defer shop.Close()
	shop.Generate(20, 3)
	ch := connectShop(t, svc, shop)
	ctx := context.Background()
	client := insertOnly(t, st, svc)

	// A process took the channel's first import, loaded a batch and died:
	// River still says running, and holds the channel.
	if ok, err := channelsync.SyncNow(ctx, client, ch, false); err != nil || !ok {
		t.Fatalf("Sync now: %v %v", ok, err)
	}
	dead := activeSyncJobs(t, st, ch)[0]
	st.DB.MustExec(`UPDATE river_job SET state = 'running', attempt = 1, attempted_at = now() - interval '1 minute',
		attempted_by = '{dead-process}' WHERE id = $1`, dead)
	run, err := st.StartRun(ctx, ch, "full_catalogue", "manual", dead)
	if err != nil {
		t.Fatal(err)
	}
	load, err := st.BeginBulkLoad(ctx, ch, run)
	if err != nil {
		t.Fatal(err)
	}
	defer load.Close()
	batch := func() store.ImportBatch {
		rows, _ := catalogue.Prepare([]channel.Listing{shopListing("a", "A", "One"), shopListing("b", "B", "Two")})
		for i := range rows {
			rows[i].New, rows[i].SKUNew = true, true
		}
		return store.ImportBatch{ChannelID: ch, RunID: run, Pages: 1, Rows: rows}
	}
	if _, err := load.Import(ctx, batch()); err != nil {
		t.Fatal(err)
	}
	if ok, _ := channelsync.SyncNow(ctx, client, ch, false); ok {
		t.Fatal("Sync now was queued beside a running job")
	}

	if err := channelsync.SweepOnce(ctx, svc, client); err != nil {
		t.Fatal(err)
	}
	r, _ := st.Run(ctx, run)
	if r.Status != "interrupted" || r.FinishedAt == nil || r.Error == nil || !strings.Contains(*r.Error, "not kept") {
		t.Fatalf("the dead process's run: %+v %v", r, r.Error)
	}
	if r.Records != 0 || r.New != 0 || r.NewUnconfirmed != 0 {
		t.Fatalf("the run reports listings its dropped load never kept: %+v", r)
	}
	var state string
	st.DB.Get(&state, `SELECT state FROM river_job WHERE id = $1`, dead)
	if state != "cancelled" {
		t.Fatalf("the dead job is %s", state)
	}
	retry := activeSyncJobs(t, st, ch)
	if len(retry) != 1 || retry[0] == dead {
		t.Fatalf("sync jobs after the sweep: %v (dead %d)", retry, dead)
	}
	if !strings.Contains(logs.String(), "no heartbeat") {
		t.Fatalf("the dead job was not logged: %s", logs)
	}

	// The process comes back: nothing it does reaches the channel.
	if alive, err := st.Beat(ctx, dead, 1); err != nil || alive {
		t.Fatalf("the dead job's heartbeat: %v %v", alive, err)
	}
	if _, err := load.Import(ctx, batch()); !errors.Is(err, store.ErrRunClosed) {
		t.Fatalf("a batch of the closed run: %v", err)
	}
	if err := load.Finish(ctx); !errors.Is(err, store.ErrRunClosed) {
		t.Fatalf("finishing the closed run's load: %v", err)
	}
	if err := st.FinishRun(ctx, run, "", &time.Time{}); !errors.Is(err, store.ErrRunClosed) {
		t.Fatalf("finishing the closed run: %v", err)
	}
	if partition, _, _ := listingsTables(t, st, ch); partition != "" {
		t.Fatalf("the closed run's load became the channel's listings (%s)", partition)
	}

	// The retry imports the catalogue once.
	startClient(t, st, svc)
	waitRuns(t, st, ch, 2)
	var retried string
	st.DB.Get(&retried, `SELECT status FROM sync_runs WHERE job_id = $1`, retry[0])
	var n, distinct int
	st.DB.QueryRow(`SELECT count(*), count(DISTINCT external_id) FROM channel_items WHERE channel_id = $1`, ch).Scan(&n, &distinct)
	if retried != "succeeded" || n != 20 || distinct != 20 {
		t.Fatalf("the retry: %s, %d listings (%d distinct)", retried, n, distinct)
	}
}

// waitRuns waits (bounded) until the channel has n runs, none running.
func waitRuns(t *testing.T, st *store.Store, ch int64, n int) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		var runs, running int
		st.DB.QueryRow(`SELECT count(*), count(*) FILTER (WHERE status = 'running') FROM sync_runs WHERE channel_id = $1`, ch).Scan(&runs, &running)
		if runs >= n && running == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d runs, %d running after 60 s; want %d finished", runs, running, n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestASlowButLiveSyncIsNeverDeclaredDead(t *testing.T) {
	_, st := newService(t)
	svc, _ := loggedService(t, st)
	svc.SetDeadAfter(1500 * time.Millisecond) // beats every 250 ms
	shop := newShop()
	defer shop.Close()
	shop.Generate(500, 6)
	ch := connectShop(t, svc, shop)
	pageThrough(t, st, ch)
	// Every call to the channel outlasts the silence that declares a
	// process dead: only beats of their own keep the job alive.
	shop.Slow(2 * time.Second)
	reg := jobs.NewRegistry()
	var client *jobs.Client
	channelsync.Register(reg, svc, func() *jobs.Client { return client }, svc.SweepEvery())
	client, err := jobs.NewClient(st.DB.DB, reg, jobs.Options{FetchPollInterval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := client.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = jobs.Stop(ctx, client)
	})
	if ok, err := channelsync.SyncNow(context.Background(), client, ch, false); err != nil || !ok {
		t.Fatalf("Sync now: %v %v", ok, err)
	}
	waitRuns(t, st, ch, 1)
	var statuses []string
	st.DB.Select(&statuses, `SELECT status FROM sync_runs WHERE channel_id = $1 ORDER BY id`, ch)
	var sweeps int
	st.DB.Get(&sweeps, `SELECT count(*) FROM river_job WHERE kind = 'schedule_syncs' AND state = 'completed'`)
	if strings.Join(statuses, ",") != "succeeded" || sweeps < 2 {
		t.Fatalf("runs %v after %d sweeps; want one run that succeeded, swept over several times", statuses, sweeps)
	}
}
