package store_test

import (
	"testing"
	"time"

	"stocksync/internal/inventory"
)

// An order its channel fulfils (FBA) that the channel reports shipped has
// its lines shipped, whether first seen so or a newer copy of a stored
// open one (even one partly invoiced), with no stock movement and nothing
// lowered of what the channel shows; it stays open, listed as shipped and
// not invoiced, until it is invoiced, as an order we ship does. An older
// copy changes nothing, cancelled stays cancelled, and an order we ship is
// not touched by the flag.
func TestAnOrderShippedByItsChannelHasItsLinesShipped(t *testing.T) {
	f, mug := newByChannelFixture(t)
	ctx := t.Context()
	// mug is on hand/committed, its movements and what the channel shows.
	state := func() [4]int64 {
		t.Helper()
		checkLedger(t, f.st)
		var s [4]int64
		f.st.DB.QueryRow(`SELECT on_hand, committed FROM item_stock WHERE item_id = $1`, mug).Scan(&s[0], &s[1])
		f.st.DB.Get(&s[2], `SELECT count(*) FROM stock_movements`)
		f.st.DB.Get(&s[3], `SELECT pushed_quantity FROM channel_items WHERE id = $1`, f.listingID("m"))
		return s
	}
	type orderRow struct {
		Status     string    `db:"status"`
		Frozen     bool      `db:"frozen"`
		AllShipped bool      `db:"all_shipped"`
		Unshipped  int64     `db:"unshipped"`
		Updated    time.Time `db:"updated_at"`
	}
	order := func(ext string) orderRow {
		t.Helper()
		var r orderRow
		if err := f.st.DB.Get(&r, `SELECT o.status, o.frozen, o.all_shipped, o.updated_at,
			(SELECT COALESCE(sum(l.quantity - l.shipped), 0) FROM sales_order_lines l WHERE l.order_id = o.id) AS unshipped
			FROM sales_orders o WHERE o.channel_id = $1 AND o.external_order_id = $2`, f.ch, ext); err != nil {
			t.Fatalf("order %s: %v", ext, err)
		}
		return r
	}
	importing := func(orders ...inventory.OnlineOrder) {
		t.Helper()
		if _, err := f.st.ImportOnlineOrders(ctx, f.ch, orders); err != nil {
			t.Fatal(err)
		}
	}
	at := time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC)
	fba := func(ext string, lines ...inventory.OnlineOrderLine) inventory.OnlineOrder {
		return inventory.OnlineOrder{ExternalID: ext, Number: "#" + ext, Customer: "C", CreatedAt: at, UpdatedAt: at,
			FulfilledByChannel: true, Lines: lines}
	}
	mugLine := inventory.OnlineOrderLine{ExternalID: "1", ListingExternalID: "m", Quantity: 2, Rate: 900}
	giftLine := inventory.OnlineOrderLine{ExternalID: "2", ListingExternalID: "g", Quantity: 1, Rate: 400}
	before := state()

	// First seen shipped, with a line of an unconfirmed listing: shipped,
	// open, and frozen until that listing is settled (it cannot be invoiced).
	first := fba("first", mugLine, giftLine)
	first.ShippedByChannel = true
	importing(first)
	if r := order("first"); r.Status != inventory.OrderOpen || !r.Frozen || !r.AllShipped || r.Unshipped != 0 {
		t.Fatalf("an order first seen shipped by its channel: %+v; want open, frozen, all shipped", r)
	}

	// Stored open; a copy as old saying shipped changes nothing, a newer one
	// ships its lines.
	later := fba("later", mugLine)
	importing(later)
	opened := order("later")
	if opened.Status != inventory.OrderOpen || opened.AllShipped || opened.Unshipped != 2 {
		t.Fatalf("an unshipped order: %+v; want open, nothing shipped", opened)
	}
	later.ShippedByChannel = true
	importing(later)
	if r := order("later"); r != opened {
		t.Fatalf("a copy no newer changed the order: %+v, was %+v", r, opened)
	}
	later.UpdatedAt = at.Add(time.Hour)
	importing(later)
	if r := order("later"); r.Status != inventory.OrderOpen || !r.AllShipped || r.Unshipped != 0 || !r.Updated.After(opened.Updated) {
		t.Fatalf("a newer copy shipped by the channel: %+v (was %+v); want open, all shipped, updated", r, opened)
	}

	// Partly invoiced here, then shipped by the channel: its lines kept and
	// shipped; invoiced in full, it is fulfilled.
	begun := fba("begun", mugLine)
	importing(begun)
	var begunID, begunLine int64
	f.st.DB.QueryRow(`SELECT o.id, l.id FROM sales_orders o JOIN sales_order_lines l ON l.order_id = o.id
		WHERE o.external_order_id = 'begun'`).Scan(&begunID, &begunLine)
	if _, err := f.st.InvoiceSalesOrder(ctx, begunID, map[int64]string{begunLine: "1"}, f.user); err != nil {
		t.Fatal(err)
	}
	begun.UpdatedAt, begun.ShippedByChannel = at.Add(time.Hour), true
	importing(begun)
	var invoiced int64
	f.st.DB.Get(&invoiced, `SELECT invoiced FROM sales_order_lines WHERE id = $1`, begunLine)
	if r := order("begun"); r.Status != inventory.OrderOpen || !r.AllShipped || invoiced != 1 {
		t.Fatalf("a partly invoiced order shipped by the channel: %+v, line invoiced %d; want open, all shipped, 1", r, invoiced)
	}
	if _, err := f.st.InvoiceSalesOrder(ctx, begunID, map[int64]string{begunLine: "1"}, f.user); err != nil {
		t.Fatal(err)
	}
	if r := order("begun"); r.Status != inventory.OrderFulfilled {
		t.Fatalf("shipped by the channel and invoiced in full: %+v; want fulfilled", r)
	}
	if after := state(); after != before {
		t.Fatalf("mug on hand, committed, movements, shown: %v, was %v", after, before)
	}

	// Cancelled and shipped is cancelled; our own order is not the channel's to ship.
	gone := fba("gone", mugLine)
	gone.Cancelled, gone.ShippedByChannel = true, true
	ours := inventory.OnlineOrder{ExternalID: "ours", Number: "#ours", Customer: "D", CreatedAt: at, UpdatedAt: at,
		ShippedByChannel: true, Lines: []inventory.OnlineOrderLine{mugLine}}
	importing(gone, ours)
	if g, o := order("gone"), order("ours"); g.Status != inventory.OrderCancelled || o.Status != inventory.OrderOpen || o.Unshipped != 2 {
		t.Fatalf("cancelled: %+v, ours: %+v; want cancelled, and ours open with nothing shipped", g, o)
	}
	if s := state(); s[1] != 2 {
		t.Fatalf("mug committed %d, want the 2 of the order we ship", s[1])
	}
}
