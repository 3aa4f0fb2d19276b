package store

import (
	"context"
	"fmt"

	"github.com/lib/pq"

	"stocksync/internal/inventory"
)

// CreatePurchaseReceive records goods received: + stock on hand per line.
// The header, lines, ledger and totals go in one statement.
func (s *Store) CreatePurchaseReceive(ctx context.Context, r inventory.Receive, by int64) (int64, error) {
	var id int64
	c := stockChange{doc: "receive", by: by, args: append([]any{r.Vendor, docDate(r.Date), r.Notes}, lineArrays(r.Lines, true)...)}
	for _, l := range r.Lines {
		c.add(l.ItemID, l.WarehouseID, l.Quantity, 0)
	}
	err := s.stockDoc(ctx, c, &id)
	return id, err
}

func (s *Store) PurchaseReceive(ctx context.Context, id int64) (inventory.PurchaseReceive, error) {
	var r inventory.PurchaseReceive
	err := s.DB.GetContext(ctx, &r, `SELECT r.id, r.vendor, r.received_on, r.notes, u.email AS created_by_email, r.created_at,
		0 AS units, 0 AS amount FROM purchase_receives r LEFT JOIN users u ON u.id = r.created_by WHERE r.id = $1`, id)
	if err != nil {
		return r, fmt.Errorf("store: purchase receive %d: %w", id, notFound(err, inventory.ErrNotFound))
	}
	err = s.DB.SelectContext(ctx, &r.Lines, `SELECT l.item_id, i.name AS item_name, i.sku AS item_sku, w.name AS warehouse,
		l.quantity, l.rate FROM purchase_receive_lines l JOIN items i ON i.id = l.item_id JOIN warehouses w ON w.id = l.warehouse_id
		WHERE l.receive_id = $1 ORDER BY l.id`, id)
	if err != nil {
		return r, fmt.Errorf("store: purchase receive lines: %w", err)
	}
	for _, l := range r.Lines {
		r.Units += l.Quantity
		r.Amount += l.Rate.Times(l.Quantity)
	}
	return r, nil
}

// ListPurchaseReceives is a page of receives, newest first, below id before.
func (s *Store) ListPurchaseReceives(ctx context.Context, before int64, limit int) ([]inventory.PurchaseReceive, int64, error) {
	var rs []inventory.PurchaseReceive
	err := s.DB.SelectContext(ctx, &rs, `SELECT r.id, r.vendor, r.received_on, r.notes, u.email AS created_by_email, r.created_at,
		COALESCE((SELECT sum(quantity) FROM purchase_receive_lines l WHERE l.receive_id = r.id), 0) AS units,
		COALESCE((SELECT sum(quantity * rate) FROM purchase_receive_lines l WHERE l.receive_id = r.id), 0) AS amount
		FROM purchase_receives r LEFT JOIN users u ON u.id = r.created_by
		WHERE ($1 = 0 OR r.id < $1) ORDER BY r.id DESC LIMIT $2`, before, limit+1)
	if err != nil {
		return nil, 0, fmt.Errorf("store: list purchase receives: %w", err)
	}
	return pageOf(rs, limit, func(r inventory.PurchaseReceive) int64 { return r.ID })
}

func pageOf[T any](rows []T, limit int, id func(T) int64) ([]T, int64, error) {
	if len(rows) > limit {
		rows = rows[:limit]
		return rows, id(rows[len(rows)-1]), nil
	}
	return rows, 0, nil
}

// ErrNoWarehouse: a line names a warehouse that does not exist (a stale
// form); the handler says so beside the form.
var ErrNoWarehouse = fmt.Errorf("store: no such warehouse")

// moneyArray is amounts as a numeric[] parameter.
func moneyArray(ms []inventory.Money) any {
	s := make([]string, len(ms))
	for i, m := range ms {
		s[i] = m.String()
	}
	return pq.Array(s)
}

func mapFK(err error) error {
	var pqErr *pq.Error
	if asPQ(err, &pqErr) && pqErr.Code == "23503" {
		return ErrNoWarehouse
	}
	return err
}
