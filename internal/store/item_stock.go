package store

import (
	"context"
	"fmt"
	"math"

	"stocksync/internal/inventory"
)

// ItemStock is the item's balance in every warehouse (zero where it has
// never been).
func (s *Store) ItemStock(ctx context.Context, item int64) ([]inventory.WarehouseStock, error) {
	var ws []inventory.WarehouseStock
	st, err := s.prepared(ctx, `SELECT w.id AS warehouse_id, w.name AS warehouse,
		COALESCE(b.on_hand, 0) AS on_hand, COALESCE(b.committed, 0) AS committed
		FROM warehouses w LEFT JOIN stock_balances b ON b.warehouse_id = w.id AND b.item_id = $1 ORDER BY w.id`)
	if err != nil {
		return nil, err
	}
	err = st.SelectContext(ctx, &ws, item)
	if err != nil {
		return nil, fmt.Errorf("store: item stock: %w", err)
	}
	return ws, nil
}

// The item page's reads are prepared statements (see prepared.go).

// ItemMovements is a page of the item's stock history, newest first,
// starting below the movement id before (0 for the newest).
func (s *Store) ItemMovements(ctx context.Context, item, before int64, limit int) ([]inventory.Movement, int64, error) {
	var ms []inventory.Movement
	if before <= 0 {
		before = math.MaxInt64
	}
	st, err := s.prepared(ctx, `SELECT m.id, w.name AS warehouse, m.on_hand_delta, m.committed_delta, m.doc_kind,
		m.doc_id, u.email AS user_email, m.created_at
		FROM stock_movements m JOIN warehouses w ON w.id = m.warehouse_id LEFT JOIN users u ON u.id = m.created_by
		WHERE m.item_id = $1 AND m.id < $2 ORDER BY m.id DESC LIMIT $3`)
	if err != nil {
		return nil, 0, err
	}
	err = st.SelectContext(ctx, &ms, item, before, limit+1)
	if err != nil {
		return nil, 0, fmt.Errorf("store: item movements: %w", err)
	}
	var next int64
	if len(ms) > limit {
		ms = ms[:limit]
		next = ms[len(ms)-1].ID
	}
	return ms, next, nil
}
