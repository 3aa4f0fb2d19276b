package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log"
	"math/rand/v2"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"stocksync/internal/channel"
	"stocksync/internal/channelsync"
	"stocksync/internal/inventory"
)

const (
	stockWriters = 100
	stockItems   = 100
)

// benchStock: stock documents per second with 100 concurrent writers on
// 100 items, through the store directly (the same transaction code the
// handlers call, without HTTP and templates). The mix per writer cycles
// purchase receive, sales order, shipment of that order, adjustment; every
// one moves stock through the ledger, balances and item totals.
func benchStock(ctx context.Context, env *benchEnv) error {
	st, _, err := env.newStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	// The server's stock push hook runs in every document, as it does in
	// the server (these items have no listings, so it marks nothing).
	if _, err := channelsync.NewService(st, bytes.Repeat([]byte{1}, 32), channel.Options{}, nil); err != nil {
		return err
	}
	userID, err := addBenchUser(ctx, st.DB.DB)
	if err != nil {
		return err
	}
	ws, err := st.WarehouseChoices(ctx)
	if err != nil {
		return err
	}
	wh := ws[0].ID
	var items []int64
	for i := range stockItems {
		it, err := st.CreateItem(ctx, inventory.ItemFields{Name: "Bench item " + strconv.Itoa(i), SKU: "B-" + strconv.Itoa(i),
			Unit: "pcs", OpeningQty: 1_000_000}, userID)
		if err != nil {
			return err
		}
		items = append(items, it.ID)
	}
	var done, refused atomic.Int64
	var firstErr error
	var errOnce sync.Once
	measureFrom := time.Now().Add(2 * time.Second)
	stopAt := measureFrom.Add(10 * time.Second)
	var wg sync.WaitGroup
	for w := range stockWriters {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(w), 42))
			var lastOrder int64
			for n := 0; ctx.Err() == nil && time.Now().Before(stopAt); n++ {
				item := items[r.IntN(len(items))]
				line := []inventory.Line{{ItemID: item, WarehouseID: wh, Quantity: 1 + int64(r.IntN(3)), Rate: 1000}}
				var err error
				switch n % 4 {
				case 0:
					_, err = st.CreatePurchaseReceive(ctx, inventory.Receive{Vendor: "Bench", Date: time.Now(), Lines: line}, userID)
				case 1:
					lastOrder, err = st.CreateSalesOrder(ctx, inventory.Order{Customer: "Bench", Date: time.Now(), Lines: line}, userID)
				case 2:
					// Ship the whole order the writer took last (its one line).
					var lineID, qty int64
					if err = st.DB.QueryRowContext(ctx, `SELECT id, quantity FROM sales_order_lines WHERE order_id = $1`, lastOrder).Scan(&lineID, &qty); err == nil {
						_, err = st.PackSalesOrder(ctx, lastOrder, map[int64]string{lineID: strconv.FormatInt(qty, 10)}, true, userID)
					}
				case 3:
					line[0].Quantity = -1
					_, err = st.CreateAdjustment(ctx, inventory.Adjustment{Reason: "Stock count", Date: time.Now(), Lines: line}, userID)
				}
				var bz *inventory.BelowZeroError
				switch {
				case errors.As(err, &bz):
					refused.Add(1)
				case err != nil:
					errOnce.Do(func() { firstErr = err })
					return
				case time.Now().After(measureFrom):
					done.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		return fmt.Errorf("stock: %w", firstErr)
	}
	var bad int
	if err := st.DB.GetContext(ctx, &bad, `SELECT count(*) FROM stock_balances b
		JOIN (SELECT item_id, warehouse_id, sum(on_hand_delta) o, sum(committed_delta) c FROM stock_movements GROUP BY 1, 2) l USING (item_id, warehouse_id)
		WHERE b.on_hand <> l.o OR b.committed <> l.c`); err != nil {
		return err
	}
	if bad != 0 {
		return fmt.Errorf("stock: %d balances differ from the ledger after the run", bad)
	}
	log.Printf("stock: %d documents in 10 s (%d refused below zero); balances equal the ledger", done.Load(), refused.Load())
	report("stock_documents_per_s", float64(done.Load())/10, "docs/s")
	return nil
}
