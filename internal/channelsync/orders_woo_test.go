package channelsync_test

import (
	"context"
	"testing"
	"time"

	woofake "stocksync/internal/channel/woocommerce/fake"
	"stocksync/internal/channelsync"
)

// WooCommerce orders come in through the same import: the buyer's billing
// name, a variation's line by "product/variation", refunded is cancelled.
func TestWooCommerceOrdersImport(t *testing.T) {
	svc, st := newService(t)
	woo := woofake.New(woofake.Options{})
	defer woo.Close()
	qty := 10
	p := woo.AddListing(woofake.Product{Name: "Mug", SKU: "MUG-1", Price: "8.50", ManageStock: true, StockQuantity: &qty})
	seedItems(t, st, "MUG-1")
	ctx := context.Background()
	ch, err := svc.Connect(ctx, channelsync.ConnectRequest{Kind: "woocommerce", Name: "Woo",
		Credentials:  map[string]string{"site_url": woo.URL(), "consumer_key": woofake.DefaultConsumerKey, "consumer_secret": woofake.DefaultConsumerSecret},
		SyncInterval: 15 * time.Minute, FirstSyncDelay: 30 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	kept, err := woo.AddOrder(woofake.Order{Customer: "Ann Shopper", Lines: []woofake.OrderLine{{ProductID: p.ID, Quantity: 2}}})
	if err != nil {
		t.Fatal(err)
	}
	refunded, err := woo.AddOrder(woofake.Order{Status: "refunded", Lines: []woofake.OrderLine{{ProductID: p.ID, Quantity: 5}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SyncCatalogue(ctx, ch, true, "manual", 0); err != nil {
		t.Fatal(err)
	}
	var rows []struct {
		Number   string `db:"channel_order_number"`
		Customer string `db:"customer"`
		Status   string `db:"status"`
	}
	st.DB.Select(&rows, `SELECT channel_order_number, customer, status FROM sales_orders WHERE channel_id = $1 ORDER BY id`, ch)
	if len(rows) != 2 || rows[0].Customer != "Ann Shopper" || rows[0].Status != "open" || rows[1].Status != "cancelled" ||
		rows[0].Number != kept.Number || rows[1].Number != refunded.Number {
		t.Fatalf("orders: %+v", rows)
	}
	var committed int64
	st.DB.Get(&committed, `SELECT s.committed FROM item_stock s JOIN items i ON i.id = s.item_id WHERE i.sku = 'MUG-1'`)
	if committed != 2 {
		t.Fatalf("committed %d, want 2 (the refunded order commits nothing)", committed)
	}
}
