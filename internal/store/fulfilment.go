package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"stocksync/internal/inventory"
)

// The statements here carry only ids and quantities, so they are inlined
// (one round trip each; see inlineSQL).

// PackSalesOrder packs the given units per order line; with shipNow the
// package also ships at once (stock leaves on hand).
func (s *Store) PackSalesOrder(ctx context.Context, orderID int64, typed map[int64]string, shipNow bool, by int64) (int64, error) {
	var pkg int64
	err := s.stockTx(ctx, func(tx *sqlx.Tx, c *stockChange) error {
		o, err := lockOrder(ctx, tx, orderID)
		if err != nil {
			return err
		}
		if err := inventory.CanFulfil(o); err != nil {
			return err
		}
		// Checked again under the lock: another person may have packed meanwhile.
		qty, errs := inventory.ValidateFulfilment(o.Lines, typed, false)
		if len(errs) > 0 {
			return &inventory.InvalidError{Fields: errs}
		}
		status, now := inlineText("packed"), 0
		if shipNow {
			status, now = "shipped", 1
		}
		for i := range o.Lines {
			o.Lines[i].Packed += qty[o.Lines[i].ID]
		}
		if shipNow {
			ship(c, o, qty, by)
		} else {
			*c = stockChange{kind: "shipment", docID: o.ID, user: &by}
		}
		lineIDs, qs := lineQuantities(o.Lines, qty)
		// Package, its lines, the order lines and, when it ships, the
		// order's status, in one statement (the rows are locked already),
		// sent with the ledger.
		c.head = inlineSQL(`WITH p AS (
				INSERT INTO packages (order_id, status, created_by, shipped_at)
				VALUES ($1, $2, $3, CASE WHEN $6 = 1 THEN now() END) RETURNING id),
			pl AS (INSERT INTO package_lines (package_id, order_line_id, quantity) SELECT p.id, l, q FROM p, unnest($4, $5) AS u(l, q)),
			ol AS (UPDATE sales_order_lines SET packed = packed + u.q, shipped = shipped + CASE WHEN $6 = 1 THEN u.q ELSE 0 END
				FROM unnest($4, $5) AS u(l, q) WHERE id = u.l),
			so AS (UPDATE sales_orders SET status = $7, updated_at = now() WHERE id = $1 AND $6 = 1)
			SELECT id FROM p`, orderID, status, by, lineIDs, qs, now, orderStatus(o.Lines))
		return nil
	}, &pkg)
	return pkg, err
}

func lineQuantities(lines []inventory.OrderLine, qty map[int64]int64) (ids, qs []int64) {
	for _, l := range lines {
		if q := qty[l.ID]; q > 0 {
			ids, qs = append(ids, l.ID), append(qs, q)
		}
	}
	return ids, qs
}

// ShipPackage ships a package packed earlier.
func (s *Store) ShipPackage(ctx context.Context, orderID, pkg, by int64) error {
	return s.stockTx(ctx, func(tx *sqlx.Tx, c *stockChange) error {
		o, err := lockOrder(ctx, tx, orderID)
		if err != nil {
			return err
		}
		if err := inventory.CanFulfil(o); err != nil {
			return err
		}
		var rows []struct {
			Line int64 `db:"order_line_id"`
			Qty  int64 `db:"quantity"`
		}
		if err := tx.SelectContext(ctx, &rows, inlineSQL(`WITH p AS (
				UPDATE packages SET status = 'shipped', shipped_at = now()
				WHERE id = $1 AND order_id = $2 AND status = 'packed' RETURNING id)
			SELECT order_line_id, quantity FROM package_lines WHERE package_id IN (SELECT id FROM p)`, pkg, orderID)); err != nil {
			return fmt.Errorf("store: ship package: %w", err)
		}
		if len(rows) == 0 {
			return inventory.ErrNotFound
		}
		qty := map[int64]int64{}
		for _, r := range rows {
			qty[r.Line] = r.Qty
		}
		ship(c, o, qty, by)
		lineIDs, qs := lineQuantities(o.Lines, qty)
		if _, err := tx.ExecContext(ctx, inlineSQL(`UPDATE sales_order_lines SET shipped = shipped + u.q
				FROM unnest($1, $2) AS u(l, q) WHERE id = u.l;
			UPDATE sales_orders SET status = $3, updated_at = now() WHERE id = $4`,
			lineIDs, qs, orderStatus(o.Lines), o.ID)); err != nil {
			return fmt.Errorf("store: mark shipped: %w", err)
		}
		return nil
	})
}

// ship records the movements of shipping qty per line and marks the lines
// shipped in o (the caller writes them): stock on hand falls only by units
// not already invoiced, as each unit leaves once.
func ship(c *stockChange, o inventory.SalesOrder, qty map[int64]int64, by int64) {
	*c = stockChange{kind: "shipment", docID: o.ID, user: &by}
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
// units not already shipped.
func (s *Store) InvoiceSalesOrder(ctx context.Context, orderID int64, typed map[int64]string, by int64) (int64, error) {
	var inv int64
	err := s.stockTx(ctx, func(tx *sqlx.Tx, c *stockChange) error {
		o, err := lockOrder(ctx, tx, orderID)
		if err != nil {
			return err
		}
		if err := inventory.CanFulfil(o); err != nil {
			return err
		}
		qty, errs := inventory.ValidateFulfilment(o.Lines, typed, true)
		if len(errs) > 0 {
			return &inventory.InvalidError{Fields: errs}
		}
		*c = stockChange{kind: "invoice", docID: orderID, user: &by}
		for i := range o.Lines {
			l := &o.Lines[i]
			q := qty[l.ID]
			if q == 0 {
				continue
			}
			d := inventory.Deduction(l.Shipped, l.Invoiced, l.Shipped, l.Invoiced+q)
			c.add(l.ItemID, l.WarehouseID, -d, -d)
			l.Invoiced += q
		}
		lineIDs, qs := lineQuantities(o.Lines, qty)
		c.head = inlineSQL(`WITH v AS (
				INSERT INTO invoices (order_id, created_by) VALUES ($1, $2) RETURNING id),
			vl AS (INSERT INTO invoice_lines (invoice_id, order_line_id, quantity) SELECT v.id, l, q FROM v, unnest($3, $4) AS u(l, q)),
			ol AS (UPDATE sales_order_lines SET invoiced = invoiced + u.q FROM unnest($3, $4) AS u(l, q) WHERE id = u.l),
			so AS (UPDATE sales_orders SET status = $5, updated_at = now() WHERE id = $1)
			SELECT id FROM v`, orderID, by, lineIDs, qs, orderStatus(o.Lines))
		return nil
	}, &inv)
	return inv, err
}

// orderStatus is open until every unit is shipped and invoiced.
func orderStatus(lines []inventory.OrderLine) inlineText {
	if inventory.Fulfilled(lines) {
		return inventory.OrderFulfilled
	}
	return inventory.OrderOpen
}
