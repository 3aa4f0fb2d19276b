package store

import (
	"context"
	"fmt"

	"stocksync/internal/inventory"
)

// ListWarehouses returns every warehouse, the first created (Primary) first.
func (s *Store) ListWarehouses(ctx context.Context) ([]inventory.Warehouse, error) {
	var ws []inventory.Warehouse
	err := s.DB.SelectContext(ctx, &ws, `SELECT w.id, w.name, w.created_at,
		COALESCE((SELECT sum(on_hand) FROM stock_balances b WHERE b.warehouse_id = w.id), 0) AS on_hand
		FROM warehouses w ORDER BY w.id`)
	if err != nil {
		return nil, fmt.Errorf("store: list warehouses: %w", err)
	}
	return ws, nil
}

// WarehouseChoices is the short list for document forms (no totals).
func (s *Store) WarehouseChoices(ctx context.Context) ([]inventory.Warehouse, error) {
	var ws []inventory.Warehouse
	st, err := s.prepared(ctx, `SELECT id, name, created_at FROM warehouses ORDER BY id`)
	if err != nil {
		return nil, err
	}
	if err := st.SelectContext(ctx, &ws); err != nil {
		return nil, fmt.Errorf("store: warehouse choices: %w", err)
	}
	return ws, nil
}

// CreateWarehouse adds a warehouse; a name already used (ignoring case)
// gives inventory.ErrNameTaken.
func (s *Store) CreateWarehouse(ctx context.Context, name string) (inventory.Warehouse, error) {
	var w inventory.Warehouse
	err := s.DB.GetContext(ctx, &w, `INSERT INTO warehouses (name) VALUES ($1) RETURNING id, name, created_at`, name)
	if isUniqueViolation(err) {
		return w, inventory.ErrNameTaken
	}
	if err != nil {
		return w, fmt.Errorf("store: create warehouse: %w", err)
	}
	return w, nil
}

// primaryWarehouse is where opening stock goes.
func primaryWarehouse(ctx context.Context, q interface {
	GetContext(ctx context.Context, dest any, query string, args ...any) error
}) (int64, error) {
	var id int64
	if err := q.GetContext(ctx, &id, `SELECT id FROM warehouses ORDER BY id LIMIT 1`); err != nil {
		return 0, fmt.Errorf("store: primary warehouse: %w", err)
	}
	return id, nil
}
