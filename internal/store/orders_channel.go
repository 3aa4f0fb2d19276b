package store

import (
	"context"
	"fmt"
	"time"
)

// AddRunOrders counts a page of orders into the run that imported it.
func (s *Store) AddRunOrders(ctx context.Context, runID int64, orders, newUnconfirmed int) error {
	_, err := s.DB.ExecContext(ctx, `UPDATE sync_runs SET orders = orders + $2, new_unconfirmed = new_unconfirmed + $3
		WHERE id = $1 AND status = 'running'`, runID, orders, newUnconfirmed)
	if err != nil {
		return fmt.Errorf("store: count run orders: %w", err)
	}
	return nil
}

// SetOrdersSince moves the channel's order cursor after a sync imported
// every order changed before t.
func (s *Store) SetOrdersSince(ctx context.Context, channelID int64, t time.Time) error {
	_, err := s.DB.ExecContext(ctx, `UPDATE channels SET orders_since = $2 WHERE id = $1`, channelID, t)
	if err != nil {
		return fmt.Errorf("store: order cursor: %w", err)
	}
	return nil
}

// SetChannelWarehouse chooses where the channel's orders commit stock; 0
// is the primary warehouse.
func (s *Store) SetChannelWarehouse(ctx context.Context, channelID, warehouseID int64) error {
	_, err := s.DB.ExecContext(ctx, `UPDATE channels SET default_warehouse_id = NULLIF($2, 0) WHERE id = $1`, channelID, warehouseID)
	if err != nil {
		return fmt.Errorf("store: channel warehouse: %w", mapFK(err))
	}
	return nil
}
