package web_test

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"stocksync/internal/auth"
	shopifyfake "stocksync/internal/channel/shopify/fake"
	"stocksync/internal/channelsync"
	"stocksync/internal/testkit/webtest"
)

// TestWebhookOrderIsImportedOnce: a new order on the channel reaches its
// page by webhook alone (no sync runs), through the import polling uses;
// the same delivery sent again imports nothing more.
func TestWebhookOrderIsImportedOnce(t *testing.T) {
	s := webtest.NewServer(t, webtest.Options{WorkJobs: true})
	shop := shopifyfake.New(shopifyfake.Options{})
	defer shop.Close()
	shop.SetListings([]shopifyfake.Listing{{ProductTitle: "Oak chair", SKU: "OAK-1", Price: "19.50", Quantity: 5}})
	id, err := s.Channels.Connect(context.Background(), channelsync.ConnectRequest{Kind: "shopify", Name: "Shop",
		Credentials:  map[string]string{"shop_url": shop.URL(), "access_token": shopifyfake.DefaultAccessToken, "webhook_secret": hookSecret},
		SyncInterval: 15 * time.Minute, FirstSyncDelay: 30 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	shop.SetWebhooks(shopifyfake.Webhook{URL: hookURL(s, "shopify", id), Secret: hookSecret})
	o, err := shop.AddOrder(shopifyfake.Order{Lines: []shopifyfake.OrderLine{{VariantID: shop.Listings()[0].ID, Quantity: 2}}})
	if err != nil {
		t.Fatal(err)
	}
	shop.WaitWebhooks()
	var orderID int64
	deadline := time.Now().Add(20 * time.Second)
	for orderID == 0 {
		s.Store.DB.Get(&orderID, `SELECT id FROM sales_orders WHERE channel_id = $1 AND external_order_id = $2`, id, o.ID)
		if orderID == 0 && time.Now().After(deadline) {
			var e *string
			s.Store.DB.Get(&e, `SELECT error FROM webhook_deliveries WHERE channel_id = $1`, id)
			t.Fatalf("the order did not arrive by webhook; delivery error: %v", deref(e))
		}
		time.Sleep(50 * time.Millisecond)
	}
	var lines, qty int
	s.Store.DB.Get(&lines, `SELECT count(*) FROM sales_order_lines WHERE order_id = $1`, orderID)
	s.Store.DB.Get(&qty, `SELECT COALESCE(sum(quantity), 0) FROM sales_order_lines WHERE order_id = $1`, orderID)
	if lines != 1 || qty != 2 {
		t.Fatalf("order lines %d, quantity %d; want 1 line of 2", lines, qty)
	}
	c, _ := s.SignedIn(t, auth.RoleStaff)
	if r := c.Get("/sales-orders/" + strconv.FormatInt(orderID, 10)); r.Status != http.StatusOK || !bytes.Contains([]byte(r.Body), []byte(o.Name)) {
		t.Fatalf("order page: %d", r.Status)
	}
	// The same delivery again (a channel's retry): one order still.
	d := shop.Deliveries()[0]
	var body []byte
	s.Store.DB.Get(&body, `SELECT body FROM webhook_deliveries WHERE channel_id = $1`, id)
	req, _ := http.NewRequest(http.MethodPost, d.URL, bytes.NewReader(body))
	req.Header = d.Header
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("repeat: %v %v", res, err)
	}
	res.Body.Close()
	if n := countRows(t, s, `SELECT count(*) FROM sales_orders WHERE channel_id = $1`, id); n != 1 {
		t.Fatalf("%d orders after a repeated delivery, want 1", n)
	}
}

func deref(s *string) string {
	if s == nil {
		return "none"
	}
	return *s
}
