package store_test

import (
	"slices"
	"strconv"
	"testing"

	"stocksync/internal/auth"
	"stocksync/internal/inventory"
	"stocksync/internal/testkit/testdb"
)

// derivedFilter is each list status computed from the lines and packages
// at query time, as the list did before the facts were kept on the order:
// the oracle the kept facts must agree with after every kind of write.
var derivedFilter = map[string]string{
	inventory.OrdersNotShipped: "o.status = 'open' AND NOT o.frozen AND NOT EXISTS (SELECT 1 FROM sales_order_lines l WHERE l.order_id = o.id AND l.shipped > 0)",
	inventory.OrdersFrozen:     "o.status = 'open' AND o.frozen",
	inventory.OrdersPartiallyShipped: "o.status = 'open' AND EXISTS (SELECT 1 FROM sales_order_lines l WHERE l.order_id = o.id AND l.shipped > 0)" +
		" AND EXISTS (SELECT 1 FROM sales_order_lines l WHERE l.order_id = o.id AND l.shipped < l.quantity)",
	inventory.OrdersShipped: "o.status IN ('open', 'fulfilled') AND NOT EXISTS (SELECT 1 FROM sales_order_lines l WHERE l.order_id = o.id AND l.shipped < l.quantity)" +
		" AND EXISTS (SELECT 1 FROM sales_order_lines l WHERE l.order_id = o.id AND l.invoiced < l.quantity)",
	inventory.OrdersInvoiced: "o.status IN ('open', 'fulfilled') AND NOT EXISTS (SELECT 1 FROM sales_order_lines l WHERE l.order_id = o.id AND l.invoiced < l.quantity)",
	inventory.OrdersToPack:   "o.status = 'open' AND NOT o.frozen AND EXISTS (SELECT 1 FROM sales_order_lines l WHERE l.order_id = o.id AND l.packed < l.quantity)",
	inventory.OrdersToShip:   "o.status = 'open' AND NOT o.frozen AND EXISTS (SELECT 1 FROM packages p WHERE p.order_id = o.id AND p.status = 'packed')",
	inventory.OrderCancelled: "o.status = 'cancelled'",
	inventory.OrderFulfilled: "o.status = 'fulfilled'",
	"":                       "true",
}

// Every status × marketplace filter of the list returns exactly the orders
// the line-derived definition names, after inserts, updates and deletes of
// lines and packages (sales_order_flags keeps the order's facts), and pages of
// it join up.
func TestOrderListFiltersMatchTheirLines(t *testing.T) {
	st := testdb.New(t)
	ctx := t.Context()
	u, err := st.CreateUser(ctx, "clerk@example.com", auth.RoleStaff, "x")
	if err != nil {
		t.Fatal(err)
	}
	by := strconv.FormatInt(u.ID, 10)
	var ch int64
	for _, q := range []string{
		`INSERT INTO channels (kind, name, credentials) SELECT 'shopify', 'Shop ' || g, '\x01' FROM generate_series(1, 2) g`,
		`INSERT INTO items (name, sku) SELECT 'Item ' || g, 'IT-' || g FROM generate_series(1, 5) g`,
		`INSERT INTO sales_orders (customer, ordered_on, reference, status, source, channel_id, frozen, external_order_id, created_by)
		SELECT 'C' || g, date '2026-01-01', '', CASE WHEN g % 9 = 4 THEN 'cancelled' WHEN g % 7 = 2 THEN 'fulfilled' ELSE 'open' END,
			CASE WHEN g % 3 = 0 THEN 'manual' ELSE 'channel' END,
			CASE WHEN g % 3 = 0 THEN NULL ELSE (SELECT min(id) FROM channels) + g % 2 END,
			g % 11 = 5, CASE WHEN g % 3 = 0 THEN NULL ELSE 'x' || g END, ` + by + `
		FROM generate_series(1, 300) g`,
		// line states cycle through nothing done, packed, part shipped,
		// shipped, shipped and invoiced, invoiced only
		`INSERT INTO sales_order_lines (order_id, line_no, item_id, warehouse_id, quantity, rate, packed, shipped, invoiced)
		SELECT o.id, n, (SELECT min(id) FROM items) + n, (SELECT min(id) FROM warehouses), 4, 1,
			(ARRAY[0, 4, 4, 4, 4, 0])[1 + (o.id * 5 + n * 3) % 6],
			(ARRAY[0, 0, 2, 4, 4, 0])[1 + (o.id * 5 + n * 3) % 6],
			(ARRAY[0, 0, 0, 0, 4, 4])[1 + (o.id * 5 + n * 3) % 6]
		FROM sales_orders o, generate_series(1, 1 + o.id::int % 3) n`,
		`INSERT INTO packages (order_id, status, created_by) SELECT id, CASE WHEN id % 8 = 1 THEN 'packed' ELSE 'shipped' END, ` + by + `
			FROM sales_orders WHERE id % 4 = 1`,
		// later writes: ship and invoice some lines, drop others, ship packages
		`UPDATE sales_order_lines SET packed = quantity, shipped = quantity WHERE id % 5 = 0`,
		`UPDATE sales_order_lines SET invoiced = quantity WHERE id % 7 = 0`,
		`DELETE FROM sales_order_lines WHERE id % 13 = 0`,
		`UPDATE packages SET status = 'shipped' WHERE id % 3 = 0`,
		`DELETE FROM packages WHERE id % 5 = 0`,
		// what every writer of lines and packages does for its orders
		`SELECT sales_order_flags(array_agg(id)) FROM sales_orders`,
	} {
		if _, err := st.DB.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := st.DB.GetContext(ctx, &ch, `SELECT min(id) FROM channels`); err != nil {
		t.Fatal(err)
	}
	markets := map[string]string{"": "true", "manual": "o.channel_id IS NULL", strconv.FormatInt(ch, 10): "o.channel_id = " + strconv.FormatInt(ch, 10)}
	for status, pred := range derivedFilter {
		for m, mpred := range markets {
			var want []int64
			if err := st.DB.SelectContext(ctx, &want, `SELECT o.id FROM sales_orders o WHERE `+pred+` AND `+mpred+` ORDER BY o.id DESC`); err != nil {
				t.Fatal(err)
			}
			var got []int64
			f := inventory.OrderFilter{Marketplace: m, Status: status, Limit: 7}
			for {
				rows, next, err := st.ListSalesOrders(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range rows {
					got = append(got, r.ID)
				}
				if next == 0 {
					break
				}
				f.Before = next
			}
			if !slices.Equal(got, want) {
				t.Errorf("status %q marketplace %q: got %v, want %v", status, m, got, want)
			}
			if m == "" && len(want) == 0 {
				t.Errorf("status %q matches no order: the fixture does not exercise it", status)
			}
		}
	}
}
