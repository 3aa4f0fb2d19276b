package jobs_test

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"stocksync/internal/jobs"
	"stocksync/internal/store"
	"stocksync/internal/testkit/testdb"
)

func TestPurgeLoginFailuresRunsAsARiverJob(t *testing.T) {
	st := testdb.New(t)
	ctx := t.Context()
	now := time.Now()
	for _, at := range []time.Time{now.Add(-48 * time.Hour), now.Add(-25 * time.Hour), now.Add(-time.Hour)} {
		if err := st.RecordLoginFailure(ctx, "ada@example.com", "127.0.0.1", at); err != nil {
			t.Fatal(err)
		}
	}
	reg := jobs.NewRegistry()
	jobs.AddLoginFailurePurge(reg, st)
	runUntil(t, st, reg, "purge_login_failures", `SELECT count(*) FROM login_failures`, 1)
}

func TestPurgeIdleSessionsRunsAsARiverJob(t *testing.T) {
	st := testdb.New(t)
	ctx := t.Context()
	u, err := st.CreateUser(ctx, "ada@example.com", "staff", "x")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for i, at := range []time.Time{now.Add(-48 * time.Hour), now.Add(-9 * time.Hour), now.Add(-time.Hour)} {
		if err := st.StartSession(ctx, u.ID, string(rune('a'+i)), at); err != nil {
			t.Fatal(err)
		}
	}
	reg := jobs.NewRegistry()
	jobs.AddSessionPurge(reg, st, 8*time.Hour)
	runUntil(t, st, reg, "purge_idle_sessions", `SELECT count(*) FROM user_sessions`, 1)
}

// runUntil starts River with the registry's periodic jobs (which run on
// start) and waits, bounded, until the job of kind has completed and count
// reports want rows left. River records completion a moment after the work
// commits.
func runUntil(t *testing.T, st *store.Store, reg *jobs.Registry, kind, count string, want int) {
	t.Helper()
	client, err := jobs.NewClient(st.DB.DB, reg, jobs.Options{
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), FetchPollInterval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := client.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = jobs.Stop(t.Context(), client) })
	var left, completed int
	for i := 0; i < 200; i++ {
		if err := st.DB.Get(&left, count); err != nil {
			t.Fatal(err)
		}
		if err := st.DB.Get(&completed, `SELECT count(*) FROM river_job WHERE kind = $1 AND state = 'completed'`, kind); err != nil {
			t.Fatal(err)
		}
		if left == want && completed == 1 {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%d rows left (want %d), %d completed %s jobs (want 1)", left, want, completed, kind)
}
