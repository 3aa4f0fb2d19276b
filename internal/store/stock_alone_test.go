package store_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"stocksync/internal/inventory"
	"stocksync/internal/store"
)

// A package decided on an order read a moment before another person packed
// it is decided again on the order as it is: the second packer is told how
// much is left, and nothing is packed twice.
func TestAPackDecidedOnAnOutdatedOrderIsDecidedAgain(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	it := f.item("Lamp", "LMP")
	f.receive(it.ID, 10)
	o := f.order(it.ID, 4)
	line := o.Lines[0].ID
	_, err := f.st.PackWithChangeBetween(ctx, o.ID, qty(line, 3), f.user, func() {
		if _, err := f.st.PackSalesOrder(ctx, o.ID, qty(line, 2), false, f.user); err != nil {
			t.Errorf("the other person's package: %v", err)
		}
	})
	var invalid *inventory.InvalidError
	if !errors.As(err, &invalid) {
		t.Fatalf("packing 3 of the 2 units left: %v, want the form's error", err)
	}
	got, err := f.st.SalesOrder(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Lines[0].Packed != 2 || len(got.Packages) != 1 {
		t.Fatalf("packed %d in %d packages; want 2 in 1 (the other person's)", got.Lines[0].Packed, len(got.Packages))
	}
	// Read unchanged, the same call packs.
	if _, err := f.st.PackWithChangeBetween(ctx, o.ID, qty(line, 2), f.user, func() {}); err != nil {
		t.Fatal(err)
	}
	if got, _ = f.st.SalesOrder(ctx, o.ID); got.Lines[0].Packed != 4 {
		t.Fatalf("packed %d, want 4", got.Lines[0].Packed)
	}
	f.want(it.ID, 10, 4)
}

// A document on an item with a tracked listing marks the listing for the
// push every time; it enqueues the channel's push only when none is queued
// (the document is then written in a transaction with the job), and
// commits on its own when one is.
func TestADocumentMarksListingsAndEnqueuesOnlyAMissingPush(t *testing.T) {
	f := newSettleFixture(t, qtyListing("m", "MUG-1", "Mug", "9.00", 5))
	ctx := t.Context()
	mug := f.item("Mug", "", true)
	listing := f.listingID("m")
	if err := f.st.LinkListing(ctx, listing, mug, f.user); err != nil {
		t.Fatal(err)
	}
	var enqueued []int64
	f.st.SetPushEnqueuer(func(ctx context.Context, tx *sqlx.Tx, channelIDs []int64, trigger string) error {
		enqueued = append(enqueued, channelIDs...)
		return nil
	})
	ws, err := f.st.WarehouseChoices(ctx)
	if err != nil {
		t.Fatal(err)
	}
	receive := func() {
		t.Helper()
		f.st.DB.MustExec(`UPDATE channel_items SET stock_push_pending = false WHERE id = $1`, listing)
		if _, err := f.st.CreatePurchaseReceive(ctx, inventory.Receive{Vendor: "Acme", Date: time.Now(),
			Lines: []inventory.Line{{ItemID: mug, WarehouseID: ws[0].ID, Quantity: 3, Rate: 100}}}, f.user); err != nil {
			t.Fatal(err)
		}
		if !f.linkOf(listing).Push {
			t.Fatal("the receive left the listing unmarked")
		}
	}
	f.st.DB.MustExec(`DELETE FROM push_wakeups`)
	receive()
	if !slices.Equal(enqueued, []int64{f.ch}) {
		t.Fatalf("enqueued %v with no push queued; want the channel's push", enqueued)
	}
	receive() // its push is queued now
	if len(enqueued) != 1 {
		t.Fatalf("enqueued %v while the channel's push was queued; want it once", enqueued)
	}
	var onHand int64
	if err := f.st.DB.Get(&onHand, `SELECT on_hand FROM item_stock WHERE item_id = $1`, mug); err != nil || onHand != 6 {
		t.Fatalf("on hand %d (%v), want 6", onHand, err)
	}
}

// Every document of an order leaves the list's facts (any shipped, all
// shipped, all invoiced, any to pack, a packed package) as its lines and
// packages give them.
func TestOrderDocumentsKeepTheListFacts(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	it := f.item("Chair", "CH")
	f.receive(it.ID, 20)
	o := f.order(it.ID, 4)
	cancelled := f.order(it.ID, 1)
	line := o.Lines[0].ID
	steps := []struct {
		name string
		do   func() error
	}{
		{"pack 1", func() error { _, err := f.st.PackSalesOrder(ctx, o.ID, qty(line, 1), false, f.user); return err }},
		{"pack and ship 2", func() error { _, err := f.st.PackSalesOrder(ctx, o.ID, qty(line, 2), true, f.user); return err }},
		{"invoice 4", func() error { _, err := f.st.InvoiceSalesOrder(ctx, o.ID, qty(line, 4), f.user); return err }},
		{"ship the first package", func() error {
			got, err := f.st.SalesOrder(ctx, o.ID)
			if err != nil {
				return err
			}
			return f.st.ShipPackage(ctx, o.ID, got.Packages[0].ID, f.user)
		}},
		{"pack and ship the last", func() error { _, err := f.st.PackSalesOrder(ctx, o.ID, qty(line, 1), true, f.user); return err }},
		{"cancel another", func() error { return f.st.CancelSalesOrder(ctx, cancelled.ID, f.user) }},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		var wrong []string
		if err := f.st.DB.Select(&wrong, `SELECT format('order %s: stored %s, its lines give %s', id, stored, derived) FROM (
			SELECT o.id, concat_ws(' ', o.any_shipped, o.all_shipped, o.all_invoiced, o.any_to_pack, o.any_packed_package) AS stored,
				concat_ws(' ', coalesce(bool_or(l.shipped > 0), false), coalesce(bool_and(l.shipped >= l.quantity), true),
					coalesce(bool_and(l.invoiced >= l.quantity), true), coalesce(bool_or(l.packed < l.quantity), false),
					EXISTS (SELECT 1 FROM packages p WHERE p.order_id = o.id AND p.status = 'packed')) AS derived
			FROM sales_orders o LEFT JOIN sales_order_lines l ON l.order_id = o.id GROUP BY o.id) x
			WHERE stored <> derived`); err != nil {
			t.Fatal(err)
		}
		if len(wrong) > 0 {
			t.Fatalf("after %s: %v", s.name, wrong)
		}
	}
	got, err := f.st.SalesOrder(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != inventory.OrderFulfilled {
		t.Fatalf("status %q after shipping and invoicing every unit", got.Status)
	}
	f.want(it.ID, 16, 0)
}

// A document naming a warehouse that does not exist (a hostile or broken
// form) is refused as such and writes nothing, alone or in a transaction;
// users and warehouses, which documents name without a foreign key, are
// never deleted.
func TestDocumentsNameOnlyWarehousesThatExistAndThoseStay(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	it := f.item("Desk", "DSK")
	line := []inventory.Line{{ItemID: it.ID, WarehouseID: f.wh + 1000, Quantity: 2, Rate: 100}}
	if _, err := f.st.CreatePurchaseReceive(ctx, inventory.Receive{Vendor: "Acme", Date: time.Now(), Lines: line}, f.user); !errors.Is(err, store.ErrNoWarehouse) {
		t.Fatalf("receive into no warehouse: %v, want ErrNoWarehouse", err)
	}
	f.st.SetAvailabilityHook(func(context.Context, *sqlx.Tx, []int64) error { return nil }) // in a transaction
	if _, err := f.st.CreateSalesOrder(ctx, inventory.Order{Customer: "Bea", Date: time.Now(), Lines: line}, f.user); !errors.Is(err, store.ErrNoWarehouse) {
		t.Fatalf("order from no warehouse: %v, want ErrNoWarehouse", err)
	}
	var written int
	if err := f.st.DB.Get(&written, `SELECT (SELECT count(*) FROM purchase_receives) + (SELECT count(*) FROM sales_orders)
		+ (SELECT count(*) FROM stock_movements WHERE doc_kind <> 'opening')`); err != nil || written != 0 {
		t.Fatalf("%d rows written by refused documents (%v)", written, err)
	}
	f.want(it.ID, 0, 0)
	for _, q := range []string{`DELETE FROM warehouses`, `DELETE FROM users`, `TRUNCATE warehouses CASCADE`, `TRUNCATE users CASCADE`} {
		if _, err := f.st.DB.Exec(q); err == nil || !strings.Contains(err.Error(), "never deleted") {
			t.Errorf("%s: %v, want it refused", q, err)
		}
	}
}
