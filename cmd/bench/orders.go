package main

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"strconv"
	"time"

	"github.com/lib/pq"

	"stocksync/internal/channel"
	shopifyfake "stocksync/internal/channel/shopify/fake"
)

// benchOrdersImport imports orders of 3 lines each from a Sandbox Shopify
// over loopback HTTP, through the real client and the sync's order import,
// the fake charging Shopify's query costs at the Plus plan's rate (1,000
// points a second restored, as benchSync assumes). Two thirds of the
// listings link to items, so most lines commit stock. BENCH_ORDERS sets
// how many orders (100,000 by default; the figure is named after it).
// The orders arrive after the channel's first sync, so the sync counts a
// backlog and exports it in bulk; the export takes the modelled time of a
// real one (shopifyfake.ModelledExport, as benchSync: a 10 s queue, then
// 1,000 objects a second, an order and each of its lines being one), which
// is reported beside the figure with the rest, our download and import.
func benchOrdersImport(ctx context.Context, env *benchEnv) error {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("BENCH_ORDERS")); err == nil && v > 0 {
		n = v
	}
	st, _, err := env.newStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	opts := shopifyfake.ModelledExport(shopifyfake.Options{RestoreRate: 1000, MaximumAvailable: 20000})
	shop := shopifyfake.New(opts)
	defer shop.Close()
	shop.Generate(3000, 7)
	listings := shop.Listings()
	var skus []string
	for i, l := range listings {
		if i%3 != 0 && l.SKU != "" {
			skus = append(skus, l.SKU)
		}
	}
	if _, err := st.DB.ExecContext(ctx, `INSERT INTO items (name, sku, opening_qty)
		SELECT 'Bench ' || s, s, 0 FROM unnest($1::text[]) AS s ON CONFLICT DO NOTHING`, pq.Array(skus)); err != nil {
		return err
	}
	svc, err := sandboxService(st, make([]byte, 32), channel.Options{})
	if err != nil {
		return err
	}
	id, err := connectSandbox(ctx, svc, "shopify", "Sandbox Shopify",
		map[string]string{"shop_url": shop.URL(), "access_token": shopifyfake.DefaultAccessToken})
	if err != nil {
		return err
	}
	if _, err := svc.SyncCatalogue(ctx, id, true, "manual", 0); err != nil {
		return err
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	for range n {
		lines := make([]shopifyfake.OrderLine, 3)
		for j := range lines {
			lines[j] = shopifyfake.OrderLine{VariantID: listings[rnd.IntN(len(listings))].ID, Quantity: 1 + rnd.IntN(3)}
		}
		if _, err := shop.AddOrder(shopifyfake.Order{Customer: "Bench buyer", Lines: lines}); err != nil {
			return err
		}
	}
	calls := len(shop.Calls())
	start := time.Now()
	runID, err := svc.SyncCatalogue(ctx, id, false, "manual", 0)
	if err != nil {
		return err
	}
	took := time.Since(start)
	var imported, stored int
	if err := st.DB.GetContext(ctx, &imported, `SELECT orders FROM sync_runs WHERE id = $1`, runID); err != nil {
		return err
	}
	if err := st.DB.GetContext(ctx, &stored, `SELECT count(*) FROM sales_orders WHERE channel_id = $1`, id); err != nil {
		return err
	}
	if imported != n || stored != n {
		return fmt.Errorf("imported %d, stored %d orders; want %d", imported, stored, n)
	}
	name := "orders_import_100k_s"
	if n != 100_000 {
		name = "orders_import_" + strconv.Itoa(n) + "_s"
	}
	export := opts.ExportDuration(4 * n)
	report(name, took.Seconds(), "s")
	report(name[:len(name)-2]+"_modelled_export_s", export.Seconds(), "s")
	report(name[:len(name)-2]+"_download_and_import_s", (took - export).Seconds(), "s")
	report("orders_import_calls", float64(len(shop.Calls())-calls), "calls")
	return nil
}

const listOrders = 1_000_000

// benchOrdersList: /sales-orders filtered by marketplace and status over
// 1,000,000 orders of 3 lines (a quarter manual, the rest spread over three
// channels, 2% frozen, a fifth shipped, some cancelled), at 20 keep-alive
// clients over loopback against the real server, signed in.
func benchOrdersList(ctx context.Context, env *benchEnv) error {
	dbURL, db, userID, err := env.newDatabaseWithUser(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	seedStart := time.Now()
	if err := seedOrders(ctx, db, userID); err != nil {
		return err
	}
	report("orders_seed_s", time.Since(seedStart).Seconds(), "s")
	var ch int64
	if err := db.QueryRowContext(ctx, `SELECT min(id) FROM channels`).Scan(&ch); err != nil {
		return err
	}
	srv, cookie, err := env.startSignedIn(ctx, dbURL)
	if err != nil {
		return err
	}
	defer srv.Stop()
	c := strconv.FormatInt(ch, 10)
	pages := []struct{ name, path string }{
		{"orders_list", "/sales-orders?marketplace=" + c + "&status=open"},
		{"orders_list_frozen", "/sales-orders?marketplace=" + c + "&status=frozen"},
		{"orders_list_manual_shipped", "/sales-orders?marketplace=manual&status=shipped"},
	}
	for _, p := range pages {
		req := getRequest(srv.Addr, p.path, "Cookie", cookie)
		res, err := load(ctx, srv.Addr, req, 20, 2*time.Second, 6*time.Second)
		if err != nil {
			return fmt.Errorf("%s: %w", p.path, err)
		}
		log.Printf("%s: %s, %.0f req/s", p.name, p.path, res.rps())
		report(p.name+"_p50_ms", ms(res.percentile(0.50)), "ms")
		report(p.name+"_p99_ms", ms(res.percentile(0.99)), "ms")
	}
	return nil
}

// seedOrders writes the orders set-based, as a restored database would
// hold them (the list reads orders and lines; stock is not its concern):
// a restore brings the orders' line facts with them, computed here once
// for all orders, as 00026 fills them.
func seedOrders(ctx context.Context, db *sql.DB, userID int64) error {
	for _, q := range []string{
		`INSERT INTO channels (kind, name, credentials) SELECT 'shopify', 'Bench shop ' || g, '\x01' FROM generate_series(1, 3) g`,
		`INSERT INTO items (name, sku) SELECT 'Bench item ' || g, 'BI-' || g FROM generate_series(1, 1000) g`,
		`INSERT INTO sales_orders (customer, ordered_on, reference, status, source, channel_id, frozen, external_order_id,
			channel_order_number, channel_status, channel_updated_at, created_by, created_at)
		SELECT 'Customer ' || (g % 50000), date '2026-01-01' + (g % 300), '', 
			CASE WHEN g % 50 = 7 THEN 'cancelled' WHEN g % 10 = 3 THEN 'fulfilled' ELSE 'open' END,
			CASE WHEN g % 4 = 0 THEN 'manual' ELSE 'channel' END,
			CASE WHEN g % 4 = 0 THEN NULL ELSE (SELECT min(id) FROM channels) + g % 4 - 1 END,
			g % 50 = 11,
			CASE WHEN g % 4 = 0 THEN NULL ELSE 'gid://shopify/Order/' || g END,
			CASE WHEN g % 4 = 0 THEN '' ELSE '#' || (1000 + g) END, 'PAID', now(), ` + strconv.FormatInt(userID, 10) + `, now()
		FROM generate_series(1, ` + strconv.Itoa(listOrders) + `) g`,
		`INSERT INTO sales_order_lines (order_id, line_no, item_id, warehouse_id, quantity, rate, packed, shipped, invoiced)
		SELECT o.id, n, 1 + (o.id * 7 + n) % 1000, (SELECT min(id) FROM warehouses), 2, 9.99,
			CASE WHEN o.status = 'fulfilled' OR o.id % 5 = 0 THEN 2 ELSE 0 END,
			CASE WHEN o.status = 'fulfilled' OR o.id % 5 = 0 THEN 2 ELSE 0 END,
			CASE WHEN o.status = 'fulfilled' THEN 2 ELSE 0 END
		FROM sales_orders o, generate_series(1, 3) n`,
		`UPDATE sales_orders o SET any_shipped = a.any_shipped, all_shipped = a.all_shipped,
			all_invoiced = a.all_invoiced, any_to_pack = a.any_to_pack
		FROM (SELECT order_id, bool_or(shipped > 0) AS any_shipped, bool_and(shipped >= quantity) AS all_shipped,
				bool_and(invoiced >= quantity) AS all_invoiced, bool_or(packed < quantity) AS any_to_pack
			FROM sales_order_lines GROUP BY order_id) a
		WHERE o.id = a.order_id`,
		`VACUUM ANALYZE sales_orders`, `ANALYZE sales_order_lines`, `CHECKPOINT`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("seed orders: %w", err)
		}
	}
	return nil
}
