package store_test

import (
	"errors"
	"testing"
	"time"

	"stocksync/internal/inventory"
)

// An order its channel fulfils from its own stock (Amazon FBA) commits
// none of ours: not on import, not when a waiting line is settled, not on
// a newer copy; a cancellation releases nothing; it is never packed or
// shipped here, and an invoice takes nothing off our stock.
func TestAnOrderFulfilledByItsChannelCommitsNothingAndIsNeverShipped(t *testing.T) {
	f, mug := newByChannelFixture(t)
	ctx := t.Context()
	gift := f.item("Gift box", "", true)
	stock := func(item int64) (onHand, committed int64) {
		t.Helper()
		ws, err := f.st.ItemStock(ctx, item)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range ws {
			onHand, committed = onHand+w.OnHand, committed+w.Committed
		}
		checkLedger(t, f.st)
		return onHand, committed
	}
	at := time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC)
	afn := inventory.OnlineOrder{ExternalID: "o1", Number: "#1", Customer: "C", CreatedAt: at, UpdatedAt: at, FulfilledByChannel: true,
		Lines: []inventory.OnlineOrderLine{{ExternalID: "1", ListingExternalID: "m", Quantity: 2, Rate: 900},
			{ExternalID: "2", ListingExternalID: "g", Quantity: 1, Rate: 400}}}
	res, err := f.st.ImportOnlineOrders(ctx, f.ch, []inventory.OnlineOrder{afn})
	if err != nil || len(res.OrderIDs) != 1 {
		t.Fatalf("import: %+v %v", res, err)
	}
	id := res.OrderIDs[0]
	o, _ := f.st.SalesOrder(ctx, id)
	if !o.FulfilledByChannel || !o.Frozen {
		t.Fatalf("order: by channel %v, frozen %v; want both (an unconfirmed line freezes any order)", o.FulfilledByChannel, o.Frozen)
	}
	var marked bool
	var shown int
	f.st.DB.QueryRow(`SELECT stock_push_pending, pushed_quantity FROM channel_items WHERE id = $1`, f.listingID("m")).Scan(&marked, &shown)
	if oh, c := stock(mug); oh != 10 || c != 0 || marked || shown != 10 {
		t.Fatalf("after import: mug on hand %d, committed %d, push marked %v, shown %d; want 10, 0, false, 10", oh, c, marked, shown)
	}

	// The same copy again is skipped; a newer one replaces the lines and
	// still commits nothing.
	if res, err := f.st.ImportOnlineOrders(ctx, f.ch, []inventory.OnlineOrder{afn}); err != nil || res.Skipped != 1 {
		t.Fatalf("re-import: %+v %v", res, err)
	}
	afn.UpdatedAt = at.Add(time.Hour)
	afn.Lines[0].Quantity = 3
	if res, err := f.st.ImportOnlineOrders(ctx, f.ch, []inventory.OnlineOrder{afn}); err != nil || res.Imported != 1 {
		t.Fatalf("newer copy: %+v %v", res, err)
	}
	if _, c := stock(mug); c != 0 {
		t.Fatalf("a newer copy committed %d", c)
	}

	// Settling the waiting listing unfreezes it and commits nothing; it
	// is not listed as to be packed.
	if err := f.st.LinkListing(ctx, f.listingID("g"), gift, f.user); err != nil {
		t.Fatal(err)
	}
	o, _ = f.st.SalesOrder(ctx, id)
	toPack, _, err := f.st.ListSalesOrders(ctx, inventory.OrderFilter{Status: inventory.OrdersToPack, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if _, c := stock(gift); o.Frozen || c != 0 || len(toPack) != 0 {
		t.Fatalf("after settling: frozen %v, gift committed %d, %d orders to pack", o.Frozen, c, len(toPack))
	}

	// Never packed or shipped here, and nothing written; invoicing is
	// allowed, takes nothing off our stock, and completes the order.
	if _, err := f.st.PackSalesOrder(ctx, id, qty(o.Lines[0].ID, 1), true, f.user); !errors.Is(err, inventory.ErrFulfilledByChannel) {
		t.Fatalf("pack: %v", err)
	}
	var packages int
	f.st.DB.Get(&packages, `SELECT count(*) FROM packages WHERE order_id = $1`, id)
	if packages != 0 {
		t.Fatalf("%d packages written", packages)
	}
	typed := map[int64]string{o.Lines[0].ID: "3", o.Lines[1].ID: "1"}
	if _, err := f.st.InvoiceSalesOrder(ctx, id, typed, f.user); err != nil {
		t.Fatal(err)
	}
	o, _ = f.st.SalesOrder(ctx, id)
	if oh, c := stock(mug); oh != 10 || c != 0 || o.Status != inventory.OrderFulfilled {
		t.Fatalf("after invoice: mug %d/%d, status %s; want 10/0, fulfilled", oh, c, o.Status)
	}

	// Cancellation, on the channel or by a person, releases nothing, while
	// an order we ship commits as before.
	mfn := inventory.OnlineOrder{ExternalID: "o2", Number: "#2", Customer: "D", CreatedAt: at, UpdatedAt: at,
		Lines: []inventory.OnlineOrderLine{{ExternalID: "1", ListingExternalID: "m", Quantity: 4, Rate: 900}}}
	afn2 := inventory.OnlineOrder{ExternalID: "o3", Number: "#3", Customer: "E", CreatedAt: at, UpdatedAt: at, FulfilledByChannel: true,
		Lines: []inventory.OnlineOrderLine{{ExternalID: "1", ListingExternalID: "m", Quantity: 2, Rate: 900}}}
	afn3 := afn2
	afn3.ExternalID, afn3.Number = "o4", "#4"
	res, err = f.st.ImportOnlineOrders(ctx, f.ch, []inventory.OnlineOrder{mfn, afn2, afn3})
	if err != nil || len(res.OrderIDs) != 3 {
		t.Fatalf("import: %+v %v", res, err)
	}
	if _, c := stock(mug); c != 4 {
		t.Fatalf("mug committed %d, want the 4 of the order we ship", c)
	}
	afn2.UpdatedAt, afn2.Cancelled = at.Add(time.Hour), true
	if _, err := f.st.ImportOnlineOrders(ctx, f.ch, []inventory.OnlineOrder{afn2}); err != nil {
		t.Fatal(err)
	}
	var byPerson int64
	f.st.DB.Get(&byPerson, `SELECT id FROM sales_orders WHERE external_order_id = 'o4'`)
	if err := f.st.CancelSalesOrder(ctx, byPerson, f.user); err != nil {
		t.Fatal(err)
	}
	var cancelled int
	f.st.DB.Get(&cancelled, `SELECT count(*) FROM sales_orders WHERE external_order_id IN ('o3', 'o4') AND status = 'cancelled'`)
	if oh, c := stock(mug); oh != 10 || c != 4 || cancelled != 2 {
		t.Fatalf("after cancelling both: mug %d/%d, %d cancelled; want 10/4, 2", oh, c, cancelled)
	}
}

// newByChannelFixture is a channel selling listing m (MUG-1), linked to
// the item mug with 10 on hand, which the channel shows as pushed, and
// listing g (GIFT-1), unconfirmed.
func newByChannelFixture(t *testing.T) (f *settleFixture, mug int64) {
	t.Helper()
	f = newSettleFixture(t, qtyListing("m", "MUG-1", "Mug", "9.00", 5), qtyListing("g", "GIFT-1", "Gift box", "4.00", 2))
	ctx := t.Context()
	mug = f.item("Mug", "", true)
	if err := f.st.LinkListing(ctx, f.listingID("m"), mug, f.user); err != nil {
		t.Fatal(err)
	}
	var wh int64
	f.st.DB.Get(&wh, `SELECT min(id) FROM warehouses`)
	if _, err := f.st.CreateAdjustment(ctx, inventory.Adjustment{Reason: "Stock count", Date: time.Now(),
		Lines: []inventory.Line{{ItemID: mug, WarehouseID: wh, Quantity: 10}}}, f.user); err != nil {
		t.Fatal(err)
	}
	f.st.DB.MustExec(`UPDATE channel_items SET pushed_quantity = 10, stock_push_pending = false WHERE channel_id = $1`, f.ch)
	return f, mug
}
