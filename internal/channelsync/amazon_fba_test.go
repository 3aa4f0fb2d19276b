package channelsync_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	amazonfake "stocksync/internal/channel/amazon/fake"
	"stocksync/internal/channelsync"
	"stocksync/internal/inventory"
	"stocksync/internal/store"
)

// Orders Amazon fulfils from its own warehouses (FulfillmentChannel AFN)
// commit none of our stock and mark nothing for a push, whether their
// listing is FBA or not (the order decides); an order the seller ships
// (MFN) commits as before; re-imports and Amazon's cancellation change
// nothing of our stock.
func TestAmazonFBAOrdersCommitNothingAndMerchantOrdersCommit(t *testing.T) {
	ctx := context.Background()
	svc, st, seller, id, syncLater := amazonFBAShop(t)
	if err := svc.Push(ctx, id, "change", 0); err != nil {
		t.Fatal(err)
	}
	state := func() string {
		t.Helper()
		var rows []string
		st.DB.Select(&rows, `SELECT i.sku || ' ' || s.on_hand || '/' || s.committed FROM item_stock s JOIN items i ON i.id = s.item_id ORDER BY i.sku`)
		var marked, shown string
		st.DB.Get(&marked, `SELECT COALESCE(string_agg(sku, ',' ORDER BY sku), '') FROM channel_items WHERE channel_id = $1 AND stock_push_pending`, id)
		st.DB.Get(&shown, `SELECT COALESCE(pushed_quantity::text, '-') FROM channel_items WHERE channel_id = $1 AND sku = 'MUG-1'`, id)
		return strings.Join(rows, " ") + " marked[" + marked + "] mug shown " + shown
	}
	if got := state(); got != "FBA-1 10/0 MUG-1 10/0 marked[] mug shown 10" {
		t.Fatalf("before any order: %s", got)
	}
	before := state()

	lamp, _ := seller.AddOrder(amazonfake.Order{FulfillmentChannel: "AFN", Items: []amazonfake.OrderItem{{SKU: "FBA-1", Quantity: 2}}})
	// The listing is the seller's own, but Amazon shipped this order.
	mugAFN, _ := seller.AddOrder(amazonfake.Order{FulfillmentChannel: "AFN", Items: []amazonfake.OrderItem{{SKU: "MUG-1", Quantity: 1}}})
	syncLater()
	var byChannel []string
	st.DB.Select(&byChannel, `SELECT channel_order_number FROM sales_orders WHERE channel_id = $1 AND fulfilled_by_channel ORDER BY channel_order_number`, id)
	want := []string{lamp.ID, mugAFN.ID}
	slices.Sort(want)
	if !slices.Equal(byChannel, want) {
		t.Fatalf("orders stored as fulfilled by the channel: %v", byChannel)
	}
	if got := state(); got != before {
		t.Fatalf("Amazon's own orders changed our stock or marked a push:\n got %s\nwant %s", got, before)
	}

	// The seller's own order commits and marks the mug for a push.
	mine, _ := seller.AddOrder(amazonfake.Order{Items: []amazonfake.OrderItem{{SKU: "MUG-1", Quantity: 3}}})
	syncLater()
	if got := state(); got != "FBA-1 10/0 MUG-1 10/3 marked[MUG-1] mug shown 7" {
		t.Fatalf("after the seller's order %s: %s", mine.ID, got)
	}

	// Amazon ships and cancels its own: re-imported, still nothing of ours.
	seller.SetOrderStatus(lamp.ID, "Shipped")
	seller.SetOrderStatus(mugAFN.ID, "Canceled")
	syncLater()
	var orders, cancelled int
	st.DB.Get(&orders, `SELECT count(*) FROM sales_orders WHERE channel_id = $1`, id)
	st.DB.Get(&cancelled, `SELECT count(*) FROM sales_orders WHERE channel_id = $1 AND status = 'cancelled'`, id)
	if orders != 3 || cancelled != 1 || committedOf(t, st, "MUG-1") != 3 || committedOf(t, st, "FBA-1") != 0 {
		t.Fatalf("after Amazon's changes: %d orders, %d cancelled, %s", orders, cancelled, state())
	}
}

// amazonFBAShop is an Amazon channel, its catalogue synced, selling MUG-1
// and FBA-1 (10 on hand each), and syncLater, which syncs again once
// Amazon's order index (two minutes behind) shows what changed.
func amazonFBAShop(t *testing.T) (*channelsync.Service, *store.Store, *amazonfake.Server, int64, func()) {
	t.Helper()
	svc, st := newService(t)
	seller := amazonSeller(t, amazonfake.Options{Fast: true})
	ctx := context.Background()
	u, err := st.CreateUser(ctx, "clerk@example.com", "staff", "x")
	if err != nil {
		t.Fatal(err)
	}
	for _, sku := range []string{"MUG-1", "FBA-1"} {
		if _, err := st.CreateItem(ctx, inventory.ItemFields{Name: "Item " + sku, SKU: sku, Unit: "pcs", OpeningQty: 10}, u.ID); err != nil {
			t.Fatal(err)
		}
	}
	id := connectAmazon(t, svc, seller)
	if _, err := svc.SyncCatalogue(ctx, id, true, "manual", 0); err != nil {
		t.Fatal(err)
	}
	syncLater := func() {
		t.Helper()
		clock.Sleep(ctx, 3*time.Minute)
		if _, err := svc.SyncCatalogue(ctx, id, false, "schedule", 0); err != nil {
			t.Fatal(err)
		}
	}
	return svc, st, seller, id, syncLater
}
