package channelsync_test

import (
	"context"
	"slices"
	"strconv"
	"testing"

	amazonfake "stocksync/internal/channel/amazon/fake"
	"stocksync/internal/inventory"
	"stocksync/internal/store"
)

// An order Amazon fulfils (AFN) is open while Amazon has not shipped it
// and commits nothing; once Amazon reports it Shipped, the next sync ships
// its lines (by Amazon: no stock movement), so it is listed as shipped and
// waiting for its invoice, no longer among the orders to ship or pack. One
// first seen already Shipped comes in shipped. An order the seller ships
// (MFN) is not shipped by Amazon's word that it shipped: it stays open,
// still committing, until packed and shipped here.
func TestAmazonFBAOrdersShippedByAmazonAreShipped(t *testing.T) {
	_, st, seller, id, syncLater := amazonFBAShop(t)
	movements := func() int {
		var n int
		st.DB.Get(&n, `SELECT count(*) FROM stock_movements m JOIN items i ON i.id = m.item_id WHERE i.sku = 'FBA-1'`)
		return n
	}
	lamp, _ := seller.AddOrder(amazonfake.Order{FulfillmentChannel: "AFN", Items: []amazonfake.OrderItem{{SKU: "FBA-1", Quantity: 2}}})
	mine, _ := seller.AddOrder(amazonfake.Order{Items: []amazonfake.OrderItem{{SKU: "MUG-1", Quantity: 1}}})
	syncLater()
	lampStock, lampMoves := stockOf(t, st, "FBA-1"), movements()
	if got := orderStatusOf(t, st, id, lamp.ID); got != inventory.OrderOpen || committedOf(t, st, "FBA-1") != 0 {
		t.Fatalf("Amazon's unshipped order: %s, FBA-1 committed %d; want open, 0", got, committedOf(t, st, "FBA-1"))
	}
	if !slices.Contains(listed(t, st, id, inventory.OrdersNotShipped), lamp.ID) {
		t.Fatalf("Amazon's unshipped order is not listed as not shipped")
	}

	seller.SetOrderStatus(lamp.ID, "Shipped")
	seller.SetOrderStatus(mine.ID, "Shipped") // the seller's own word, not a shipment from our warehouse
	syncLater()
	if got := orderStatusOf(t, st, id, lamp.ID); got != inventory.OrderOpen {
		t.Fatalf("Amazon shipped its order; stored status %s, want open until invoiced", got)
	}
	if got := listed(t, st, id, inventory.OrdersShipped); !slices.Equal(got, []string{lamp.ID}) {
		t.Fatalf("shipped orders listed: %v, want %s", got, lamp.ID)
	}
	for _, filter := range []string{inventory.OrdersNotShipped, inventory.OrdersToPack} {
		if got := listed(t, st, id, filter); !slices.Equal(got, []string{mine.ID}) {
			t.Fatalf("orders listed under %s: %v, want only the seller's %s", filter, got, mine.ID)
		}
	}
	if got := orderStatusOf(t, st, id, mine.ID); got != inventory.OrderOpen || committedOf(t, st, "MUG-1") != 1 {
		t.Fatalf("the seller's order Amazon calls Shipped: %s, MUG-1 committed %d; want open, still committing 1",
			got, committedOf(t, st, "MUG-1"))
	}
	if got := stockOf(t, st, "FBA-1"); got != lampStock || movements() != lampMoves {
		t.Fatalf("FBA-1 stock moved: %s (was %s), %d movements (was %d)", got, lampStock, movements(), lampMoves)
	}

	// An order Amazon had shipped before any sync saw it comes in shipped.
	late, _ := seller.AddOrder(amazonfake.Order{FulfillmentChannel: "AFN", Status: "Shipped", Items: []amazonfake.OrderItem{{SKU: "FBA-1", Quantity: 1}}})
	syncLater()
	if got := listed(t, st, id, inventory.OrdersShipped); !slices.Equal(got, []string{lamp.ID, late.ID}) && !slices.Equal(got, []string{late.ID, lamp.ID}) {
		t.Fatalf("shipped orders listed: %v, want %s and %s", got, lamp.ID, late.ID)
	}
	if got := stockOf(t, st, "FBA-1"); got != lampStock || movements() != lampMoves {
		t.Fatalf("FBA-1 stock moved: %s (was %s), %d movements (was %d)", got, lampStock, movements(), lampMoves)
	}
}

func orderStatusOf(t *testing.T, st *store.Store, channelID int64, number string) string {
	t.Helper()
	var s string
	if err := st.DB.Get(&s, `SELECT status FROM sales_orders WHERE channel_id = $1 AND channel_order_number = $2`, channelID, number); err != nil {
		t.Fatalf("order %s: %v", number, err)
	}
	return s
}

// listed is the channel's order numbers the order list shows under status.
func listed(t *testing.T, st *store.Store, channelID int64, status string) []string {
	t.Helper()
	rows, _, err := st.ListSalesOrders(context.Background(), inventory.OrderFilter{
		Marketplace: strconv.FormatInt(channelID, 10), Status: status, Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		out = append(out, r.ChannelOrderNumber)
	}
	slices.Sort(out)
	return out
}

func stockOf(t *testing.T, st *store.Store, sku string) string {
	t.Helper()
	var s string
	st.DB.Get(&s, `SELECT s.on_hand || '/' || s.committed FROM item_stock s JOIN items i ON i.id = s.item_id WHERE i.sku = $1`, sku)
	return s
}
