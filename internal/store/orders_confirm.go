package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"stocksync/internal/catalogue"
	"stocksync/internal/inventory"
)

// ListingError says which listing of an order stopped Confirm all.
type ListingError struct {
	Label string // the listing as people know it
	Err   error
}

func (e *ListingError) Error() string { return "store: listing " + e.Label + ": " + e.Err.Error() }
func (e *ListingError) Unwrap() error { return e.Err }

// ConfirmOrderListings is the frozen order's "Confirm all" (§1.5): every
// listing its lines wait on is confirmed as the Confirm action confirms
// one (an item made from the listing as it is, with its opening stock in
// the primary warehouse, and the link), then the order's lines take the new
// items and commit stock and the order unfreezes, all in one transaction.
// A listing that cannot be confirmed as it is stops it with a ListingError
// and nothing is written. It returns how many listings were confirmed.
func (s *Store) ConfirmOrderListings(ctx context.Context, orderID, by int64) (int, error) {
	var confirmed int
	var sku string
	err := s.stockTx(ctx, func(tx *sqlx.Tx, c *stockChange) error {
		var ids []int64
		if err := tx.SelectContext(ctx, &ids, `SELECT DISTINCT channel_item_id FROM sales_order_lines
			WHERE order_id = $1 AND item_id IS NULL AND channel_item_id IS NOT NULL ORDER BY 1`, orderID); err != nil {
			return fmt.Errorf("store: waiting listings: %w", err)
		}
		if len(ids) == 0 {
			return ErrNothingWaiting
		}
		wh, err := primaryWarehouse(ctx, tx)
		if err != nil {
			return err
		}
		var opening []stockChange
		var items []int64
		for _, id := range ids {
			l, err := lockUnconfirmed(ctx, tx, id)
			var settled *catalogue.AlreadySettledError
			if errors.As(err, &settled) {
				continue // settled meanwhile: its lines are caught up below all the same
			}
			if err != nil {
				return err
			}
			fields, errs := inventory.ValidateItem(l.ItemInput(), true)
			if len(errs) > 0 {
				return &ListingError{Label: listingLabel(l), Err: &catalogue.NeedsUpdateError{Fields: errs}}
			}
			sku = fields.SKU
			var open stockChange
			itemID, err := insertItem(ctx, tx, &open, fields, "channel", wh, by)
			if err != nil {
				if cerr := s.skuClash(ctx, err, sku, 0); cerr != err {
					return &ListingError{Label: listingLabel(l), Err: cerr}
				}
				return err
			}
			if open.doc != "" {
				opening = append(opening, open)
				items = append(items, itemID)
			}
			if err := linkListing(ctx, tx, l, itemID, catalogue.LinkedByConfirm, false, by); err != nil {
				return err
			}
			confirmed++
		}
		if err := s.writeOpenings(ctx, tx, opening, items, by); err != nil {
			return err
		}
		_, err = s.settleOrdersOf(ctx, tx, ids)
		return err
	})
	return confirmed, err
}

// ErrNothingWaiting: the order waits on no listing (any more).
var ErrNothingWaiting = errors.New("store: the order waits on no unconfirmed listing")

// writeOpenings writes the opening stock of items made in one transaction,
// one document per item, in one call.
func (s *Store) writeOpenings(ctx context.Context, tx *sqlx.Tx, changes []stockChange, itemIDs []int64, by int64) error {
	var docs, items, whs, onHand, committed []int64
	var all []movement
	for i, c := range changes {
		for _, m := range c.moves {
			docs, items, whs = append(docs, itemIDs[i]), append(items, m.item), append(whs, m.warehouse)
			onHand, committed = append(onHand, m.onHand), append(committed, m.committed)
			all = append(all, m)
		}
	}
	if len(items) == 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `SELECT stock_apply_many('opening', NULLIF($1, 0), $2, $3, $4, $5, $6)`, by,
		pq.Array(docs), pq.Array(items), pq.Array(whs), pq.Array(onHand), pq.Array(committed)); err != nil {
		return fmt.Errorf("store: opening stock: %w", err)
	}
	return s.availabilityChanged(ctx, tx, availabilityChanged(all))
}

// OrderLineListing is the listing an order's line sold, for its Link
// action: 0 when the line names none.
func (s *Store) OrderLineListing(ctx context.Context, orderID, lineID int64) (int64, error) {
	var id *int64
	err := s.DB.GetContext(ctx, &id, `SELECT channel_item_id FROM sales_order_lines WHERE id = $1 AND order_id = $2`, lineID, orderID)
	if err != nil {
		return 0, fmt.Errorf("store: order line %d: %w", lineID, notFound(err, inventory.ErrNotFound))
	}
	if id == nil {
		return 0, nil
	}
	return *id, nil
}
