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
		status := "packed"
		if shipNow {
			status = "shipped"
		}
		if err := tx.GetContext(ctx, &pkg, `INSERT INTO packages (order_id, status, created_by, shipped_at)
			VALUES ($1, $2, $3, CASE WHEN $2 = 'shipped' THEN now() END) RETURNING id`, orderID, status, by); err != nil {
			return fmt.Errorf("store: create package: %w", err)
		}
		var lineIDs, qs []int64
		for _, l := range o.Lines {
			if q := qty[l.ID]; q > 0 {
				lineIDs, qs = append(lineIDs, l.ID), append(qs, q)
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO package_lines (package_id, order_line_id, quantity)
			SELECT $1, l, q FROM unnest($2::bigint[], $3::bigint[]) AS u(l, q)`, pkg, pq.Array(lineIDs), pq.Array(qs)); err != nil {
			return fmt.Errorf("store: package lines: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sales_order_lines SET packed = packed + u.q
			FROM unnest($1::bigint[], $2::bigint[]) AS u(l, q) WHERE id = u.l`, pq.Array(lineIDs), pq.Array(qs)); err != nil {
			return fmt.Errorf("store: mark packed: %w", err)
		}
		if !shipNow {
			return nil
		}
		for i := range o.Lines {
			o.Lines[i].Packed += qty[o.Lines[i].ID]
		}
		return ship(ctx, tx, c, o, qty, by)
	})
	return pkg, err
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
		res, err := tx.ExecContext(ctx, `UPDATE packages SET status = 'shipped', shipped_at = now()
			WHERE id = $1 AND order_id = $2 AND status = 'packed'`, pkg, orderID)
		if err != nil {
			return fmt.Errorf("store: ship package: %w", err)
		}
		if err := mustAffect(res, inventory.ErrNotFound); err != nil {
			return err
		}
		var rows []struct {
			Line int64 `db:"order_line_id"`
			Qty  int64 `db:"quantity"`
		}
		if err := tx.SelectContext(ctx, &rows, `SELECT order_line_id, quantity FROM package_lines WHERE package_id = $1`, pkg); err != nil {
			return fmt.Errorf("store: package lines: %w", err)
		}
		qty := map[int64]int64{}
		for _, r := range rows {
			qty[r.Line] = r.Qty
		}
		return ship(ctx, tx, c, o, qty, by)
	})
}

// ship marks units shipped; stock on hand falls only by units not already
// invoiced (each unit leaves once).
func ship(ctx context.Context, tx *sqlx.Tx, c *stockChange, o inventory.SalesOrder, qty map[int64]int64, by int64) error {
	*c = stockChange{kind: "shipment", docID: o.ID, user: &by}
	var lineIDs, qs []int64
	for i := range o.Lines {
		l := &o.Lines[i]
		q := qty[l.ID]
		if q == 0 {
			continue
		}
		d := inventory.Deduction(l.Shipped, l.Invoiced, l.Shipped+q, l.Invoiced)
		c.add(l.ItemID, l.WarehouseID, -d, -d)
		l.Shipped += q
		lineIDs, qs = append(lineIDs, l.ID), append(qs, q)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE sales_order_lines SET shipped = shipped + u.q
		FROM unnest($1::bigint[], $2::bigint[]) AS u(l, q) WHERE id = u.l`, pq.Array(lineIDs), pq.Array(qs)); err != nil {
		return fmt.Errorf("store: mark shipped: %w", err)
	}
	return closeIfFulfilled(ctx, tx, o)
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
		if err := tx.GetContext(ctx, &inv, `INSERT INTO invoices (order_id, created_by) VALUES ($1, $2) RETURNING id`, orderID, by); err != nil {
			return fmt.Errorf("store: create invoice: %w", err)
		}
		*c = stockChange{kind: "invoice", docID: orderID, user: &by}
		var lineIDs, qs []int64
		for i := range o.Lines {
			l := &o.Lines[i]
			q := qty[l.ID]
			if q == 0 {
				continue
			}
			d := inventory.Deduction(l.Shipped, l.Invoiced, l.Shipped, l.Invoiced+q)
			c.add(l.ItemID, l.WarehouseID, -d, -d)
			l.Invoiced += q
			lineIDs, qs = append(lineIDs, l.ID), append(qs, q)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO invoice_lines (invoice_id, order_line_id, quantity)
			SELECT $1, l, q FROM unnest($2::bigint[], $3::bigint[]) AS u(l, q)`, inv, pq.Array(lineIDs), pq.Array(qs)); err != nil {
			return fmt.Errorf("store: invoice lines: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sales_order_lines SET invoiced = invoiced + u.q
			FROM unnest($1::bigint[], $2::bigint[]) AS u(l, q) WHERE id = u.l`, pq.Array(lineIDs), pq.Array(qs)); err != nil {
			return fmt.Errorf("store: mark invoiced: %w", err)
		}
		return closeIfFulfilled(ctx, tx, o)
	})
	return inv, err
}

func closeIfFulfilled(ctx context.Context, tx *sqlx.Tx, o inventory.SalesOrder) error {
	status := inventory.OrderOpen
	if inventory.Fulfilled(o.Lines) {
		status = inventory.OrderFulfilled
	}
	if _, err := tx.ExecContext(ctx, `UPDATE sales_orders SET status = $2, updated_at = now() WHERE id = $1`, o.ID, status); err != nil {
		return fmt.Errorf("store: order status: %w", err)
	}
	return nil
}
