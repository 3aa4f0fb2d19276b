package main

import (
	"context"
	"fmt"
	"log"
	"strconv"
	"time"
)

// benchItems: the items pages over 1,000,000 items and 5,000,000
// movements, at 20 keep-alive clients over loopback against the real
// server, signed in.
func benchItems(ctx context.Context, env *benchEnv) error {
	dbURL, db, userID, err := env.newDatabaseWithUser(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	var wh int64
	if err := db.QueryRowContext(ctx, `SELECT id FROM warehouses WHERE name = $1`, seedWarehouseLabel).Scan(&wh); err != nil {
		return err
	}
	seedStart := time.Now()
	if err := seedCatalogue(ctx, dbURL, userID, wh, seedItems); err != nil {
		return err
	}
	report("items_seed_s", time.Since(seedStart).Seconds(), "s")
	// A cursor 90% of the way down the name order, for the deep page.
	var deep int64
	if err := db.QueryRowContext(ctx, `SELECT id FROM items WHERE active ORDER BY lower(name) COLLATE "C", id OFFSET 900000 LIMIT 1`).Scan(&deep); err != nil {
		return err
	}
	srv, cookie, err := env.startSignedIn(ctx, dbURL)
	if err != nil {
		return err
	}
	defer srv.Stop()
	pages := []struct{ name, path string }{
		{"items_list", "/items"},
		{"items_search", "/items?q=oak+chair"},
		{"items_sort_available", "/items?sort=available"},
		{"items_deep_page", "/items?after=" + strconv.FormatInt(deep, 10)},
		{"item_page", "/items/" + strconv.Itoa(seedItems/2+7)},
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

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
