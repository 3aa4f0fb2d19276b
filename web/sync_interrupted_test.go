package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"stocksync/internal/auth"
	"stocksync/internal/store"
	"stocksync/internal/testkit/webtest"
)

func TestARunThatFellSilentAndOneInterruptedShowAsSuchWithARetry(t *testing.T) {
	s := webtest.NewServer(t)
	c, _ := s.SignedIn(t, auth.RoleStaff)
	ctx := context.Background()
	ch, err := s.Store.CreateChannel(ctx, store.NewChannel{Kind: "shopify", Name: "Shop", Credentials: []byte{1}, SyncInterval: 15 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	const job = 4242
	run, err := s.Store.StartRun(ctx, ch, "catalogue", "schedule", job)
	if err != nil {
		t.Fatal(err)
	}
	runURL := "/sync-history/" + itoa(run)

	// Beating: nothing to say.
	s.Store.DB.MustExec(`INSERT INTO job_heartbeats (job_id, attempt, beat_at) VALUES ($1, 1, now())`, job)
	if p := c.Get(runURL); strings.Contains(p.Body, `data-testid="run-silent"`) {
		t.Fatal("a run whose process beats is shown as silent")
	}
	// Silent, not yet declared dead.
	s.Store.DB.MustExec(`UPDATE job_heartbeats SET beat_at = now() - interval '25 seconds' WHERE job_id = $1`, job)
	p := c.Get(runURL)
	if !strings.Contains(p.Body, `data-testid="run-silent"`) || !strings.Contains(p.Body, "No sign of progress for 2") {
		t.Fatalf("a silent run: %.2000s", p.Body)
	}
	if strings.Contains(p.Body, `data-testid="retry"`) {
		t.Fatal("a running run offers a retry")
	}

	// Declared dead by the sweep.
	s.Store.DB.MustExec(`UPDATE sync_runs SET status = 'interrupted', finished_at = now(),
		error = 'The process running this sync stopped.' WHERE id = $1`, run)
	p = c.Get(runURL)
	if !strings.Contains(p.Body, `data-testid="run-interrupted"`) || !strings.Contains(p.Body, "the process running it stopped; it was retried") ||
		!strings.Contains(p.Body, `data-testid="retry"`) || strings.Contains(p.Body, `data-testid="run-silent"`) {
		t.Fatalf("an interrupted run: %.3000s", p.Body)
	}
	if h := c.Get("/sync-history?status=interrupted"); !strings.Contains(h.Body, ">"+itoa(run)+"</a>") {
		t.Error("the history's status filter does not find the interrupted run")
	}
	r := c.Post(runURL+"/retry", nil)
	if r.Status != http.StatusSeeOther || r.Location != "/channels/"+itoa(ch)+"?sync=started" {
		t.Fatalf("retry: %d → %q", r.Status, r.Location)
	}
	var queued int
	s.Store.DB.Get(&queued, `SELECT count(*) FROM river_job WHERE kind = 'catalogue_sync' AND (args->>'channel_id')::bigint = $1
		AND state = 'available'`, ch)
	if queued != 1 {
		t.Fatalf("%d syncs queued by Retry, want 1", queued)
	}
}
