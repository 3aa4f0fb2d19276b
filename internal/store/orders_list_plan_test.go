package store_test

import (
	"encoding/json"
	"strconv"
	"testing"

	"stocksync/internal/auth"
	"stocksync/internal/inventory"
	"stocksync/internal/store"
	"stocksync/internal/testkit/testdb"
)

// A page of the orders list filtered by marketplace is a prepared
// statement, so PostgreSQL soon runs it with the one plan it keeps for
// every marketplace. Over many orders that plan must cost what a page
// costs: costed for a tenth of the orders (a limit given as a parameter),
// it passed the JIT threshold and every page was compiled, 80 ms each.
func TestOrderListPlanKeptForEveryMarketplaceIsAPage(t *testing.T) {
	st := testdb.New(t)
	ctx := t.Context()
	u, err := st.CreateUser(ctx, "clerk@example.com", auth.RoleStaff, "x")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB.ExecContext(ctx, `INSERT INTO channels (kind, name, credentials) SELECT 'shopify', 'Shop ' || g, '\x01' FROM generate_series(1, 2) g;
		INSERT INTO sales_orders (customer, ordered_on, reference, status, source, channel_id, frozen, external_order_id, created_by)
		SELECT 'C' || g, date '2026-01-01', '', 'open', 'channel', (SELECT min(id) FROM channels) + g % 2, false, 'x' || g, `+
		strconv.FormatInt(u.ID, 10)+` FROM generate_series(1, 200000) g;
		ANALYZE sales_orders`); err != nil {
		t.Fatal(err)
	}
	var ch int64
	if err := st.DB.GetContext(ctx, &ch, `SELECT min(id) FROM channels`); err != nil {
		t.Fatal(err)
	}
	for _, status := range []string{inventory.OrdersNotShipped, inventory.OrdersFrozen, ""} {
		f := inventory.OrderFilter{Marketplace: strconv.FormatInt(ch, 10), Status: status, Limit: 50}
		q, args := store.SalesOrdersQuery(f)
		if len(args) != 1 {
			t.Fatalf("%q: the page has %d parameters, want the marketplace alone", status, len(args))
		}
		conn, err := st.DB.Connx(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var out []byte
		err = conn.QueryRowContext(ctx, `PREPARE page AS `+q+`; SET plan_cache_mode = force_generic_plan;
			EXPLAIN (FORMAT JSON) EXECUTE page(`+strconv.FormatInt(ch, 10)+`)`).Scan(&out)
		if err == nil {
			_, err = conn.ExecContext(ctx, `DEALLOCATE page; RESET plan_cache_mode`)
		}
		conn.Close()
		if err != nil {
			t.Fatal(err)
		}
		var plan []struct {
			Plan struct {
				TotalCost float64 `json:"Total Cost"`
			}
		}
		if err := json.Unmarshal(out, &plan); err != nil {
			t.Fatal(err)
		}
		var jitAbove float64
		if err := st.DB.GetContext(ctx, &jitAbove, `SELECT current_setting('jit_above_cost')::float8`); err != nil {
			t.Fatal(err)
		}
		if plan[0].Plan.TotalCost >= jitAbove {
			t.Errorf("%q: the kept plan costs %.0f, past the JIT threshold %.0f:\n%s", status, plan[0].Plan.TotalCost, jitAbove, out)
		}
	}
}
