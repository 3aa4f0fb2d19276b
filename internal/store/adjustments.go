package store

import (
	"context"
	"fmt"

	"stocksync/internal/inventory"
)

// CreateAdjustment changes stock on hand by each line's signed quantity.
func (s *Store) CreateAdjustment(ctx context.Context, a inventory.Adjustment, by int64) (int64, error) {
	var id int64
	c := stockChange{doc: "adjustment", by: by, args: append([]any{a.Reason, docDate(a.Date), a.Notes}, lineArrays(a.Lines, false)...)}
	for _, l := range a.Lines {
		c.add(l.ItemID, l.WarehouseID, l.Quantity, 0)
	}
	err := s.stockDoc(ctx, c, &id)
	return id, err
}

func (s *Store) Adjustment(ctx context.Context, id int64) (inventory.RecordedAdjustment, error) {
	var a inventory.RecordedAdjustment
	err := s.DB.GetContext(ctx, &a, `SELECT a.id, a.reason, a.adjusted_on, a.notes, u.email AS created_by_email, a.created_at, 0 AS net
		FROM adjustments a LEFT JOIN users u ON u.id = a.created_by WHERE a.id = $1`, id)
	if err != nil {
		return a, fmt.Errorf("store: adjustment %d: %w", id, notFound(err, inventory.ErrNotFound))
	}
	err = s.DB.SelectContext(ctx, &a.Lines, `SELECT l.item_id, i.name AS item_name, i.sku AS item_sku, w.name AS warehouse,
		l.quantity, 0 AS rate FROM adjustment_lines l JOIN items i ON i.id = l.item_id JOIN warehouses w ON w.id = l.warehouse_id
		WHERE l.adjustment_id = $1 ORDER BY l.id`, id)
	if err != nil {
		return a, fmt.Errorf("store: adjustment lines: %w", err)
	}
	for _, l := range a.Lines {
		a.Net += l.Quantity
	}
	return a, nil
}

// ListAdjustments is a page of adjustments, newest first, below id before.
func (s *Store) ListAdjustments(ctx context.Context, before int64, limit int) ([]inventory.RecordedAdjustment, int64, error) {
	var as []inventory.RecordedAdjustment
	err := s.DB.SelectContext(ctx, &as, `SELECT a.id, a.reason, a.adjusted_on, a.notes, u.email AS created_by_email, a.created_at,
		COALESCE((SELECT sum(quantity) FROM adjustment_lines l WHERE l.adjustment_id = a.id), 0) AS net
		FROM adjustments a LEFT JOIN users u ON u.id = a.created_by
		WHERE ($1 = 0 OR a.id < $1) ORDER BY a.id DESC LIMIT $2`, before, limit+1)
	if err != nil {
		return nil, 0, fmt.Errorf("store: list adjustments: %w", err)
	}
	return pageOf(as, limit, func(a inventory.RecordedAdjustment) int64 { return a.ID })
}
