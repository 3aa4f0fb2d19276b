package web_test

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"stocksync/internal/auth"
	"stocksync/internal/inventory"
	"stocksync/internal/sandbox"
	"stocksync/internal/testkit/browser"
	"stocksync/internal/testkit/webtest"
)

// TestBrowserSandboxEbay: connect Sandbox eBay from its preset, sync, read
// the run's counts, confirm a listing nobody had, receive stock of it, and
// see the push bring eBay's quantity there.
func TestBrowserSandboxEbay(t *testing.T) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	sb, err := sandbox.Start(quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	s := webtest.NewServer(t, webtest.Options{WorkJobs: true, Presets: sb.Presets})
	admin := s.CreateUser(t, "ada@example.com", auth.RoleAdmin, pw)
	if err := sandbox.SeedDemoItems(t.Context(), s.Store, quiet); err != nil {
		t.Fatal(err)
	}
	ctx := browser.New(t)
	if err := browser.Login(ctx, s.URL, "ada@example.com", pw); err != nil {
		t.Fatal(err)
	}
	atRest := chromedp.Poll[chromedp.Void](`window.scrollY === 0 &&
		!document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')`)
	runSteps(t, ctx, []browserStep{
		{"dashboard", chromedp.WaitVisible(chromedp.CSS(`[data-testid=greeting]`))},
		{"open Connect", chromedp.Navigate(s.URL + "/channels/new")},
		{"choose Sandbox eBay", chromedp.Click(chromedp.CSS(`[data-testid=sandbox-presets] a[href*="sandbox-ebay"]`))},
		{"the filled-in form", chromedp.WaitVisible(chromedp.CSS(`form[data-htmx-powered][data-testid=connect-form] input[name=cred_client_id]`))},
		{"the form at rest", atRest},
		{"press Connect", chromedp.Click(chromedp.CSS(`[data-testid=connect]`))},
		{"the channel page", chromedp.WaitVisible(chromedp.CSS(`form[data-htmx-powered] [data-testid=sync-now]`))},
		{"the page at rest", atRest},
		{"press Sync now", chromedp.Click(chromedp.CSS(`form[data-htmx-powered] [data-testid=sync-now]`))},
		{"the run succeeds", chromedp.WaitVisible(chromedp.CSS(`#run-progress[data-status=succeeded]`))},
		{"Sync now is enabled again", chromedp.WaitVisible(chromedp.CSS(`form[data-htmx-powered] [data-testid=sync-now]:not([disabled])`))},
	})
	// The page follows the latest run, which may be the push the links
	// started; the sync's own counts are in its run.
	var run struct {
		Records int `db:"records"`
		Failed  int `db:"failed"`
		Synced  int `db:"synced"`
	}
	if err := s.Store.DB.Get(&run, `SELECT records, failed, synced FROM sync_runs WHERE kind = 'full_catalogue'`); err != nil ||
		run.Records != 103 || run.Failed != 3 || run.Synced != 60 {
		t.Fatalf("sync run %+v (%v)", run, err)
	}
	var listing int64
	if err := s.Store.DB.Get(&listing, `SELECT id FROM channel_items WHERE external_id = 'EBAY_US:EB-NEW-001'`); err != nil {
		t.Fatal(err)
	}
	runSteps(t, ctx, []browserStep{
		{"open an unconfirmed eBay listing", chromedp.Navigate(s.URL + path(listing, ""))},
		{"confirm it", chromedp.Click(chromedp.CSS(`form[data-htmx-powered] [data-testid=confirm]`), chromedp.NodeVisible)},
		{"linked", chromedp.WaitVisible(chromedp.CSS(`#settle [data-testid=linked]`))},
	})
	var item, wh int64
	if err := s.Store.DB.Get(&item, `SELECT item_id FROM channel_items WHERE id = $1`, listing); err != nil {
		t.Fatal(err)
	}
	s.Store.DB.Get(&wh, `SELECT min(id) FROM warehouses`)
	if _, err := s.Store.CreatePurchaseReceive(t.Context(), inventory.Receive{Vendor: "Acme", Date: time.Now(),
		Lines: []inventory.Line{{ItemID: item, WarehouseID: wh, Quantity: 7, Rate: inventory.Money(100)}}}, admin.ID); err != nil {
		t.Fatal(err)
	}
	// The seeded order of this listing, unfrozen by the confirmation,
	// commits a unit: eBay is sent what is available.
	var want int
	s.Store.DB.Get(&want, `SELECT available FROM item_stock WHERE item_id = $1`, item)
	deadline := time.Now().Add(20 * time.Second)
	for {
		q, _ := sb.Ebay.Quantity("EB-NEW-001", "EBAY_US")
		if q == want && want == 6 {
			break
		}
		if time.Now().After(deadline) {
			var perr *string
			s.Store.DB.Get(&perr, `SELECT push_error FROM channel_items WHERE id = $1`, listing)
			t.Fatalf("eBay shows %d, want %d (7 received, 1 on an order) after the receive (push error %v)", q, want, perr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
