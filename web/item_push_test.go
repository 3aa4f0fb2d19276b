package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"stocksync/internal/auth"
	"stocksync/internal/channel"
	shopifyfake "stocksync/internal/channel/shopify/fake"
	"stocksync/internal/channelsync"
	"stocksync/internal/testkit/webtest"
)

// pushShop is a Shopify fake connected to a server that works jobs, with
// the item MUG linked to its listing by SKU.
func pushShop(t *testing.T) (*webtest.Server, *webtest.Client, *shopifyfake.Server, shopifyfake.Listing, string) {
	t.Helper()
	s := webtest.NewServer(t, webtest.Options{WorkJobs: true, ChannelOptions: channel.Options{Addresses: channel.AddressPolicy{Sandbox: true}}})
	c, _ := s.SignedIn(t, auth.RoleAdmin)
	shop := shopifyfake.New(shopifyfake.Options{})
	t.Cleanup(shop.Close)
	mug := shop.AddListing(shopifyfake.Listing{ProductTitle: "Mug", SKU: "MUG", Price: "8.00", Quantity: 3})
	itemPath := createItem(t, c, url.Values{"name": {"Mug"}, "sku": {"MUG"}, "opening_qty": {"12"}})
	ch, err := s.Channels.Connect(context.Background(), channelsync.ConnectRequest{Kind: "shopify", Name: "Shop",
		Credentials:  map[string]string{"shop_url": shop.URL(), "access_token": shopifyfake.DefaultAccessToken},
		SyncInterval: 15 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Channels.SyncCatalogue(context.Background(), ch, true, "manual", 0); err != nil {
		t.Fatal(err)
	}
	return s, c, shop, mug, itemPath
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("waited 15 s for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestPushStockPreviewThenPushSendsWhatItShowed(t *testing.T) {
	s, c, shop, mug, itemPath := pushShop(t)
	// The sync's own push brings the listing to the item's 12.
	waitFor(t, "the sync's push", func() bool { q, _ := shop.Quantity(mug.ID); return q == 12 })
	s.Store.DB.MustExec(`UPDATE channels SET push_buffer = 2, push_maximum = 9`)
	shop.SetQuantity(mug.ID, 1)

	item := c.Get(itemPath)
	mustContain(t, "item page", item.Body, `data-testid="more-menu"`, `data-testid="push-stock"`, `data-testid="item-listings"`)
	preview := c.Get(itemPath + "/push")
	mustContain(t, "preview", preview.Body, `data-testid="push-preview"`, "buffer 2, at most 9", `data-testid="push-now"`)
	willSend := regexp.MustCompile(`data-testid="will-send">(\d+)<`).FindStringSubmatch(preview.Body)
	if willSend == nil || willSend[1] != "9" {
		t.Fatalf("preview will send %v, want 9 (12 less 2, at most 9)", willSend)
	}
	r := c.Post(itemPath+"/push", url.Values{})
	if r.Status != http.StatusSeeOther || r.Location != itemPath+"/push/results" {
		t.Fatalf("push now without JavaScript: %d to %q", r.Status, r.Location)
	}
	waitFor(t, "the push", func() bool {
		q, _ := shop.Quantity(mug.ID)
		if q != 9 {
			var rows []string
			s.Store.DB.Select(&rows, `SELECT kind || ' ' || state || ' ' || COALESCE(errors::text, '') FROM river_job ORDER BY id`)
			var st []string
			s.Store.DB.Select(&st, `SELECT format('%s pending=%s sending=%s err=%s retry=%s q=%s pushed=%s', id, stock_push_pending, push_sending, push_error, push_retry_at, quantity, pushed_quantity) FROM channel_items`)
			t.Logf("jobs %v listings %v", rows, st)
		}
		return q == 9
	})
	waitFor(t, "the results page to say every channel answered", func() bool {
		return strings.Contains(c.Get(itemPath+"/push/results").Body, `data-testid="push-done"`)
	})
	mustContain(t, "results", c.Get(itemPath+"/push/results").Body, "Sent 9 at")
	// Sync history lists it as a stock push.
	mustContain(t, "history", c.Get("/sync-history?kind=stock").Body, "Stock push")
}

func TestPushStockOfAnItemWithoutListings(t *testing.T) {
	s := webtest.NewServer(t)
	c, _ := s.SignedIn(t, auth.RoleStaff)
	itemPath := createItem(t, c, url.Values{"name": {"Lonely"}, "sku": {"LON"}, "opening_qty": {"1"}})
	p := c.Get(itemPath + "/push")
	mustContain(t, "empty preview", p.Body, `data-testid="push-empty"`)
	if strings.Contains(p.Body, `data-testid="push-now"`) {
		t.Fatal("Push now is offered with nothing to push")
	}
	if r := c.Get("/items/999999/push"); r.Status != http.StatusNotFound {
		t.Fatalf("push page of a missing item: %d", r.Status)
	}
}

func TestChannelPageRuleAndDrift(t *testing.T) {
	s, c, shop, mug, _ := pushShop(t)
	waitFor(t, "the sync's push", func() bool { q, _ := shop.Quantity(mug.ID); return q == 12 })
	var ch int64
	s.Store.DB.Get(&ch, `SELECT id FROM channels`)
	page := "/channels/" + strconv.FormatInt(ch, 10)
	mustContain(t, "channel page", c.Get(page).Body, `data-testid="push-rules"`, `data-testid="push-queue"`, `data-testid="no-drift"`)

	// A bad rule is refused beside its field; a good one is pushed at once.
	if r := c.Post(page+"/push-rules", url.Values{"push_buffer": {"-3"}, "push_maximum": {"lots"}}); r.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, "Enter a whole number from 0") || !strings.Contains(r.Body, "leave it blank for no maximum") {
		t.Fatalf("bad rule: %d", r.Status)
	}
	if r := c.Post(page+"/push-rules", url.Values{"push_buffer": {"2"}, "push_maximum": {""}}); r.Status != http.StatusSeeOther {
		t.Fatalf("rule: %d", r.Status)
	}
	waitFor(t, "the rule's push", func() bool { q, _ := shop.Quantity(mug.ID); return q == 10 })

	// Someone edits stock in the shop: the next sync flags it; overwriting sends ours again.
	shop.SetQuantity(mug.ID, 40)
	if _, err := s.Channels.SyncCatalogue(context.Background(), ch, true, "manual", 0); err != nil {
		t.Fatal(err)
	}
	body := c.Get(page).Body
	mustContain(t, "drift", body, `data-testid="drifted-listing"`, `data-testid="confirm-overwrite"`)
	if r := c.Post(page+"/drift/overwrite", url.Values{}); r.Status != http.StatusSeeOther {
		t.Fatalf("overwrite: %d", r.Status)
	}
	waitFor(t, "the overwrite", func() bool { q, _ := shop.Quantity(mug.ID); return q == 10 })
	waitFor(t, "the drift to clear", func() bool { return strings.Contains(c.Get(page).Body, `data-testid="no-drift"`) })

	// Staff may overwrite but not change the rule.
	staff, _ := s.SignedIn(t, auth.RoleStaff)
	staff.Get(page)
	if r := staff.Post(page+"/push-rules", url.Values{"push_buffer": {"0"}}); r.Status != http.StatusForbidden {
		t.Fatalf("staff changed the rule: %d", r.Status)
	}
}
