package channelsync_test

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	shopifyfake "stocksync/internal/channel/shopify/fake"
)

// A channel's first order import is one bulk export of its orders, not
// pages of the orders query: every order arrives with exactly its lines
// (more orders than one import chunk), the cursor is set, and exporting
// again changes nothing (no order, line or commitment twice).
func TestFirstOrderImportIsABulkExport(t *testing.T) {
	f := newOrderShop(t)
	ctx := context.Background()
	const n = 600
	for i := range n {
		lines := []shopifyfake.OrderLine{{VariantID: f.mug.ID, Quantity: 1 + i%3}}
		if i%2 == 0 {
			lines = append(lines, shopifyfake.OrderLine{VariantID: f.pot.ID, Quantity: 1})
		}
		if i%5 == 0 {
			lines = append(lines, shopifyfake.OrderLine{Name: "Gift wrap", Quantity: 1, Price: "2.00"})
		}
		f.addOrder(lines...)
	}
	before := len(f.shop.Calls())
	runID, err := f.svc.SyncCatalogue(ctx, f.ch, true, "manual", 0)
	if err != nil {
		t.Fatal(err)
	}
	if run, _ := f.st.Run(ctx, runID); run.Status != "succeeded" {
		t.Fatalf("sync: %+v", run)
	}
	var exports, pages int
	for _, c := range f.shop.Calls()[before:] {
		switch {
		case c.Operation == "orders" || c.Operation == "order":
			pages++
		case c.Operation == "bulkOperationRunQuery":
			exports++
		}
	}
	if exports == 0 || pages != 0 {
		t.Fatalf("%d exports, %d calls reading orders; want the orders exported, none paged", exports, pages)
	}
	check := func(when string) {
		t.Helper()
		if got := f.orderCount(); got != n {
			t.Fatalf("%s: %d orders stored, want %d", when, got, n)
		}
		for _, o := range f.shop.Orders() {
			got := f.order(o.ID)
			var want, have []string
			for _, l := range o.Lines {
				want = append(want, l.SKU+"×"+strconv.Itoa(l.Quantity))
			}
			for _, l := range got.Lines {
				have = append(have, l.SKU+"×"+strconv.Itoa(int(l.Quantity)))
			}
			if !slices.Equal(have, want) || got.Number != o.Name {
				t.Fatalf("%s: order %s stored as %s %v, want %s %v", when, o.ID, got.Number, have, o.Name, want)
			}
		}
	}
	check("first import")
	var imported int
	var since *time.Time
	f.st.DB.Get(&imported, `SELECT orders FROM sync_runs WHERE id = $1`, runID)
	f.st.DB.Get(&since, `SELECT orders_since FROM channels WHERE id = $1`, f.ch)
	if imported != n || since == nil {
		t.Fatalf("run counted %d orders, cursor %v", imported, since)
	}
	mug, _ := f.committed(f.mugItem)
	pot, _ := f.committed(f.potItem)
	if pot != n/2 || mug != 2*n {
		t.Fatalf("committed mug %d pot %d, want %d and %d", mug, pot, 2*n, n/2)
	}
	f.sync() // clears the cursor: a second full export of the same orders
	check("second export")
	mug2, _ := f.committed(f.mugItem)
	pot2, _ := f.committed(f.potItem)
	var lines int
	f.st.DB.Get(&lines, `SELECT count(*) FROM sales_order_lines l JOIN sales_orders o ON o.id = l.order_id WHERE o.channel_id = $1`, f.ch)
	if mug2 != mug || pot2 != pot || lines != n+n/2+n/5 {
		t.Fatalf("after a second export: committed mug %d pot %d, %d lines", mug2, pot2, lines)
	}
}

// With a cursor, a sync counts the changed orders first: a backlog of a
// thousand or more is exported (only the orders after the cursor), fewer
// are paged.
func TestOrderBacklogIsExportedAndAFewArePaged(t *testing.T) {
	f := newOrderShop(t)
	ctx := context.Background()
	f.sync() // the catalogue's first import is an export of its own
	for range 1000 {
		f.addOrder(shopifyfake.OrderLine{VariantID: f.mug.ID, Quantity: 1})
	}
	old := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	syncFrom := func(cursor time.Time) (exports, pages, counts int) {
		t.Helper()
		f.st.DB.MustExec(`UPDATE channels SET orders_since = $2 WHERE id = $1`, f.ch, cursor)
		before := len(f.shop.Calls())
		runID, err := f.svc.SyncCatalogue(ctx, f.ch, false, "manual", 0)
		if err != nil {
			t.Fatal(err)
		}
		if run, _ := f.st.Run(ctx, runID); run.Status != "succeeded" {
			t.Fatalf("sync: %+v", run)
		}
		for _, c := range f.shop.Calls()[before:] {
			switch c.Operation {
			case "orders":
				pages++
			case "ordersCount":
				counts++
			case "bulkOperationRunQuery":
				exports++
			}
		}
		var since time.Time
		f.st.DB.Get(&since, `SELECT orders_since FROM channels WHERE id = $1`, f.ch)
		if since.Equal(cursor) { // it moves to the run's start (the fake's clock runs apart)
			t.Fatalf("cursor left at %v", cursor)
		}
		return exports, pages, counts
	}
	if e, p, c := syncFrom(old); e != 1 || p != 0 || c != 1 {
		t.Fatalf("backlog of 1000: %d exports, %d pages, %d counts", e, p, c)
	}
	if n := f.orderCount(); n != 1000 {
		t.Fatalf("%d orders after the backlog export", n)
	}
	// Only orders after the cursor are exported or paged: one newer order.
	last := f.shop.Orders()[999].UpdatedAt
	if _, err := f.shop.AddOrder(shopifyfake.Order{CreatedAt: last.Add(time.Hour),
		Lines: []shopifyfake.OrderLine{{VariantID: f.pot.ID, Quantity: 2}}}); err != nil {
		t.Fatal(err)
	}
	if e, p, c := syncFrom(last.Add(30 * time.Minute)); e != 0 || p != 1 || c != 1 {
		t.Fatalf("one new order: %d exports, %d pages, %d counts", e, p, c)
	}
	if n := f.orderCount(); n != 1001 {
		t.Fatalf("%d orders after the page", n)
	}
}
