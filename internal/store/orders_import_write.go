package store

import (
	"context"
	"fmt"
	"slices"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"stocksync/internal/inventory"
)

const timestampLayout = "2006-01-02T15:04:05.999999Z07:00"

// orderWrite gathers what a page's stored orders need written: lines to
// replace and insert, orders to close or to mark shipped by their
// channel, and the stock movements.
type orderWrite struct {
	channel   int64
	warehouse int64
	replace   []int64 // orders whose lines are deleted before the new ones go in
	cancel    []int64 // open orders cancelled on the channel
	// shipAll are open orders whose kept lines the channel shipped (an FBA
	// order it reports shipped, partly invoiced here already).
	shipAll []int64
	// frozen is the flag of each order whose lines or status changed:
	// open with a line of an unconfirmed listing (§1.5).
	frozen map[int64]bool
	lines  struct {
		order, item, listing, qty []int64
		shipped                   []int64 // packed and shipped by the channel
		lineNo                    []int64
		rates                     []inventory.Money
		ext, sku, name            []string
	}
	moves []orderMove
	// sold is what new orders took of each listing: the channel lowered
	// its own stock by it when it sold, so what it shows drops with it.
	sold struct{ listing, qty []int64 }
}

// orderMove is a change of committed stock recorded against an order.
type orderMove struct {
	kind                 string // order or cancel
	order, item, wh, qty int64
}

type oldLine struct {
	OrderID     int64 `db:"order_id"`
	ItemID      int64 `db:"item_id"`
	WarehouseID int64 `db:"warehouse_id"`
	Quantity    int64 `db:"quantity"`
	Packed      int64 `db:"packed"`
	Shipped     int64 `db:"shipped"`
	Invoiced    int64 `db:"invoiced"`
}

// plan decides, per stored order: a new order gets its lines; an updated
// one not yet packed or invoiced here has its lines replaced (its old
// commitment released, the new one made); one whose processing has begun
// keeps its lines, and only a cancellation on the channel reaches it. The
// lines of an open order the channel fulfils and reports shipped are
// shipped (by the channel) either way; the order stays open until it is
// invoiced, as one we ship does.
func (w *orderWrite) plan(ctx context.Context, tx *sqlx.Tx, stored []storedOrder, kept []keptOrder, listings map[string]resolvedListing) error {
	byExt := make(map[string]*keptOrder, len(kept))
	for i := range kept {
		byExt[kept[i].ExternalID] = &kept[i]
	}
	var updatedIDs []int64
	for _, o := range stored {
		if !o.Inserted {
			updatedIDs = append(updatedIDs, o.ID)
		}
	}
	old := map[int64][]oldLine{}
	if len(updatedIDs) > 0 {
		var ls []oldLine
		if err := tx.SelectContext(ctx, &ls, `SELECT order_id, COALESCE(item_id, 0) AS item_id, warehouse_id, quantity, packed,
			shipped, invoiced FROM sales_order_lines WHERE order_id = ANY($1) ORDER BY order_id, line_no`, pq.Array(updatedIDs)); err != nil {
			return fmt.Errorf("read order lines: %w", err)
		}
		for _, l := range ls {
			old[l.OrderID] = append(old[l.OrderID], l)
		}
	}
	for _, o := range stored {
		k := byExt[o.ExternalID]
		open := o.Status == inventory.OrderOpen
		if o.Inserted {
			w.addLines(o.ID, k, listings, open, open && !o.ByChannel, open && o.ByChannel && k.ShippedByChannel)
			if open && !o.ByChannel {
				w.addSold(k, listings)
			}
			continue
		}
		if o.Status != inventory.OrderOpen {
			continue // cancelled or fulfilled here: the channel's later news changes only its header
		}
		lines := old[o.ID]
		begun := false
		for _, l := range lines {
			begun = begun || l.Packed > 0 || l.Invoiced > 0
		}
		if o.ByChannel {
			lines = nil // they committed nothing, so nothing is released
		}
		shipped := o.ByChannel && k.ShippedByChannel && !k.Cancelled
		if begun {
			switch {
			case k.Cancelled:
				w.cancel = append(w.cancel, o.ID)
				w.frozen[o.ID] = false
				for _, l := range lines {
					w.move("cancel", o.ID, l.ItemID, l.WarehouseID, -committedOf(l))
				}
			case shipped:
				w.shipAll = append(w.shipAll, o.ID)
			}
			continue
		}
		kind := "order"
		if k.Cancelled {
			kind = "cancel"
			w.cancel = append(w.cancel, o.ID)
		}
		for _, l := range lines {
			w.move(kind, o.ID, l.ItemID, l.WarehouseID, -committedOf(l))
		}
		w.replace = append(w.replace, o.ID)
		w.addLines(o.ID, k, listings, !k.Cancelled, !k.Cancelled && !o.ByChannel, shipped)
	}
	return nil
}

func committedOf(l oldLine) int64 {
	if l.ItemID == 0 {
		return 0
	}
	return inventory.Committed(l.Quantity, l.Shipped, l.Invoiced)
}

// addLines writes k's lines to the order. An open order with a line of an
// unconfirmed listing is frozen, whoever fulfils it (§1.5); only an order
// that commits holds back stock for its linked lines; the lines of one its
// channel shipped are written shipped.
func (w *orderWrite) addLines(orderID int64, k *keptOrder, listings map[string]resolvedListing, open, commits, shipped bool) {
	w.frozen[orderID] = false
	for n, j := range k.lines {
		l := k.Lines[j]
		ci := listings[k.refs[n].externalID]
		var item int64
		if ci.ItemID != nil {
			item = *ci.ItemID
		}
		w.lines.order = append(w.lines.order, orderID)
		w.lines.lineNo = append(w.lines.lineNo, int64(n+1))
		w.lines.item = append(w.lines.item, item)
		w.lines.listing = append(w.lines.listing, ci.ID)
		w.lines.qty = append(w.lines.qty, l.Quantity)
		if shipped {
			w.lines.shipped = append(w.lines.shipped, l.Quantity)
		} else {
			w.lines.shipped = append(w.lines.shipped, 0)
		}
		w.lines.rates = append(w.lines.rates, l.Rate)
		w.lines.ext = append(w.lines.ext, l.ExternalID)
		w.lines.sku = append(w.lines.sku, l.SKU)
		w.lines.name = append(w.lines.name, l.Name)
		if item == 0 && open {
			w.frozen[orderID] = true
		}
		if commits && item != 0 {
			w.move("order", orderID, item, w.warehouse, l.Quantity)
		}
	}
}

func (w *orderWrite) addSold(k *keptOrder, listings map[string]resolvedListing) {
	for n, j := range k.lines {
		if ci := listings[k.refs[n].externalID]; ci.ItemID != nil {
			w.sold.listing = append(w.sold.listing, ci.ID)
			w.sold.qty = append(w.sold.qty, k.Lines[j].Quantity)
		}
	}
}

func (w *orderWrite) move(kind string, order, item, wh, qty int64) {
	if item == 0 || qty == 0 {
		return
	}
	w.moves = append(w.moves, orderMove{kind, order, item, wh, qty})
}

func (w *orderWrite) write(ctx context.Context, tx *sqlx.Tx) error {
	if len(w.replace) > 0 {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sales_order_lines WHERE order_id = ANY($1)`, pq.Array(w.replace)); err != nil {
			return fmt.Errorf("replace order lines: %w", err)
		}
	}
	if len(w.lines.order) > 0 {
		if _, err := tx.ExecContext(ctx, `INSERT INTO sales_order_lines (order_id, line_no, item_id, warehouse_id, quantity, rate,
				channel_item_id, external_line_id, line_sku, line_name, packed, shipped)
			SELECT u.o, u.n, NULLIF(u.i, 0), $1, u.q, u.r, u.c, u.e, u.s, u.m, u.sh, u.sh
			FROM unnest($2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::numeric[], $7::bigint[], $8::text[], $9::text[], $10::text[],
				$11::bigint[]) AS u(o, n, i, q, r, c, e, s, m, sh)`,
			w.warehouse, pq.Array(w.lines.order), pq.Array(w.lines.lineNo), pq.Array(w.lines.item), pq.Array(w.lines.qty),
			moneyArray(w.lines.rates), pq.Array(w.lines.listing), pq.Array(w.lines.ext), pq.Array(w.lines.sku), pq.Array(w.lines.name),
			pq.Array(w.lines.shipped)); err != nil {
			return fmt.Errorf("insert order lines: %w", err)
		}
	}
	if len(w.cancel) > 0 {
		if _, err := tx.ExecContext(ctx, `UPDATE sales_orders SET status = 'cancelled', updated_at = now() WHERE id = ANY($1)`,
			pq.Array(w.cancel)); err != nil {
			return fmt.Errorf("cancel orders: %w", err)
		}
	}
	if len(w.shipAll) > 0 {
		if _, err := tx.ExecContext(ctx, `UPDATE sales_order_lines SET packed = quantity, shipped = quantity
			WHERE order_id = ANY($1) AND shipped < quantity`,
			pq.Array(w.shipAll)); err != nil {
			return fmt.Errorf("orders shipped by their channel: %w", err)
		}
	}
	// New orders were inserted with the facts their lines give; orders
	// whose lines changed here get theirs from the lines.
	if changed := distinct(append(slices.Clip(w.replace), w.shipAll...)); len(changed) > 0 {
		if _, err := tx.ExecContext(ctx, `SELECT sales_order_flags($1)`, pq.Array(changed)); err != nil {
			return fmt.Errorf("order facts: %w", err)
		}
	}
	if len(w.frozen) == 0 {
		return nil
	}
	// The flags are known from the lines just written: asking the lines
	// table instead let the planner scan every waiting line per order
	// (sales_order_lines_waiting) once its statistics lagged.
	ids, flags := make([]int64, 0, len(w.frozen)), make([]bool, 0, len(w.frozen))
	for id, f := range w.frozen {
		ids, flags = append(ids, id), append(flags, f)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE sales_orders o SET frozen = u.f, updated_at = now()
		FROM unnest($1::bigint[], $2::boolean[]) AS u(id, f) WHERE o.id = u.id AND o.frozen <> u.f`,
		pq.Array(ids), pq.Array(flags)); err != nil {
		return fmt.Errorf("freeze orders: %w", err)
	}
	return nil
}

// lowerShown takes what new orders sold off what their channel shows (and
// off a quantity being sent: a push the channel takes was applied before
// the sale, which its check of the previous quantity ensures); a listing
// whose last push was refused because of that sale is tried again at once.
// It runs after the page's stock is written, so its locks come in the
// order every document takes them: balances, then listings by id.
func (w *orderWrite) lowerShown(ctx context.Context, tx *sqlx.Tx) error {
	if len(w.sold.listing) == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, `WITH u AS (
		SELECT id, sum(q) AS q FROM unnest($2::bigint[], $3::bigint[]) AS u(id, q) GROUP BY id
	), l AS (
		SELECT ci.id, u.q FROM channel_items ci JOIN u ON u.id = ci.id
		WHERE ci.channel_id = $1 AND ci.pushed_quantity IS NOT NULL ORDER BY ci.id FOR NO KEY UPDATE OF ci
	) UPDATE channel_items ci SET pushed_quantity = GREATEST(ci.pushed_quantity - l.q, 0), shown_at = now(),
		push_sending = CASE WHEN ci.push_sending IS NOT NULL THEN GREATEST(ci.push_sending - l.q, 0) END,
		push_retry_at = CASE WHEN ci.push_stale THEN NULL ELSE ci.push_retry_at END
		FROM l WHERE ci.channel_id = $1 AND ci.id = l.id`, w.channel, pq.Array(w.sold.listing), pq.Array(w.sold.qty))
	if err != nil {
		return fmt.Errorf("lower shown quantities: %w", err)
	}
	return nil
}

// applyCommitments writes the page's changes of committed stock, netted
// per order, item and warehouse, with the ledger, balances and item totals
// (stock_apply_many, migration 00022), then tells the availability hook.
func (s *Store) applyCommitments(ctx context.Context, tx *sqlx.Tx, moves []orderMove) error {
	type key struct {
		kind            string
		order, item, wh int64
	}
	net := map[key]int64{}
	var keys []key
	for _, m := range moves {
		k := key{m.kind, m.order, m.item, m.wh}
		if _, ok := net[k]; !ok {
			keys = append(keys, k)
		}
		net[k] += m.qty
	}
	byKind := map[string]*[5][]int64{}
	var changed []movement
	for _, k := range keys {
		q := net[k]
		if q == 0 {
			continue
		}
		a := byKind[k.kind]
		if a == nil {
			a = &[5][]int64{}
			byKind[k.kind] = a
		}
		a[0], a[1], a[2], a[3], a[4] = append(a[0], k.order), append(a[1], k.item), append(a[2], k.wh), append(a[3], 0), append(a[4], q)
		changed = append(changed, movement{item: k.item, warehouse: k.wh, committed: q})
	}
	for _, kind := range []string{"order", "cancel"} {
		a := byKind[kind]
		if a == nil {
			continue
		}
		if _, err := tx.ExecContext(ctx, `SELECT stock_apply_many($1, NULL, $2, $3, $4, $5, $6)`, kind,
			pq.Array(a[0]), pq.Array(a[1]), pq.Array(a[2]), pq.Array(a[3]), pq.Array(a[4])); err != nil {
			return fmt.Errorf("store: commit stock: %w", err)
		}
	}
	return s.availabilityChanged(ctx, tx, availabilityChanged(changed))
}
