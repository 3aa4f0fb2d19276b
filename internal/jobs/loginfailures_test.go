package jobs_test

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"stocksync/internal/jobs"
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
	client, err := jobs.NewClient(st.DB.DB, reg, jobs.Options{
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), FetchPollInterval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := client.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = jobs.Stop(t.Context(), client) })

	// The periodic job runs on start; wait (bounded) until it has.
	// River records completion a moment after the work commits.
	var left, completed int
	for i := 0; i < 200; i++ {
		if err := st.DB.Get(&left, `SELECT count(*) FROM login_failures`); err != nil {
			t.Fatal(err)
		}
		if err := st.DB.Get(&completed, `SELECT count(*) FROM river_job WHERE kind = 'purge_login_failures' AND state = 'completed'`); err != nil {
			t.Fatal(err)
		}
		if left == 1 && completed == 1 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if left != 1 || completed != 1 {
		t.Fatalf("%d login failures left (want only the recent one), %d completed purge jobs (want 1)", left, completed)
	}
}
