package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"stocksync/internal/inventory"
)

// PackSalesOrder packs the given units per order line; with shipNow the
// package also ships at once (stock leaves on hand).
func (s *Store) PackSalesOrder(ctx context.Context, orderID int64, typed map[int64]string, shipNow bool, by int64) (int64, error) {
	var pkg int64
	err := s.orderDoc(ctx, orderID, packing(orderID, typed, shipNow, by), &pkg)
	return pkg, err
}

// packing decides a package of the order: decided on the order as it is
// written (orderDoc), since another person may have packed meanwhile.
func packing(orderID int64, typed map[int64]string, shipNow bool, by int64) func(o inventory.SalesOrder, c *stockChange) error {
	return func(o inventory.SalesOrder, c *stockChange) error {
		if err := inventory.CanShip(o); err != nil {
			return err
		}
		qty, errs := inventory.ValidateFulfilment(o.Lines, typed, false)
		if len(errs) > 0 {
			return &inventory.InvalidError{Fields: errs}
		}
		for i := range o.Lines {
			o.Lines[i].Packed += qty[o.Lines[i].ID]
		}
		if shipNow {
			ship(c, o, qty)
		}
		// Package, its lines, the order lines and, when it ships, the
		// order's status, written with the ledger (the order and its lines
		// are locked first).
		lineIDs, qs := lineQuantities(o.Lines, qty)
		c.doc, c.by, c.args = "pack", by, []any{orderID, shipNow, orderStatus(o), pq.Array(lineIDs), pq.Array(qs)}
		return nil
	}
}

func lineQuantities(lines []inventory.OrderLine, qty map[int64]int64) (ids, qs []int64) {
	for _, l := range lines {
		if q := qty[l.ID]; q > 0 {
			ids, qs = append(ids, l.ID), append(qs, q)
		}
	}
	return ids, qs
}

const shipPackageQuery = `WITH p AS (
		UPDATE packages SET status = 'shipped', shipped_at = now()
		WHERE id = $1 AND order_id = $2 AND status = 'packed' RETURNING id)
	SELECT order_line_id, quantity FROM package_lines WHERE package_id IN (SELECT id FROM p)`

// ShipPackage ships a package packed earlier.
func (s *Store) ShipPackage(ctx context.Context, orderID, pkg, by int64) error {
	return s.stockTx(ctx, func(tx *sqlx.Tx, c *stockChange) error {
		o, err := s.lockOrder(ctx, tx, orderID)
		if err != nil {
			return err
		}
		if err := inventory.CanShip(o); err != nil {
			return err
		}
		var rows []struct {
			Line int64 `db:"order_line_id"`
			Qty  int64 `db:"quantity"`
		}
		st, err := s.stockStatement(tx, shipPackageQuery)
		if err != nil {
			return err
		}
		if err := st.SelectContext(ctx, &rows, pkg, orderID); err != nil {
			return fmt.Errorf("store: ship package: %w", err)
		}
		if len(rows) == 0 {
			return inventory.ErrNotFound
		}
		qty := map[int64]int64{}
		for _, r := range rows {
			qty[r.Line] = r.Qty
		}
		ship(c, o, qty)
		lineIDs, qs := lineQuantities(o.Lines, qty)
		c.doc, c.by, c.args = "ship", by, []any{orderID, orderStatus(o), pq.Array(lineIDs), pq.Array(qs)}
		return nil
	})
}

// ship records the movements of shipping qty per line and marks the lines
// shipped in o (the caller writes them): stock on hand falls only by units
// not already invoiced, as each unit leaves once.
func ship(c *stockChange, o inventory.SalesOrder, qty map[int64]int64) {
	for i := range o.Lines {
		l := &o.Lines[i]
		q := qty[l.ID]
		if q == 0 {
			continue
		}
		d := inventory.Deduction(l.Shipped, l.Invoiced, l.Shipped+q, l.Invoiced)
		c.add(l.ItemID, l.WarehouseID, -d, -d)
		l.Shipped += q
	}
}

// InvoiceSalesOrder invoices units per line; stock on hand falls only by
// units not already shipped, and not at all for an order its channel
// fulfils.
func (s *Store) InvoiceSalesOrder(ctx context.Context, orderID int64, typed map[int64]string, by int64) (int64, error) {
	var inv int64
	err := s.orderDoc(ctx, orderID, func(o inventory.SalesOrder, c *stockChange) error {
		if err := inventory.CanFulfil(o); err != nil {
			return err
		}
		qty, errs := inventory.ValidateFulfilment(o.Lines, typed, true)
		if len(errs) > 0 {
			return &inventory.InvalidError{Fields: errs}
		}
		for i := range o.Lines {
			l := &o.Lines[i]
			q := qty[l.ID]
			if q == 0 {
				continue
			}
			if !o.FulfilledByChannel { // its units leave the channel's stock, not ours
				d := inventory.Deduction(l.Shipped, l.Invoiced, l.Shipped, l.Invoiced+q)
				c.add(l.ItemID, l.WarehouseID, -d, -d)
			}
			l.Invoiced += q
		}
		lineIDs, qs := lineQuantities(o.Lines, qty)
		c.doc, c.by, c.args = "invoice", by, []any{orderID, orderStatus(o), pq.Array(lineIDs), pq.Array(qs)}
		return nil
	}, &inv)
	return inv, err
}

// orderStatus is open until every unit is through (SalesOrder.Done).
func orderStatus(o inventory.SalesOrder) string {
	if o.Done() {
		return inventory.OrderFulfilled
	}
	return inventory.OrderOpen
}
