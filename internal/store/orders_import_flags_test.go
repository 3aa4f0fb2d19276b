package store_test

import (
	"testing"
	"time"

	"stocksync/internal/inventory"
)

// New orders are stored with their list flags and frozen flag already
// set, so each is written once, not corrected by the line triggers and the
// freeze afterwards; the flags are those the lines give, as the triggers
// compute them.
func TestImportedOrdersCarryTheFlagsTheirLinesGive(t *testing.T) {
	f := newSettleFixture(t, qtyListing("m", "MUG-1", "Mug", "9.00", 5), qtyListing("g", "GIFT-1", "Gift box", "4.00", 2))
	ctx := t.Context()
	mug := f.item("Mug", "", true)
	if err := f.st.LinkListing(ctx, f.listingID("m"), mug, f.user); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC)
	line := func(listing string, q int64) inventory.OnlineOrderLine {
		return inventory.OnlineOrderLine{ExternalID: listing + "-line", ListingExternalID: listing, Quantity: q, Rate: 900}
	}
	order := func(ext string, cancelled bool, lines ...inventory.OnlineOrderLine) inventory.OnlineOrder {
		return inventory.OnlineOrder{ExternalID: ext, Number: "#" + ext, Customer: "C", CreatedAt: at, UpdatedAt: at,
			Cancelled: cancelled, Lines: lines}
	}
	orders := []inventory.OnlineOrder{
		order("linked", false, line("m", 2)),
		order("waiting", false, line("m", 1), line("g", 1)),
		order("cancelled-waiting", true, line("g", 1)),
	}
	f.st.DB.MustExec(`CREATE TABLE order_rewrites (id bigint)`)
	f.st.DB.MustExec(`CREATE FUNCTION count_order_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN INSERT INTO order_rewrites VALUES (NEW.id); RETURN NEW; END $$`)
	f.st.DB.MustExec(`CREATE TRIGGER count_order_rewrite BEFORE UPDATE ON sales_orders FOR EACH ROW EXECUTE FUNCTION count_order_rewrite()`)
	if _, err := f.st.ImportOnlineOrders(ctx, f.ch, orders); err != nil {
		t.Fatal(err)
	}
	var rewrites int
	f.st.DB.Get(&rewrites, `SELECT count(*) FROM order_rewrites`)
	if rewrites != 0 {
		t.Errorf("new orders were written again %d times after their insert", rewrites)
	}
	var rows []struct {
		Ext    string `db:"external_order_id"`
		Stored string `db:"stored"`
		Lines  string `db:"from_lines"`
	}
	if err := f.st.DB.Select(&rows, `SELECT o.external_order_id,
			concat_ws(' ', o.frozen, o.any_shipped, o.all_shipped, o.all_invoiced, o.any_to_pack) AS stored,
			concat_ws(' ', o.status = 'open' AND coalesce(bool_or(l.id IS NOT NULL AND l.item_id IS NULL), false),
				coalesce(bool_or(l.shipped > 0), false), coalesce(bool_and(l.shipped >= l.quantity), true),
				coalesce(bool_and(l.invoiced >= l.quantity), true), coalesce(bool_or(l.packed < l.quantity), false)) AS from_lines
		FROM sales_orders o LEFT JOIN sales_order_lines l ON l.order_id = o.id
		WHERE o.channel_id = $1 GROUP BY o.id ORDER BY o.external_order_id`, f.ch); err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(orders) {
		t.Fatalf("%d orders stored, want %d", len(rows), len(orders))
	}
	for _, r := range rows {
		if r.Stored != r.Lines {
			t.Errorf("order %s: frozen, any shipped, all shipped, all invoiced, any to pack = %s; its lines give %s", r.Ext, r.Stored, r.Lines)
		}
	}
	var frozen int
	f.st.DB.Get(&frozen, `SELECT count(*) FROM sales_orders WHERE channel_id = $1 AND frozen`, f.ch)
	if frozen != 1 {
		t.Fatalf("%d frozen orders, want 1 (the open order waiting on the unconfirmed listing)", frozen)
	}
}
