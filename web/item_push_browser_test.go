package web_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"stocksync/internal/auth"
	"stocksync/internal/channel"
	shopifyfake "stocksync/internal/channel/shopify/fake"
	woofake "stocksync/internal/channel/woocommerce/fake"
	"stocksync/internal/channelsync"
	"stocksync/internal/inventory"
	"stocksync/internal/testkit/browser"
	"stocksync/internal/testkit/webtest"
)

// An item linked to a Shopify and a WooCommerce listing: stock received
// elsewhere reaches both channels and shows on the open item page without
// reloading it; Push Stock previews what it will send and then shows each
// channel's answer.
func TestBrowserReceivedStockReachesBothChannelsThenPushStock(t *testing.T) {
	s := webtest.NewServer(t, webtest.Options{WorkJobs: true, ChannelOptions: channel.Options{Addresses: channel.AddressPolicy{Sandbox: true}}})
	admin := s.CreateUser(t, "ada@example.com", auth.RoleAdmin, pw)
	ctx := context.Background()
	item, err := s.Store.CreateItem(ctx, inventory.ItemFields{Name: "Mug", SKU: "MUG", Unit: "pcs", OpeningQty: 12}, admin.ID)
	if err != nil {
		t.Fatal(err)
	}
	shop := shopifyfake.New(shopifyfake.Options{})
	t.Cleanup(shop.Close)
	mug := shop.AddListing(shopifyfake.Listing{ProductTitle: "Mug", SKU: "MUG", Price: "8.00", Quantity: 3})
	woo := woofake.New(woofake.Options{})
	t.Cleanup(woo.Close)
	five := 5
	cup := woo.AddListing(woofake.Product{Name: "Mug", SKU: "MUG", Price: "8.00", ManageStock: true, StockQuantity: &five})
	cupID := strconv.Itoa(cup.ID)
	channels := map[string]int64{}
	for name, creds := range map[string]map[string]string{
		"shopify":     {"shop_url": shop.URL(), "access_token": shopifyfake.DefaultAccessToken},
		"woocommerce": {"site_url": woo.URL(), "consumer_key": woofake.DefaultConsumerKey, "consumer_secret": woofake.DefaultConsumerSecret},
	} {
		ch, err := s.Channels.Connect(ctx, channelsync.ConnectRequest{Kind: name, Name: name, Credentials: creds,
			SyncInterval: 15 * time.Minute, FirstSyncDelay: 30 * time.Minute})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Channels.SyncCatalogue(ctx, ch, true, "manual", 0); err != nil {
			t.Fatal(err)
		}
		channels[name] = ch
	}
	shows := func(shopQty, wooQty int) func() bool {
		return func() bool {
			a, _ := shop.Quantity(mug.ID)
			b, _ := woo.Quantity(cupID)
			return a == shopQty && b == wooQty
		}
	}
	waitFor(t, "the syncs' pushes to bring both listings to the item's 12", shows(12, 12))

	b := browser.New(t)
	if err := browser.Login(b, s.URL, "ada@example.com", pw); err != nil {
		t.Fatal(err)
	}
	itemURL := s.URL + "/items/" + strconv.FormatInt(item.ID, 10)
	// listingsShow: both rows of the Sales channels section show qty.
	listingsShow := func(qty string, within time.Duration) chromedp.Action[chromedp.Void] {
		return chromedp.Poll[chromedp.Void](`(() => {
			const cells = [...document.querySelectorAll('[data-testid=item-listing] [data-testid=channel-shows]')];
			return cells.length === 2 && cells.every(c => c.textContent.trim() === '`+qty+`');
		})()`, chromedp.WithPollingTimeout(within))
	}
	receive := func(context.Context, *chromedp.Target) (chromedp.Void, error) {
		var wh int64
		s.Store.DB.Get(&wh, `SELECT min(id) FROM warehouses`)
		_, err := s.Store.CreatePurchaseReceive(ctx, inventory.Receive{Vendor: "Acme", Date: time.Now(),
			Lines: []inventory.Line{{ItemID: item.ID, WarehouseID: wh, Quantity: 8, Rate: inventory.Money(300)}}}, admin.ID)
		return chromedp.Void{}, err
	}
	// The channels' rules change behind the page (no push is asked for):
	// Shopify at most 15, WooCommerce a buffer of 2.
	setRules := func(context.Context, *chromedp.Target) (chromedp.Void, error) {
		if _, err := s.Store.DB.Exec(`UPDATE channels SET push_maximum = 15 WHERE id = $1`, channels["shopify"]); err != nil {
			return chromedp.Void{}, err
		}
		_, err := s.Store.DB.Exec(`UPDATE channels SET push_buffer = 2 WHERE id = $1`, channels["woocommerce"])
		return chromedp.Void{}, err
	}
	rowSays := func(testid, channel, want string) chromedp.Action[chromedp.Void] {
		return chromedp.Poll[chromedp.Void](`[...document.querySelectorAll('[data-testid=push-row]')].some(r =>
			r.cells[0].textContent.trim() === '`+channel+`' && r.querySelector('[data-testid=`+testid+`]').textContent.trim().startsWith('`+want+`'))`,
			chromedp.WithPollingTimeout(15*time.Second))
	}
	mark := chromedp.Evaluate[chromedp.Void](`window.notReloaded = "yes"`)
	markKept := chromedp.Poll[chromedp.Void](`window.notReloaded === "yes"`, chromedp.WithPollingTimeout(time.Second))
	runSteps(t, b, []browserStep{
		{"dashboard", chromedp.WaitVisible(chromedp.CSS(`[data-testid=greeting]`))},
		{"open the item", chromedp.Navigate(itemURL)},
		{"both listings show 12", listingsShow("12", 10*time.Second)},
		{"set the marker", mark},
		{"receive 8 elsewhere", receive},
		{"both listings show 20 within seconds", listingsShow("20", 8*time.Second)},
		{"without a page load", markKept},
		{"the rules change", setRules},
		{"open More", chromedp.Click(chromedp.CSS(`[data-testid=more-menu] summary`))},
		{"choose Push Stock", chromedp.Click(chromedp.CSS(`[data-testid=push-stock]`))},
		{"the preview", chromedp.WaitVisible(chromedp.CSS(`[data-testid=push-preview]`))},
		{"Shopify will send 15", rowSays("will-send", "shopify", "15")},
		{"WooCommerce will send 18", rowSays("will-send", "woocommerce", "18")},
		{"Shopify last showed 20", rowSays("last-showed", "shopify", "20")},
		{"set the marker on the preview", mark},
		{"press Push now", chromedp.Click(chromedp.CSS(`[data-testid=push-now]`))},
		{"Shopify's result", rowSays("push-result", "shopify", "Sent 15 at")},
		{"WooCommerce's result", rowSays("push-result", "woocommerce", "Sent 18 at")},
		{"every channel answered", chromedp.WaitVisible(chromedp.CSS(`[data-testid=push-done]`))},
		{"in place", markKept},
	})
	if !shows(15, 18)() {
		a, _ := shop.Quantity(mug.ID)
		w, _ := woo.Quantity(cupID)
		t.Fatalf("after Push now the channels show %d and %d, want what the preview said: 15 and 18", a, w)
	}
}
