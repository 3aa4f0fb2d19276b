package web_test

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"stocksync/internal/auth"
	shopifyfake "stocksync/internal/channel/shopify/fake"
	"stocksync/internal/testkit/webtest"
)

var syncNowButton = regexp.MustCompile(`<button[^>]*data-testid="sync-now"[^>]*>`)

func syncNowDisabled(t *testing.T, body string) bool {
	t.Helper()
	b := syncNowButton.FindString(body)
	if b == "" {
		t.Fatalf("no Sync now button: %.2000s", body)
	}
	return strings.Contains(b, "disabled")
}

// While a sync is queued or running, Sync now is disabled with the reason,
// and what pressing it said stays only as long: the channel page's poll
// carries both and stops when the run ends.
func TestSyncNowIsDisabledWhileASyncIsQueuedOrRunning(t *testing.T) {
	s := webtest.NewServer(t) // jobs are queued, not worked: the test runs them
	shop := shopifyfake.New(shopifyfake.Options{})
	defer shop.Close()
	shop.Generate(20, 7)
	c, _ := s.SignedIn(t, auth.RoleAdmin)
	c.Get("/channels/new?kind=shopify")
	chURL := c.Post("/channels", shopForm(shop, shopifyfake.DefaultAccessToken)).Location
	id, _ := strconv.ParseInt(strings.TrimPrefix(chURL, "/channels/"), 10, 64)
	if page := c.Get(chURL); syncNowDisabled(t, page.Body) {
		t.Fatal("Sync now is disabled with no sync queued")
	}

	r := c.Post(chURL+"/sync", nil)
	page := c.Get(r.Location)
	if !syncNowDisabled(t, page.Body) || !strings.Contains(page.Body, "A sync is queued") ||
		!strings.Contains(page.Body, "Sync started.") || !strings.Contains(page.Body, `hx-get="`+chURL+`?sync=started"`) {
		t.Fatalf("queued: %.3000s", page.Body)
	}

	// A run of another job has started: the reason says since when.
	runID, err := s.Store.StartRun(context.Background(), id, "catalogue", "manual", 0)
	if err != nil {
		t.Fatal(err)
	}
	c.Header.Set("HX-Request", "true")
	frag := c.Get(chURL + "?sync=started")
	if !syncNowDisabled(t, frag.Body) || !strings.Contains(frag.Body, "A sync is running — started ") {
		t.Fatalf("running: %.3000s", frag.Body)
	}
	s.Store.FinishRun(context.Background(), runID, "", nil)

	// The queued job runs and ends: the poll's answer enables the button,
	// drops the message and polls no more.
	var jobID int64
	s.Store.DB.Get(&jobID, `SELECT id FROM river_job WHERE kind = 'catalogue_sync'`)
	if _, err := s.Channels.SyncCatalogue(context.Background(), id, false, "manual", jobID); err != nil {
		t.Fatal(err)
	}
	frag = c.Get(chURL + "?sync=started")
	if syncNowDisabled(t, frag.Body) || strings.Contains(frag.Body, "Sync started.") || strings.Contains(frag.Body, "hx-trigger") ||
		strings.Contains(frag.Body, `data-testid="sync-busy"`) {
		t.Fatalf("after the run: %.3000s", frag.Body)
	}
}

var runStatus = regexp.MustCompile(`<span class="([^"]*)" data-testid="(?:run|history)-status">([^<]*)</span>`)

// A run with failures does not pass for a clean one, and the listings that
// are failing now stay in sight on the channel page and the dashboard after
// later runs.
func TestFailuresStayInSightUntilASyncImportsThem(t *testing.T) {
	s := webtest.NewServer(t)
	shop := shopifyfake.New(shopifyfake.Options{})
	defer shop.Close()
	old := time.Now().Add(-time.Hour)
	a := shop.AddListing(shopifyfake.Listing{ProductTitle: "Oak Board", SKU: "OAK-1", Price: "30.00", UpdatedAt: old})
	shop.AddListing(shopifyfake.Listing{ProductTitle: "Oak Board Large", SKU: "OAK-1", Price: "45.00", UpdatedAt: old})
	shop.AddListing(shopifyfake.Listing{ProductTitle: "Elm Box", SKU: "ELM-1", Price: "twelve", UpdatedAt: old})
	c, _ := s.SignedIn(t, auth.RoleAdmin)
	c.Get("/channels/new?kind=shopify")
	chURL := c.Post("/channels", shopForm(shop, shopifyfake.DefaultAccessToken)).Location
	id, _ := strconv.ParseInt(strings.TrimPrefix(chURL, "/channels/"), 10, 64)
	first, err := s.Channels.SyncCatalogue(context.Background(), id, false, "manual", 1)
	if err != nil {
		t.Fatal(err)
	}
	// The next run is incremental and reads nothing new, yet checks the two again.
	if _, err := s.Channels.SyncCatalogue(context.Background(), id, false, "schedule", 2); err != nil {
		t.Fatal(err)
	}

	for _, path := range []string{chURL, "/sync-history", "/sync-history/" + itoa(first)} {
		body := c.Get(path).Body
		statuses := runStatus.FindAllStringSubmatch(body, -1)
		if len(statuses) == 0 {
			t.Fatalf("%s shows no run status", path)
		}
		for _, m := range statuses {
			if m[2] != "succeeded with 2 failures" || strings.Contains(m[1], "text-bg-success") {
				t.Errorf("%s shows a run with failures as %q (%s)", path, m[2], m[1])
			}
		}
	}
	page := c.Get(chURL).Body
	if !strings.Contains(page, `data-testid="failing-count">2<`) || strings.Count(page, `data-testid="failing-listing"`) != 2 ||
		!strings.Contains(page, "is not a number") || !strings.Contains(page, "appears twice") ||
		!strings.Contains(page, `href="/sync-history/`+itoa(first)+`">Run `) {
		t.Fatalf("failing now on the channel page: %.4000s", page)
	}
	dash := c.Get("/").Body
	if !strings.Contains(dash, `href="`+chURL+`#failing-now" data-testid="failing-now">2 listings failing now on Main shop<`) {
		t.Fatalf("dashboard: %.4000s", dash)
	}

	// Once A gives up the SKU and the broken price is fixed, nothing is failing.
	shop.SetSKU(a.ID, "OAK-1-S")
	ls := shop.Listings()
	ls[2].Price, ls[2].UpdatedAt = "12.00", time.Time{}
	shop.SetListings(ls)
	last, err := s.Channels.SyncCatalogue(context.Background(), id, false, "schedule", 3)
	if err != nil {
		t.Fatal(err)
	}
	page = c.Get(chURL).Body
	if strings.Contains(page, `data-testid="failing-now"`) || !strings.Contains(page, `>succeeded</span>`) {
		t.Fatalf("after the fixes: %.4000s", page)
	}
	if strings.Contains(c.Get("/").Body, "failing now") {
		t.Fatal("the dashboard still counts failing listings")
	}
	if r, _ := s.Store.Run(context.Background(), last); r.Failed != 0 {
		t.Fatalf("last run: %+v", r)
	}
}
