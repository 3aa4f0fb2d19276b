package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// settleOrdersOf brings the order lines that waited on the given listings
// up to date after those listings were settled (confirmed, updated or
// linked) in tx: each such line takes its listing's item and commits its
// units in the line's warehouse (unless its channel fulfils the order
// from its own stock), and every order no longer waiting on any
// listing unfreezes (§1.5). Set-based, for any number of listings; every
// path that settles listings calls it in the transaction that settles them
// (the listings are locked already, so lock order is listings, orders,
// stock, as in ImportOnlineOrders). It returns how many orders unfroze.
func (s *Store) settleOrdersOf(ctx context.Context, tx *sqlx.Tx, listingIDs []int64) (int, error) {
	if len(listingIDs) == 0 {
		return 0, nil
	}
	var orderIDs []int64
	if err := tx.SelectContext(ctx, &orderIDs, `SELECT id FROM sales_orders WHERE id IN (
			SELECT order_id FROM sales_order_lines WHERE channel_item_id = ANY($1) AND item_id IS NULL)
		ORDER BY id FOR UPDATE`, pq.Array(listingIDs)); err != nil {
		return 0, fmt.Errorf("store: orders waiting on listings: %w", err)
	}
	if len(orderIDs) == 0 {
		return 0, nil
	}
	var lines []struct {
		OrderID     int64  `db:"order_id"`
		ItemID      int64  `db:"item_id"`
		WarehouseID int64  `db:"warehouse_id"`
		Quantity    int64  `db:"quantity"`
		Status      string `db:"status"`
		ByChannel   bool   `db:"fulfilled_by_channel"`
	}
	if err := tx.SelectContext(ctx, &lines, `UPDATE sales_order_lines l SET item_id = ci.item_id
		FROM channel_items ci, sales_orders o
		WHERE l.order_id = ANY($2) AND l.channel_item_id = ANY($1) AND l.item_id IS NULL
			AND ci.id = l.channel_item_id AND ci.item_id IS NOT NULL AND o.id = l.order_id
		RETURNING l.order_id, l.item_id, l.warehouse_id, l.quantity - GREATEST(l.shipped, l.invoiced) AS quantity, o.status,
			o.fulfilled_by_channel`,
		pq.Array(listingIDs), pq.Array(orderIDs)); err != nil {
		return 0, fmt.Errorf("store: link order lines: %w", err)
	}
	var moves []orderMove
	for _, l := range lines {
		if l.Status == "open" && !l.ByChannel && l.Quantity > 0 {
			moves = append(moves, orderMove{"order", l.OrderID, l.ItemID, l.WarehouseID, l.Quantity})
		}
	}
	var unfrozen int
	if err := tx.GetContext(ctx, &unfrozen, `WITH f AS (
			UPDATE sales_orders o SET frozen = false, updated_at = now()
			WHERE o.frozen AND o.id IN (SELECT l.order_id FROM sales_order_lines l WHERE l.order_id = ANY($1)
				GROUP BY l.order_id HAVING bool_and(l.item_id IS NOT NULL))
			RETURNING 1)
		SELECT count(*) FROM f`, pq.Array(orderIDs)); err != nil {
		return 0, fmt.Errorf("store: unfreeze orders: %w", err)
	}
	return unfrozen, s.applyCommitments(ctx, tx, moves)
}

// SettleWaitingOrders catches up the orders of a channel that still wait
// on listings settled by a path that does not settle orders itself (the
// catalogue import's auto-link of a listing that changed its SKU). A sync
// calls it after importing orders. It returns how many orders unfroze.
func (s *Store) SettleWaitingOrders(ctx context.Context, channelID int64) (int, error) {
	var n int
	err := s.InTx(ctx, func(tx *sqlx.Tx) error {
		var ids []int64
		if err := tx.SelectContext(ctx, &ids, `SELECT ci.id FROM channel_items ci
			WHERE ci.channel_id = $1 AND ci.item_id IS NOT NULL AND ci.id IN (
				SELECT l.channel_item_id FROM sales_order_lines l WHERE l.item_id IS NULL)
			ORDER BY ci.id FOR UPDATE`, channelID); err != nil {
			return fmt.Errorf("store: settled listings with waiting orders: %w", err)
		}
		var err error
		n, err = s.settleOrdersOf(ctx, tx, ids)
		return err
	})
	return n, err
}
