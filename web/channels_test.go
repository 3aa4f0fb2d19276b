package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"stocksync/internal/auth"
	"stocksync/internal/channel"
	shopifyfake "stocksync/internal/channel/shopify/fake"
	"stocksync/internal/store"
	"stocksync/internal/syncrun"
	"stocksync/internal/testkit/webtest"
)

func shopForm(shop *shopifyfake.Server, token string) url.Values {
	return url.Values{"kind": {"shopify"}, "name": {"Main shop"}, "cred_shop_url": {shop.URL()},
		"cred_access_token": {token}, "sync_interval": {"15"}, "first_sync_delay": {"30"}}
}

func TestConnectAChannel(t *testing.T) {
	s := webtest.NewServer(t)
	shop := shopifyfake.New(shopifyfake.Options{})
	defer shop.Close()
	c, _ := s.SignedIn(t, auth.RoleAdmin)
	if r := c.Get("/channels"); r.Status != 200 || !strings.Contains(r.Body, `data-testid="no-channels"`) {
		t.Fatalf("empty channels page: %d", r.Status)
	}
	form := c.Get("/channels/new?kind=shopify")
	if !strings.Contains(form.Body, `name="cred_access_token"`) || !strings.Contains(form.Body, `type="password"`) {
		t.Fatal("the Shopify form lacks its credential fields")
	}
	r := c.Post("/channels/test", shopForm(shop, "shpat_wrong"))
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "rejected the credentials") {
		t.Fatalf("test with a wrong token: %d", r.Status)
	}
	r = c.Post("/channels/test", shopForm(shop, shopifyfake.DefaultAccessToken))
	if r.Status != 200 || !strings.Contains(r.Body, "The connection works") {
		t.Fatalf("test with the right token: %d %.300s", r.Status, r.Body)
	}
	bad := shopForm(shop, shopifyfake.DefaultAccessToken)
	bad.Set("name", " ")
	bad.Set("sync_interval", "1")
	if r := c.Post("/channels", bad); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="f-name-msg"`) {
		t.Fatalf("bad connect form: %d", r.Status)
	}
	if cs, _ := s.Store.ListChannels(context.Background()); len(cs) != 0 {
		t.Fatal("a channel was stored from a bad form")
	}
	r = c.Post("/channels", shopForm(shop, shopifyfake.DefaultAccessToken))
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/channels/") {
		t.Fatalf("connect: %d → %q", r.Status, r.Location)
	}
	page := c.Get(r.Location)
	if page.Status != 200 || !strings.Contains(page.Body, "is connected. Its first sync starts at") || !strings.Contains(page.Body, `data-testid="no-runs"`) {
		t.Fatalf("channel page: %d %.500s", page.Status, page.Body)
	}
	if strings.Contains(page.Body, shopifyfake.DefaultAccessToken) {
		t.Fatal("the channel page shows the access token")
	}
	if !strings.Contains(page.Body, "…"+shopifyfake.DefaultAccessToken[len(shopifyfake.DefaultAccessToken)-4:]) {
		t.Error("the channel page does not show the credentials hint")
	}
	// Sync now queues one job; a second press while it is queued queues none.
	c.Post(r.Location+"/sync", nil)
	second := c.Post(r.Location+"/sync", nil)
	var jobs int
	s.Store.DB.Get(&jobs, `SELECT count(*) FROM river_job WHERE kind = 'catalogue_sync'`)
	if jobs != 1 {
		t.Fatalf("%d sync jobs queued by two presses, want 1", jobs)
	}
	if !strings.Contains(c.Get(second.Location).Body, "already queued or running") {
		t.Error("no message for the second press")
	}
	// Disconnect keeps the channel and its history.
	c.Post(r.Location+"/disconnect", nil)
	list := c.Get("/channels")
	if !strings.Contains(list.Body, "disconnected") {
		t.Fatal("disconnected channel not shown as such")
	}
}

func TestSyncFromTheChannelPageAndItsReports(t *testing.T) {
	s := webtest.NewServer(t, webtest.Options{WorkJobs: true, ChannelOptions: channel.Options{
		Sleep: func(ctx context.Context, d time.Duration) error { return ctx.Err() }}})
	shop := shopifyfake.New(shopifyfake.Options{RestoreRate: 100000})
	defer shop.Close()
	shop.Generate(300, 9)
	ls := shop.Listings()
	shop.SetBrokenField(ls[3].ID)
	shop.AddListing(shopifyfake.Listing{ProductTitle: "=HYPERLINK(\"http://evil\")", SKU: "=1+1", Price: "x"})
	admin, _ := s.SignedIn(t, auth.RoleAdmin)
	admin.Get("/channels/new?kind=shopify")
	chURL := admin.Post("/channels", shopForm(shop, shopifyfake.DefaultAccessToken)).Location
	// Staff cannot connect a channel but sync it and read its reports.
	c, _ := s.SignedIn(t, auth.RoleStaff)
	if page := c.Get(chURL); !strings.Contains(page.Body, `data-testid="sync-now"`) {
		t.Fatal("staff see no Sync now")
	}
	c.Post(chURL+"/sync", nil)

	var run syncrun.Run
	deadline := time.Now().Add(60 * time.Second)
	for {
		runs, _ := s.Store.ListRuns(context.Background(), store.RunFilter{Limit: 1})
		if len(runs) == 1 && runs[0].Status != "running" {
			run = runs[0]
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the sync did not finish within 60 s")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if run.Status != "succeeded" || run.Records != 301 || run.Failed != 2 {
		t.Fatalf("run: %+v", run)
	}
	// The live fragment alone answers an htmx poll.
	c.Header.Set("HX-Request", "true")
	frag := c.Get(chURL)
	c.Header.Del("HX-Request")
	if !strings.HasPrefix(strings.TrimSpace(frag.Body), `<div id="channel-live"`) || strings.Contains(frag.Body, "<nav") {
		t.Fatalf("htmx poll got more than the fragment: %.200s", frag.Body)
	}
	if strings.Contains(frag.Body, "hx-trigger") {
		t.Fatal("a finished run still polls")
	}
	runURL := "/sync-history/" + itoa(run.ID)
	page := c.Get(runURL)
	if !strings.Contains(page.Body, `data-count="failed">2<`) || !strings.Contains(page.Body, "is not a number") {
		t.Fatalf("run page: %.1000s", page.Body)
	}
	report := c.Get(runURL + "/report")
	if report.Status != 200 || strings.Contains(report.Body, "<nav") || !strings.Contains(report.Body, "Sync failure report — Main shop") ||
		!strings.Contains(report.Body, "failures 2") || !strings.Contains(report.Body, "/static/css/report.css") {
		t.Fatalf("report: %d %.600s", report.Status, report.Body)
	}
	csvRes := c.Get(runURL + "/failures.csv")
	if csvRes.Status != 200 || !strings.HasPrefix(csvRes.Header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(csvRes.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("csv: %d %v", csvRes.Status, csvRes.Header)
	}
	lines := strings.Split(strings.TrimSpace(csvRes.Body), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "\ufeffrun,channel,record,sku,listing id,cause") {
		t.Fatalf("csv lines: %q", lines)
	}
	if !strings.Contains(csvRes.Body, `'=HYPERLINK`) || strings.Contains(csvRes.Body, `,=HYPERLINK`) || strings.Contains(csvRes.Body, `",=`) {
		t.Fatalf("a formula cell was not neutralised: %s", csvRes.Body)
	}
	// History filters live in the URL.
	if h := c.Get("/sync-history?status=failed"); !strings.Contains(h.Body, `data-testid="empty-history"`) {
		t.Error("status filter: a succeeded run listed under failed")
	}
	if h := c.Get("/sync-history?status=succeeded&kind=full_catalogue"); !strings.Contains(h.Body, ">"+itoa(run.ID)+"</a>") {
		t.Error("status filter: the run is missing")
	}
	if h := c.Get("/sync-history?from=2000-01-01&to=2000-01-02"); !strings.Contains(h.Body, "No run matches these filters.") {
		t.Error("date filter: an old range is not empty")
	}
	chart := c.Get(chURL)
	if !strings.Contains(chart.Body, `data-testid="runs-chart"`) || !strings.Contains(chart.Body, "<rect") {
		t.Error("no chart of recent runs")
	}
}

func TestNeedsAttentionBanner(t *testing.T) {
	s := webtest.NewServer(t)
	c, _ := s.SignedIn(t, auth.RoleStaff)
	id, err := s.Store.CreateChannel(context.Background(), store.NewChannel{Kind: "shopify", Name: "Old shop", Credentials: []byte{1}, SyncInterval: 15 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	s.Store.SetNeedsAttention(context.Background(), id, "The channel rejected its credentials during a sync: reconnect it.")
	page := c.Get("/channels/" + itoa(id))
	if !strings.Contains(page.Body, `data-testid="needs-attention"`) || !strings.Contains(page.Body, "reconnect it") {
		t.Fatalf("no banner: %.500s", page.Body)
	}
	c.Post("/channels/"+itoa(id)+"/sync", nil)
	if p := c.Get("/channels/" + itoa(id)); !strings.Contains(p.Body, "Reconnect the channel first") {
		t.Error("Sync now on a channel that needs attention gave no reason")
	}
	if r := c.Get("/channels/999999"); r.Status != 404 {
		t.Errorf("unknown channel: %d", r.Status)
	}
	if r := c.Get("/sync-history/abc"); r.Status != 404 {
		t.Errorf("bad run id: %d", r.Status)
	}
}

func itoa(i int64) string { return strconv.FormatInt(i, 10) }

func TestReconnectAfterRejectedCredentials(t *testing.T) {
	s := webtest.NewServer(t)
	shop := shopifyfake.New(shopifyfake.Options{})
	defer shop.Close()
	c, _ := s.SignedIn(t, auth.RoleAdmin)
	c.Get("/channels/new?kind=shopify")
	chURL := c.Post("/channels", shopForm(shop, shopifyfake.DefaultAccessToken)).Location
	id, _ := strconv.ParseInt(strings.TrimPrefix(chURL, "/channels/"), 10, 64)
	s.Store.SetNeedsAttention(context.Background(), id, "The channel rejected its credentials during a sync: reconnect it.")
	page := c.Get(chURL)
	if !strings.Contains(page.Body, `data-testid="reconnect-form"`) {
		t.Fatal("no reconnect form on a channel that needs attention")
	}
	r := c.Post(chURL+"/credentials", url.Values{"cred_shop_url": {shop.URL()}, "cred_access_token": {"shpat_still_wrong"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "rejected the credentials") {
		t.Fatalf("wrong token: %d", r.Status)
	}
	r = c.Post(chURL+"/credentials", url.Values{"cred_shop_url": {shop.URL()}, "cred_access_token": {shopifyfake.DefaultAccessToken}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("reconnect: %d %.300s", r.Status, r.Body)
	}
	ch, _ := s.Store.Channel(context.Background(), id)
	if ch.NeedsAttention != nil {
		t.Fatal("reconnecting did not clear the attention flag")
	}
	if q, _ := s.Store.SyncQueued(context.Background(), id); !q {
		t.Fatal("reconnecting did not queue a sync")
	}
}
