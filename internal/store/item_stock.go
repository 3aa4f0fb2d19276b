package store

import (
	"context"
	"fmt"
	"math"
	"time"
)

type WarehouseStock struct {
	WarehouseID int64  `db:"warehouse_id"`
	Warehouse   string `db:"warehouse"`
	OnHand      int64  `db:"on_hand"`
	Committed   int64  `db:"committed"`
}

func (w WarehouseStock) Available() int64 { return w.OnHand - w.Committed }

// ItemStock is the item's balance in every warehouse (zero where it has
// never been).
func (s *Store) ItemStock(ctx context.Context, item int64) ([]WarehouseStock, error) {
	var ws []WarehouseStock
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

// Movement is one ledger row as the item page shows it. DocID is the
// document: the item itself for opening stock, the sales order for order,
// cancel, shipment and invoice rows.
type Movement struct {
	ID             int64     `db:"id"`
	Warehouse      string    `db:"warehouse"`
	OnHandDelta    int64     `db:"on_hand_delta"`
	CommittedDelta int64     `db:"committed_delta"`
	DocKind        string    `db:"doc_kind"`
	DocID          int64     `db:"doc_id"`
	UserEmail      *string   `db:"user_email"`
	CreatedAt      time.Time `db:"created_at"`
}

// ItemMovements is a page of the item's stock history, newest first,
// starting below the movement id before (0 for the newest).
func (s *Store) ItemMovements(ctx context.Context, item, before int64, limit int) ([]Movement, int64, error) {
	var ms []Movement
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
