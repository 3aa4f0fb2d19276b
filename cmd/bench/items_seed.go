package main

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/lib/pq"
)

const (
	seedItems          = 1_000_000
	movementsPerItem   = 5
	seedWarehouseLabel = "Primary"
)

var (
	adjectives = strings.Fields("Classic Modern Rustic Compact Deluxe Vintage Slim Sturdy Folding Round Square Tall Mini Grand Soft Bright Matte Glossy Nordic Urban Coastal Royal Simple Premium")
	materials  = strings.Fields("Oak Pine Walnut Steel Brass Copper Linen Cotton Wool Leather Glass Ceramic Marble Bamboo Rattan Velvet Stone Cedar Maple Birch Iron Clay Jute Silk")
	nouns      = strings.Fields("Chair Table Lamp Shelf Stool Bench Mirror Vase Bowl Mug Plate Basket Rug Cushion Clock Frame Desk Cabinet Candle Tray Hook Planter Blanket Jar")
)

// seedName is a realistic, repeatable product name: "Rustic Oak Chair 1234".
func seedName(i int) string {
	a, m, n := len(adjectives), len(materials), len(nouns)
	return fmt.Sprintf("%s %s %s %d", adjectives[i%a], materials[(i/a)%m], nouns[(i/(a*m))%n], i)
}

// seedMoves are the item's five ledger rows: opening, receive, adjustment,
// order (commits) and shipment. One item in ten ends out of stock.
func seedMoves(i int) [movementsPerItem][2]int64 {
	open, recv := int64(5+i%20), int64(i%37)
	adj, ord := -int64(i%3), int64(i%7)
	ship := min(ord, int64(i%2))
	if i%10 == 0 {
		adj, ord, ship = -(open + recv), 0, 0
	}
	return [movementsPerItem][2]int64{{open, 0}, {recv, 0}, {adj, 0}, {0, ord}, {-ship, -ship}}
}

func seedTotals(i int) (onHand, committed int64) {
	for _, m := range seedMoves(i) {
		onHand += m[0]
		committed += m[1]
	}
	return onHand, committed
}

func seedReorder(i int) int64 { return int64(i % 4 * 5) }

var seedKinds = [movementsPerItem]string{"opening", "receive", "adjustment", "order", "shipment"}

// seedCatalogue fills a migrated database with n items (the items
// scenario: 1,000,000), five movements each, the balances that sum them and
// the items' search terms, by COPY. Secondary indexes are
// dropped first and rebuilt after (two at a time, one per core), and foreign
// key triggers are skipped for the seeding session (the rows are consistent
// by construction): that is what makes it take about a minute, not ten.
func seedCatalogue(ctx context.Context, dbURL string, userID, warehouseID int64, n int) error {
	db, err := sql.Open("postgres", dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	var defs []string
	rows, err := db.QueryContext(ctx, `SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('items', 'item_stock', 'stock_movements', 'stock_balances', 'item_search_terms')
		AND indexname NOT IN ('items_pkey', 'item_stock_pkey', 'stock_movements_pkey', 'stock_balances_pkey')`)
	if err != nil {
		return err
	}
	var names []string
	for rows.Next() {
		var n, d string
		if err := rows.Scan(&n, &d); err != nil {
			return err
		}
		names, defs = append(names, n), append(defs, d)
	}
	rows.Close()
	for _, n := range names {
		if _, err := db.ExecContext(ctx, `DROP INDEX `+pq.QuoteIdentifier(n)); err != nil {
			return err
		}
	}

	g := newGroup(ctx, 2)
	gctx := g.ctx
	g.Go(func() error {
		if err := copyRows(gctx, db, "items", []string{"id", "name", "sku", "unit", "selling_price", "purchase_price", "reorder_level",
			"created_by", "updated_at"}, n, func(i int, emit func(...any) error) error {
			price := fmt.Sprintf("%d.%02d", 5+i%200, i%100)
			return emit(int64(i), seedName(i), fmt.Sprintf("SKU-%07d", i), "pcs", price, price, seedReorder(i), userID,
				time.Unix(1_700_000_000+int64(i)*7%31_000_000, 0))
		}); err != nil {
			return err
		}
		// With triggers off, item_stock is copied too (totals of the moves).
		if err := copyRows(gctx, db, "item_stock", []string{"item_id", "on_hand", "committed", "reorder_level"}, n,
			func(i int, emit func(...any) error) error {
				onHand, committed := seedTotals(i)
				return emit(int64(i), onHand, committed, seedReorder(i))
			}); err != nil {
			return err
		}
		if err := copyRows(gctx, db, "stock_balances", []string{"item_id", "warehouse_id", "on_hand", "committed"}, n,
			func(i int, emit func(...any) error) error {
				onHand, committed := seedTotals(i)
				return emit(int64(i), warehouseID, onHand, committed)
			}); err != nil {
			return err
		}
		// The items' trigger is off with the other triggers, so their
		// search terms are written here, from the terms PostgreSQL made.
		_, err := db.ExecContext(gctx, `INSERT INTO item_search_terms (term, name_key, item_id)
			SELECT t, lower(i.name), i.id FROM items i, unnest(i.search_terms) t WHERE length(t) >= 3`)
		return err
	})
	g.Go(func() error {
		return copyRows(gctx, db, "stock_movements", []string{"item_id", "warehouse_id", "on_hand_delta", "committed_delta", "doc_kind", "doc_id", "created_by"},
			n, func(i int, emit func(...any) error) error {
				for k, m := range seedMoves(i) {
					if m[0] == 0 && m[1] == 0 {
						continue
					}
					if err := emit(int64(i), warehouseID, m[0], m[1], seedKinds[k], int64(i), userID); err != nil {
						return err
					}
				}
				return nil
			})
	})
	if err := g.Wait(); err != nil {
		return fmt.Errorf("seed: copy: %w", err)
	}
	log.Printf("items: copied %d items, their movements and balances in %s", n, time.Since(start).Round(time.Millisecond))
	if _, err := db.ExecContext(ctx, `SELECT setval('items_id_seq', $1)`, n); err != nil {
		return err
	}
	idx := time.Now()
	g = newGroup(ctx, 2)
	gctx = g.ctx
	for _, d := range defs {
		g.Go(func() error {
			conn, err := db.Conn(gctx)
			if err != nil {
				return err
			}
			defer conn.Close()
			if _, err := conn.ExecContext(gctx, `SET maintenance_work_mem = '256MB'`); err != nil {
				return err
			}
			if _, err := conn.ExecContext(gctx, d); err != nil {
				return fmt.Errorf("seed: %s: %w", d, err)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	log.Printf("items: rebuilt %d indexes in %s", len(defs), time.Since(idx).Round(time.Millisecond))
	for _, t := range []string{"items", "item_stock", "stock_balances", "stock_movements", "item_search_terms"} {
		if _, err := db.ExecContext(ctx, `VACUUM ANALYZE `+t); err != nil {
			return err
		}
	}
	// The seed wrote gigabytes: flushed now, not by a checkpoint in the
	// middle of the measured pages.
	if _, err := db.ExecContext(ctx, `CHECKPOINT`); err != nil {
		return err
	}
	// The seed must satisfy the same invariant the tests prove for real
	// documents: balances equal the ledger, totals equal the balances.
	var bad int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM items i LEFT JOIN item_stock t ON t.item_id = i.id
		JOIN (SELECT item_id, sum(on_hand_delta) o, sum(committed_delta) c FROM stock_movements GROUP BY 1) l ON l.item_id = i.id
		JOIN stock_balances b ON b.item_id = i.id
		WHERE t.item_id IS NULL OR t.on_hand <> l.o OR t.committed <> l.c OR b.on_hand <> l.o OR b.committed <> l.c`).Scan(&bad); err != nil {
		return err
	}
	if bad != 0 {
		return fmt.Errorf("seed: %d items whose balances differ from the ledger", bad)
	}
	log.Printf("items: seeded and checked in %s", time.Since(start).Round(time.Millisecond))
	return nil
}

// copyRows streams n generated rows (1..n) into table with COPY, with
// foreign-key triggers off for this session only.
func copyRows(ctx context.Context, db *sql.DB, table string, cols []string, n int, gen func(i int, emit func(...any) error) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SET LOCAL session_replication_role = replica; SET LOCAL synchronous_commit = off`); err != nil {
		return fmt.Errorf("seed needs a superuser connection to skip FK triggers: %w", err)
	}
	stmt, err := tx.PrepareContext(ctx, pq.CopyIn(table, cols...))
	if err != nil {
		return err
	}
	emit := func(v ...any) error { _, err := stmt.ExecContext(ctx, v...); return err }
	for i := 1; i <= n; i++ {
		if err := gen(i, emit); err != nil {
			return fmt.Errorf("copy %s: %w", table, err)
		}
	}
	if _, err := stmt.ExecContext(ctx); err != nil {
		return fmt.Errorf("copy %s: %w", table, err)
	}
	if err := stmt.Close(); err != nil {
		return err
	}
	return tx.Commit()
}
