package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	shopifyfake "stocksync/internal/channel/shopify/fake"
	woofake "stocksync/internal/channel/woocommerce/fake"
	"stocksync/internal/channelsync"
	"stocksync/internal/testkit/webtest"
)

// TestFakesDeliverSignedWebhooksTheHandlerAccepts: over real HTTP, each
// fake's delivery of a new (and a cancelled) order carries the headers and
// signature the real handler checks.
func TestFakesDeliverSignedWebhooksTheHandlerAccepts(t *testing.T) {
	s := webtest.NewServer(t)

	shop := shopifyfake.New(shopifyfake.Options{})
	defer shop.Close()
	shop.SetListings([]shopifyfake.Listing{{ProductTitle: "Oak chair", SKU: "OAK-1", Price: "19.50", Quantity: 5}})
	shopID, err := s.Channels.Connect(context.Background(), channelsync.ConnectRequest{Kind: "shopify", Name: "Shop",
		Credentials:  map[string]string{"shop_url": shop.URL(), "access_token": shopifyfake.DefaultAccessToken, "webhook_secret": hookSecret},
		SyncInterval: 15 * time.Minute, FirstSyncDelay: 30 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	shop.SetWebhooks(shopifyfake.Webhook{URL: hookURL(s, "shopify", shopID), Secret: hookSecret})
	variant := shop.Listings()[0].ID
	o, err := shop.AddOrder(shopifyfake.Order{Lines: []shopifyfake.OrderLine{{VariantID: variant, Quantity: 2}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := shop.CancelOrder(o.ID); err != nil {
		t.Fatal(err)
	}
	shop.WaitWebhooks()

	woo := woofake.New(woofake.Options{})
	defer woo.Close()
	chair := woo.AddListing(woofake.Product{Name: "Oak chair", SKU: "OAK-1", Price: "19.50"})
	wooID, err := s.Channels.Connect(context.Background(), channelsync.ConnectRequest{Kind: "woocommerce", Name: "Woo",
		Credentials: map[string]string{"site_url": woo.URL(), "consumer_key": woofake.DefaultConsumerKey,
			"consumer_secret": woofake.DefaultConsumerSecret, "webhook_secret": hookSecret},
		SyncInterval: 15 * time.Minute, FirstSyncDelay: 30 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	woo.SetWebhooks(woofake.Webhook{URL: hookURL(s, "woocommerce", wooID), Secret: hookSecret})
	woo.Ping()
	wo, err := woo.AddOrder(woofake.Order{Lines: []woofake.OrderLine{{ProductID: chair.ID, Quantity: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := woo.SetOrderStatus(wo.ID, "cancelled"); err != nil {
		t.Fatal(err)
	}
	woo.WaitWebhooks()

	for _, d := range append(shop.Deliveries(), woo.Deliveries()...) {
		if d.Err != nil || d.Status != http.StatusOK {
			t.Errorf("%s delivery to %s: %d %v, want 200", d.Topic, d.URL, d.Status, d.Err)
		}
	}
	var topics []string
	if err := s.Store.DB.Select(&topics, `SELECT topic FROM webhook_deliveries ORDER BY channel_id, topic`); err != nil {
		t.Fatal(err)
	}
	want := []string{"orders/cancelled", "orders/create", "order.created", "order.updated"}
	if strings.Join(topics, ",") != strings.Join(want, ",") {
		t.Fatalf("stored topics %v, want %v (the ping is not stored)", topics, want)
	}
	// The wrong secret in a fake is refused like any other.
	woo.SetWebhooks(woofake.Webhook{URL: hookURL(s, "woocommerce", wooID), Secret: "stale"})
	if _, err := woo.AddOrder(woofake.Order{Lines: []woofake.OrderLine{{ProductID: chair.ID, Quantity: 1}}}); err != nil {
		t.Fatal(err)
	}
	woo.WaitWebhooks()
	ds := woo.Deliveries()
	if last := ds[len(ds)-1]; last.Status != http.StatusUnauthorized {
		t.Fatalf("delivery signed with a stale secret: %d, want 401", last.Status)
	}
}
