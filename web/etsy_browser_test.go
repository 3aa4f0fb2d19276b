package web_test

import (
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"stocksync/internal/auth"
	"stocksync/internal/inventory"
	"stocksync/internal/sandbox"
	"stocksync/internal/testkit/browser"
	"stocksync/internal/testkit/webtest"
)

// TestBrowserSandboxEtsy: connect Sandbox Etsy from its preset (the
// refresh token filled in by the server), sync it, confirm one of the
// products of a listing with variations, receive stock of the new item,
// and see Etsy show it, the listing's other products kept.
func TestBrowserSandboxEtsy(t *testing.T) {
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
		{"choose Sandbox Etsy", chromedp.Click(chromedp.CSS(`[data-testid=sandbox-presets] a[href*="sandbox-etsy"]`))},
		{"the filled-in form", chromedp.WaitVisible(chromedp.CSS(`form[data-htmx-powered][data-testid=connect-form] input[name=cred_keystring]`))},
		{"Connect with Etsy is offered", chromedp.WaitVisible(chromedp.CSS(`[data-testid=oauth-connect]`))},
		{"the form at rest", atRest},
		{"press Connect", chromedp.Click(chromedp.CSS(`[data-testid=connect]`))},
		{"the channel page", chromedp.WaitVisible(chromedp.CSS(`form[data-htmx-powered] [data-testid=sync-now]`))},
		{"the page at rest", atRest},
		{"press Sync now", chromedp.Click(chromedp.CSS(`form[data-htmx-powered] [data-testid=sync-now]`))},
		{"the run succeeds", chromedp.WaitVisible(chromedp.CSS(`#run-progress[data-status=succeeded]`))},
		{"the beanies", chromedp.Navigate(s.URL + "/channel-items?q=Beanie+2")},
		{"open the medium one", chromedp.Click(chromedp.CSS(`[data-testid=channel-items-table] tbody tr a[href^="/channel-items/"]`), chromedp.NodeVisible)},
		{"its page", chromedp.WaitVisible(chromedp.CSS(`[data-testid=listing-name]`))},
		{"confirm it", chromedp.Click(chromedp.CSS(`form[data-htmx-powered] [data-testid=confirm]`), chromedp.NodeVisible)},
		{"linked", chromedp.WaitVisible(chromedp.CSS(`#settle [data-testid=linked]`))},
	})
	name, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('[data-testid=listing-name]').textContent`))
	if !strings.HasPrefix(name, "Etsy Hand-knitted Beanie 2 - ") {
		t.Fatalf("confirmed %q, want a size of beanie 2", name)
	}
	var linked, items int
	s.Store.DB.Get(&linked, `SELECT count(*) FROM channel_items ci JOIN channels c ON c.id = ci.channel_id
		WHERE c.kind = 'etsy' AND ci.item_id IS NOT NULL`)
	s.Store.DB.Get(&items, `SELECT count(*) FROM items WHERE sku LIKE 'ETSY-BNE-2-%'`)
	// 40 listings share a demo item's SKU; the confirmed beanie is the 41st.
	if linked != 41 || items != 1 {
		t.Fatalf("%d Etsy listings linked, %d beanie items", linked, items)
	}
	var listing struct {
		Item int64  `db:"item_id"`
		Key  string `db:"external_id"`
	}
	if err := s.Store.DB.Get(&listing, `SELECT item_id, external_id FROM channel_items WHERE sku LIKE 'ETSY-BNE-2-%' AND item_id IS NOT NULL`); err != nil {
		t.Fatal(err)
	}
	var wh int64
	s.Store.DB.Get(&wh, `SELECT min(id) FROM warehouses`)
	if _, err := s.Store.CreatePurchaseReceive(t.Context(), inventory.Receive{Vendor: "Acme", Date: time.Now(),
		Lines: []inventory.Line{{ItemID: listing.Item, WarehouseID: wh, Quantity: 7, Rate: inventory.Money(100)}}}, admin.ID); err != nil {
		t.Fatal(err)
	}
	var want int
	s.Store.DB.Get(&want, `SELECT available FROM item_stock WHERE item_id = $1`, listing.Item)
	deadline := time.Now().Add(20 * time.Second)
	for {
		if q, _ := sb.Etsy.Quantity(listing.Key); q == want && want >= 7 {
			break
		}
		if time.Now().After(deadline) {
			q, _ := sb.Etsy.Quantity(listing.Key)
			var perr *string
			s.Store.DB.Get(&perr, `SELECT push_error FROM channel_items WHERE external_id = $1`, listing.Key)
			t.Fatalf("Etsy shows %d, want %d after the receive (push error %v)", q, want, perr)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if d := sb.Etsy.DeletedProducts(); len(d) != 0 {
		t.Fatalf("the push deleted products of the listing: %v", d)
	}
}
