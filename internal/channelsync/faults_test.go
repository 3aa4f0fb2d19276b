package channelsync_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	shopifyfake "stocksync/internal/channel/shopify/fake"
	"stocksync/internal/channelsync"
)

// cutPage serves the fake shop, cutting short the body of the nth
// productVariants answer, as a connection dropped mid-page would.
func cutPage(shop *shopifyfake.Server, nth int32) *httptest.Server {
	var seen atomic.Int32
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if !bytes.Contains(body, []byte("productVariants")) || seen.Add(1) != nth {
			shop.Handler().ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		shop.Handler().ServeHTTP(rec, r)
		w.Header().Set("Content-Type", "application/json")
		w.Write(rec.Body.Bytes()[:rec.Body.Len()/2])
	}))
}

func TestThrottlingA500AndAMalformedPageStillGiveExactCounts(t *testing.T) {
	svc, st := newService(t)
	shop := newShop()
	defer shop.Close()
	shop.Generate(600, 11)
	shop.SetBrokenField(shop.Listings()[7].ID)
	front := cutPage(shop, 2) // the throttles and the 500 fall on the calls before page 1 (the location lookup); page 2 is cut
	defer front.Close()
	id, err := svc.Connect(context.Background(), channelsync.ConnectRequest{Kind: "shopify", Name: "Faulty",
		Credentials:  map[string]string{"shop_url": front.URL, "access_token": shopifyfake.DefaultAccessToken},
		SyncInterval: 15 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	pageThrough(t, st, id)
	shop.ThrottleNext(2)
	shop.FailNext(1, 500)
	runID, err := svc.SyncCatalogue(context.Background(), id, false, "manual", 1)
	if err != nil {
		t.Fatal(err)
	}
	run, _ := st.Run(context.Background(), runID)
	// Page 1 (150 listings, one broken) is imported; page 2 could not be read.
	if run.Status != "failed" || run.Records != 150 || run.New != 149 || run.Failed != 2 || run.PagesDone != 1 {
		t.Fatalf("run: %+v", run)
	}
	if !strings.Contains(*run.Error, "Stopped at page 2") {
		t.Fatalf("cause: %s", *run.Error)
	}
	fs, _ := st.RunFailures(context.Background(), runID, 0, 0)
	if len(fs) != 2 || fs[1].Label != "page 2" {
		t.Fatalf("failures: %+v", fs)
	}
	var since time.Time
	st.DB.Get(&since, `SELECT listings_since FROM channels WHERE id = $1`, id)
	if since.Year() != 2000 {
		t.Fatalf("a failed run moved the incremental cursor to %v", since)
	}
	// The next sync picks everything up, and duplicates nothing.
	runID, _ = svc.SyncCatalogue(context.Background(), id, false, "manual", 2)
	run, _ = st.Run(context.Background(), runID)
	if run.Status != "succeeded" || run.Records != 600 || run.Unchanged != 149 || run.New != 450 || run.Failed != 1 {
		t.Fatalf("second run: %+v", run)
	}
}

func TestARunCutShortIsClosedWhenItsJobIsRetried(t *testing.T) {
	svc, st := newService(t)
	shop := newShop()
	defer shop.Close()
	shop.Generate(10, 12)
	id := connectShop(t, svc, shop)
	ctx := context.Background()
	// A run of job 77 was running when the process died.
	stale, err := st.StartRun(ctx, id, "catalogue", "manual", 77)
	if err != nil {
		t.Fatal(err)
	}
	// River retries job 77.
	runID, err := svc.SyncCatalogue(ctx, id, false, "manual", 77)
	if err != nil {
		t.Fatal(err)
	}
	old, _ := st.Run(ctx, stale)
	if old.Status != "interrupted" || old.Error == nil || !strings.Contains(*old.Error, "interrupted") || !strings.Contains(*old.Error, "retried as run") {
		t.Fatalf("the cut-short run: %+v %v", old, old.Error)
	}
	if r, _ := st.Run(ctx, runID); r.Status != "succeeded" {
		t.Fatalf("the retry: %+v", r)
	}
	// A run whose job vanished is closed by the sweep.
	orphan, _ := st.StartRun(ctx, id, "catalogue", "schedule", 999)
	st.DB.MustExec(`UPDATE sync_runs SET started_at = now() - interval '5 minutes' WHERE id = $1`, orphan)
	if n, err := st.CloseAbandonedRuns(ctx); err != nil || n != 1 {
		t.Fatalf("sweep closed %d runs: %v", n, err)
	}
	if r, _ := st.Run(ctx, orphan); r.Status != "failed" {
		t.Fatalf("orphan: %+v", r)
	}
}
