package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"

	"stocksync/internal/inventory"
)

// CreateSalesOrder records a manual order; each line commits its quantity.
func (s *Store) CreateSalesOrder(ctx context.Context, o inventory.Order, by int64) (int64, error) {
	var id int64
	c := stockChange{doc: "order", by: by, args: append([]any{o.Customer, docDate(o.Date), o.Reference}, lineArrays(o.Lines, true)...)}
	for _, l := range o.Lines {
		c.add(l.ItemID, l.WarehouseID, 0, l.Quantity)
	}
	err := s.stockDoc(ctx, c, &id)
	return id, err
}

const orderColumns = `o.id, o.customer, o.ordered_on, o.reference, o.status, o.source, o.channel_id, o.frozen,
	u.email AS created_by_email, o.created_at, ch.name AS channel_name, o.external_order_id, o.channel_order_number,
	o.channel_status, o.channel_updated_at, o.currency, o.fulfilled_by_channel`

// A line of an online order may have no item yet (its listing is
// unconfirmed): it reads as item 0 with the name and SKU the channel sent.
const orderLineColumns = `l.id, l.line_no, COALESCE(l.item_id, 0) AS item_id, COALESCE(i.name, l.line_name) AS item_name,
	COALESCE(i.sku, l.line_sku) AS item_sku, l.warehouse_id,
	w.name AS warehouse_name, l.quantity, l.rate, l.packed, l.shipped, l.invoiced, l.channel_item_id`

// SalesOrder reads an order with its lines, packages and invoices.
func (s *Store) SalesOrder(ctx context.Context, id int64) (inventory.SalesOrder, error) {
	var o inventory.SalesOrder
	err := s.DB.GetContext(ctx, &o, `SELECT `+orderColumns+` FROM sales_orders o LEFT JOIN users u ON u.id = o.created_by
		LEFT JOIN channels ch ON ch.id = o.channel_id WHERE o.id = $1`, id)
	if err != nil {
		return o, fmt.Errorf("store: sales order %d: %w", id, notFound(err, inventory.ErrNotFound))
	}
	if o.Lines, err = orderLines(ctx, s.DB, id); err != nil {
		return o, err
	}
	if err := s.DB.SelectContext(ctx, &o.Packages, `SELECT p.id, p.status, u.email AS created_by_email, p.created_at, p.shipped_at,
		COALESCE((SELECT sum(quantity) FROM package_lines pl WHERE pl.package_id = p.id), 0) AS units
		FROM packages p LEFT JOIN users u ON u.id = p.created_by WHERE p.order_id = $1 ORDER BY p.id`, id); err != nil {
		return o, fmt.Errorf("store: packages: %w", err)
	}
	if err := s.DB.SelectContext(ctx, &o.Invoices, `SELECT v.id, u.email AS created_by_email, v.created_at,
		COALESCE((SELECT sum(il.quantity) FROM invoice_lines il WHERE il.invoice_id = v.id), 0) AS units,
		COALESCE((SELECT sum(il.quantity * l.rate) FROM invoice_lines il JOIN sales_order_lines l ON l.id = il.order_line_id
			WHERE il.invoice_id = v.id), 0) AS amount
		FROM invoices v LEFT JOIN users u ON u.id = v.created_by WHERE v.order_id = $1 ORDER BY v.id`, id); err != nil {
		return o, fmt.Errorf("store: invoices: %w", err)
	}
	return o, nil
}

type selecter interface {
	SelectContext(ctx context.Context, dest any, query string, args ...any) error
}

func orderLines(ctx context.Context, q selecter, order int64) ([]inventory.OrderLine, error) {
	var ls []inventory.OrderLine
	query := `SELECT ` + orderLineColumns + ` FROM sales_order_lines l LEFT JOIN items i ON i.id = l.item_id
		JOIN warehouses w ON w.id = l.warehouse_id WHERE l.order_id = $1 ORDER BY l.line_no`
	if err := q.SelectContext(ctx, &ls, query, order); err != nil {
		return nil, fmt.Errorf("store: sales order lines: %w", err)
	}
	return ls, nil
}

// orderFilter is a list status as a predicate on the order row alone: the
// line and package facts it needs are kept on the order (00026), and each
// predicate is the text of a partial index's, so a page is an index range.
func orderFilter(status string) string {
	switch status {
	case inventory.OrderFulfilled, inventory.OrderCancelled:
		return "o.status = '" + status + "'"
	case inventory.OrdersNotShipped:
		return "o.status = 'open' AND NOT o.frozen AND NOT o.any_shipped"
	case inventory.OrdersFrozen:
		return "o.status = 'open' AND o.frozen"
	case inventory.OrdersPartiallyShipped:
		return "o.status = 'open' AND o.any_shipped AND NOT o.all_shipped"
	case inventory.OrdersShipped:
		return "o.status IN ('open', 'fulfilled') AND o.all_shipped AND NOT o.all_invoiced"
	case inventory.OrdersInvoiced:
		return "o.status IN ('open', 'fulfilled') AND o.all_invoiced"
	case inventory.OrdersToPack:
		return "o.status = 'open' AND NOT o.frozen AND o.any_to_pack AND NOT o.fulfilled_by_channel"
	case inventory.OrdersToShip:
		return "o.status = 'open' AND NOT o.frozen AND o.any_packed_package"
	}
	return "true"
}

// ListSalesOrders is a page of orders, newest first, below id f.Before,
// filtered by marketplace, status, text and order date.
func (s *Store) ListSalesOrders(ctx context.Context, f inventory.OrderFilter) ([]inventory.OrderRow, int64, error) {
	q, args := salesOrdersQuery(f)
	if q == "" {
		return nil, 0, nil
	}
	rows, err := s.queryOrderPage(ctx, q, args, strings.TrimSpace(f.Q) == "")
	if err != nil {
		return nil, 0, fmt.Errorf("store: list sales orders: %w", err)
	}
	defer rows.Close()
	// Scanned by hand, as the items list: reflection over a page of rows
	// cost more than the statement.
	rs := make([]inventory.OrderRow, 0, f.Limit+1)
	for rows.Next() {
		var r inventory.OrderRow
		if err := rows.Scan(&r.ID, &r.Customer, &r.OrderedOn, &r.Reference, &r.Status, &r.Source, &r.Frozen,
			&r.ChannelID, &r.ChannelName, &r.ChannelOrderNumber, &r.FulfilledByChannel, &r.Units, &r.Amount); err != nil {
			return nil, 0, fmt.Errorf("store: list sales orders: %w", err)
		}
		rs = append(rs, r)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("store: list sales orders: %w", err)
	}
	return pageOf(rs, f.Limit, func(r inventory.OrderRow) int64 { return r.ID })
}

// salesOrdersQuery is the statement of a page of the orders list and its
// arguments; "" for a marketplace that is no channel id.
func salesOrdersQuery(f inventory.OrderFilter) (string, []any) {
	where := []string{orderFilter(f.Status)}
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	switch f.Marketplace {
	case "":
	case "manual":
		where = append(where, "o.channel_id IS NULL")
	default:
		id, err := strconv.ParseInt(f.Marketplace, 10, 64)
		if err != nil {
			return "", nil
		}
		where = append(where, "o.channel_id = "+arg(id))
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		like := arg("%" + likeEscape(q) + "%")
		cond := "(o.customer ILIKE " + like + " OR o.reference ILIKE " + like + " OR o.channel_order_number ILIKE " + like
		if n, err := strconv.ParseInt(strings.TrimPrefix(q, "#"), 10, 64); err == nil {
			cond += " OR o.id = " + arg(n)
		}
		where = append(where, cond+")")
	}
	if !f.From.IsZero() {
		where = append(where, "o.ordered_on >= "+arg(docDate(f.From)))
	}
	if !f.To.IsZero() {
		where = append(where, "o.ordered_on <= "+arg(docDate(f.To)))
	}
	if f.Before > 0 {
		where = append(where, "o.id < "+arg(f.Before))
	}
	return `SELECT o.id, o.customer, o.ordered_on, o.reference, o.status, o.source, o.frozen,
		o.channel_id, ch.name AS channel_name, o.channel_order_number, o.fulfilled_by_channel,
		COALESCE(t.units, 0) AS units, COALESCE(t.amount, 0) AS amount
		FROM sales_orders o LEFT JOIN channels ch ON ch.id = o.channel_id
		CROSS JOIN LATERAL (SELECT sum(quantity) AS units, sum(quantity * rate) AS amount
			FROM sales_order_lines l WHERE l.order_id = o.id) t
		WHERE ` + strings.Join(where, " AND ") + ` ORDER BY o.id DESC LIMIT ` + strconv.Itoa(f.Limit+1), args
}

// queryOrderPage runs a statement of the orders list. Without a search its
// text is one of a few dozen shapes, each an index range whatever the
// marketplace or cursor: prepared, it is neither parsed nor planned again.
// (The limit is written in the text: as a parameter, the plan kept for
// every marketplace would be costed for a tenth of the orders, past the
// JIT threshold, and compiling it cost 80 ms a page.) A search is planned
// for its own text, as its selectivity varies.
func (s *Store) queryOrderPage(ctx context.Context, q string, args []any, prepare bool) (*sql.Rows, error) {
	if !prepare {
		return s.DB.QueryContext(ctx, q, args...)
	}
	st, err := s.prepared(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

type OrderCounts struct {
	Frozen int `db:"frozen"`
	Open   int `db:"open"`
	ToPack int `db:"to_pack"`
	ToShip int `db:"to_ship"`
}

func (s *Store) OrderCounts(ctx context.Context) (OrderCounts, error) {
	var c OrderCounts
	err := s.DB.GetContext(ctx, &c, `SELECT
		(SELECT count(*) FROM sales_orders o WHERE `+orderFilter(inventory.OrdersFrozen)+`) AS frozen,
		(SELECT count(*) FROM sales_orders o WHERE `+orderFilter(inventory.OrdersNotShipped)+`) AS open,
		(SELECT count(*) FROM sales_orders o WHERE `+orderFilter(inventory.OrdersToPack)+`) AS to_pack,
		(SELECT count(*) FROM sales_orders o WHERE `+orderFilter(inventory.OrdersToShip)+`) AS to_ship`)
	if err != nil {
		return c, fmt.Errorf("store: order counts: %w", err)
	}
	return c, nil
}

// orderStateQuery reads what the stock paths use of an order and its
// lines, with each row's version (xmin); lockOrderQuery locks them too.
const orderStateQuery = `SELECT o.status, o.frozen, o.fulfilled_by_channel, o.xmin::text AS order_version,
		l.xmin::text AS line_version, ` + orderLineColumns + `
	FROM sales_orders o JOIN sales_order_lines l ON l.order_id = o.id
	LEFT JOIN items i ON i.id = l.item_id JOIN warehouses w ON w.id = l.warehouse_id
	WHERE o.id = $1 ORDER BY l.line_no`

const lockOrderQuery = orderStateQuery + ` FOR UPDATE OF o, l`

type orderStateRow struct {
	Status             string `db:"status"`
	Frozen             bool   `db:"frozen"`
	FulfilledByChannel bool   `db:"fulfilled_by_channel"`
	OrderVersion       string `db:"order_version"`
	LineVersion        string `db:"line_version"`
	inventory.OrderLine
}

// orderState is the order its rows make, and their versions: the order's,
// then each line's in line order.
func orderState(id int64, rows []orderStateRow) (inventory.SalesOrder, []string, error) {
	if len(rows) == 0 {
		return inventory.SalesOrder{}, nil, fmt.Errorf("store: sales order %d: %w", id, inventory.ErrNotFound)
	}
	o := inventory.SalesOrder{ID: id, Status: rows[0].Status, Frozen: rows[0].Frozen, FulfilledByChannel: rows[0].FulfilledByChannel}
	versions := []string{rows[0].OrderVersion}
	for _, r := range rows {
		o.Lines = append(o.Lines, r.OrderLine)
		versions = append(versions, r.LineVersion)
	}
	return o, versions, nil
}

// lockOrder takes the order's row lock and its lines' (before any stock
// lock, in every path) in one statement: rows come sorted by line, and each
// is locked as it is returned. Only the fields the stock paths use are read.
// Prepared, it is one round trip.
func (s *Store) lockOrder(ctx context.Context, tx *sqlx.Tx, id int64) (inventory.SalesOrder, error) {
	var rows []orderStateRow
	st, err := s.stockStatement(tx, lockOrderQuery)
	if err != nil {
		return inventory.SalesOrder{}, err
	}
	if err := st.SelectContext(ctx, &rows, id); err != nil {
		return inventory.SalesOrder{}, fmt.Errorf("store: lock sales order %d: %w", id, err)
	}
	o, _, err := orderState(id, rows)
	return o, err
}

// readOrder reads the order as lockOrder does, without a lock, with the
// versions that tell whether it changed since.
func (s *Store) readOrder(ctx context.Context, id int64) (inventory.SalesOrder, []string, error) {
	st, err := s.prepared(ctx, orderStateQuery)
	if err != nil {
		return inventory.SalesOrder{}, nil, err
	}
	var rows []orderStateRow
	if err := st.SelectContext(ctx, &rows, id); err != nil {
		return inventory.SalesOrder{}, nil, fmt.Errorf("store: read sales order %d: %w", id, err)
	}
	return orderState(id, rows)
}

// CancelSalesOrder releases what the order still commits (nothing, for an
// order its channel fulfils).
func (s *Store) CancelSalesOrder(ctx context.Context, id, by int64) error {
	return s.orderDoc(ctx, id, func(o inventory.SalesOrder, c *stockChange) error {
		if o.Status != inventory.OrderOpen {
			return inventory.ErrNotOpen
		}
		*c = stockChange{doc: "cancel", by: by, args: []any{id}}
		if !o.Commits() {
			return nil // its channel's stock: nothing of ours to release
		}
		for _, l := range o.Lines {
			c.add(l.ItemID, l.WarehouseID, 0, -l.CommittedIn(o.Status))
		}
		return nil
	})
}
