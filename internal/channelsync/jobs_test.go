package channelsync_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"stocksync/internal/channelsync"
	"stocksync/internal/jobs"
	"stocksync/internal/store"
)

func startClient(t *testing.T, st *store.Store, svc *channelsync.Service) *jobs.Client {
	t.Helper()
	reg := jobs.NewRegistry()
	var client *jobs.Client
	channelsync.Register(reg, svc, func() *jobs.Client { return client }, time.Hour)
	client, err := jobs.NewClient(st.DB.DB, reg, jobs.Options{
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), FetchPollInterval: 50 * time.Millisecond})
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
	return client
}

func TestTwoInstancesNeverRunOneChannelsSyncTwice(t *testing.T) {
	svc, st := newService(t)
	shop := newShop()
	defer shop.Close()
	shop.Generate(750, 6)
	shop.Slow(150 * time.Millisecond) // a run spans several polls of both clients
	ch := connectShop(t, svc, shop)
	a, b := startClient(t, st, svc), startClient(t, st, svc)

	ctx := context.Background()
	queued := 0
	for i := 0; i < 20; i++ {
		client := a
		if i%2 == 1 {
			client = b
		}
		ok, err := channelsync.SyncNow(ctx, client, ch, false)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			queued++
		}
		time.Sleep(50 * time.Millisecond)
	}
	if queued == 0 || queued >= 20 {
		t.Fatalf("%d of 20 Sync now requests queued a job; duplicates must be skipped while one is queued or running", queued)
	}
	// Wait (bounded) for the queue to drain.
	deadline := time.Now().Add(60 * time.Second)
	for {
		var pending int
		st.DB.Get(&pending, `SELECT count(*) FROM river_job WHERE kind = 'catalogue_sync' AND state NOT IN ('completed', 'discarded', 'cancelled')`)
		var running int
		st.DB.Get(&running, `SELECT count(*) FROM sync_runs WHERE status = 'running'`)
		if pending == 0 && running == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d sync jobs still pending after 60 s", pending)
		}
		time.Sleep(100 * time.Millisecond)
	}
	var runs []struct {
		Started  time.Time `db:"started_at"`
		Finished time.Time `db:"finished_at"`
		Status   string    `db:"status"`
	}
	if err := st.DB.Select(&runs, `SELECT started_at, finished_at, status FROM sync_runs WHERE channel_id = $1 ORDER BY started_at`, ch); err != nil {
		t.Fatal(err)
	}
	if len(runs) != queued {
		t.Fatalf("%d runs for %d queued jobs", len(runs), queued)
	}
	for i, r := range runs {
		if r.Status != "succeeded" {
			t.Errorf("run %d: %s", i, r.Status)
		}
		if i > 0 && r.Started.Before(runs[i-1].Finished) {
			t.Fatalf("runs %d and %d of one channel overlapped: %v < %v", i-1, i, r.Started, runs[i-1].Finished)
		}
	}
}

func TestScheduledSweepStartsTheFirstSyncWhenDue(t *testing.T) {
	svc, st := newService(t)
	shop := newShop()
	defer shop.Close()
	shop.Generate(10, 7)
	ch := connectShop(t, svc, shop)
	// Due now: the sweep that runs when the client starts picks it up.
	st.DB.MustExec(`UPDATE channels SET next_sync_at = now() - interval '1 second' WHERE id = $1`, ch)
	startClient(t, st, svc)
	deadline := time.Now().Add(30 * time.Second)
	for {
		var r struct {
			Trigger string `db:"trigger"`
			Status  string `db:"status"`
			Records int    `db:"records"`
		}
		err := st.DB.Get(&r, `SELECT trigger, status, records FROM sync_runs WHERE channel_id = $1`, ch)
		if err == nil && r.Status != "running" {
			if r.Trigger != "first" || r.Status != "succeeded" || r.Records != 10 {
				t.Fatalf("first run: %+v", r)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the due first sync did not run within 30 s")
		}
		time.Sleep(100 * time.Millisecond)
	}
	var next time.Time
	st.DB.Get(&next, `SELECT next_sync_at FROM channels WHERE id = $1`, ch)
	if until := time.Until(next); until < 14*time.Minute || until > 16*time.Minute {
		t.Fatalf("next sync in %v, want the 15 minute interval", until)
	}
}
