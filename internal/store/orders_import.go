package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"stocksync/internal/inventory"
)

// OrderImport is what ImportOnlineOrders did with one page of orders.
type OrderImport struct {
	Imported    int     // orders inserted or updated
	Skipped     int     // orders whose stored copy was as new or newer
	NewListings int     // listings created as unconfirmed by a line naming one never seen
	OrderIDs    []int64 // the orders inserted or updated
	// Blocked are listings a person unlinked (§1.6): their lines were left
	// out, and an order with no other line was not imported.
	Blocked []BlockedListing
}

// BlockedListing names a listing whose order lines were left out.
type BlockedListing struct {
	ID         int64  `db:"id"`
	ExternalID string `db:"external_id"`
	Label      string `db:"label"`
}

// listingRef is the listing a line sold, as the channel named it.
type listingRef struct {
	externalID, sku, name string
	price                 inventory.Money
}

type resolvedListing struct {
	ID         int64  `db:"id"`
	ExternalID string `db:"external_id"`
	ItemID     *int64 `db:"item_id"`
	Blocked    bool   `db:"auto_link_blocked"`
	Label      string `db:"label"`
}

// ImportOnlineOrders stores one page of a channel's orders in one
// transaction with a few statements whatever the page's size (DESIGN §1.5,
// 1.6, 1.7):
//
//   - each line's listing is found by the channel's id, else by SKU; one
//     never seen is created, unconfirmed;
//   - orders are upserted by (channel, external id), and only a copy newer
//     (by the channel's updated time) than the stored one changes it, so
//     re-imports, webhooks and polls racing each other leave one order;
//   - lines of linked listings commit stock in the channel's warehouse, an
//     order with a line of an unconfirmed listing is frozen, an order
//     cancelled on the channel commits nothing;
//   - lines of listings a person unlinked are left out and reported.
//
// Locks are taken listings first, then orders, then stock: the order in
// which settling a listing takes them (settleOrdersOf), so the two never
// deadlock, and a listing settled meanwhile is seen settled here.
func (s *Store) ImportOnlineOrders(ctx context.Context, channelID int64, orders []inventory.OnlineOrder) (OrderImport, error) {
	var out OrderImport
	orders = newestPerOrder(orders)
	if len(orders) == 0 {
		return out, nil
	}
	if err := s.ensureListingsPartition(ctx, channelID); err != nil {
		return out, err
	}
	err := s.InTx(ctx, func(tx *sqlx.Tx) error {
		out = OrderImport{}
		var ch struct {
			Warehouse int64 `db:"warehouse"`
		}
		if err := tx.GetContext(ctx, &ch, `SELECT COALESCE(c.default_warehouse_id, (SELECT min(id) FROM warehouses)) AS warehouse
			FROM channels c WHERE c.id = $1`, channelID); err != nil {
			return fmt.Errorf("store: import orders: channel %d: %w", channelID, notFound(err, ErrChannelNotFound))
		}
		refs, err := lineListings(ctx, tx, channelID, orders)
		if err != nil {
			return err
		}
		listings, created, err := ensureOrderListings(ctx, tx, channelID, refs)
		if err != nil {
			return err
		}
		out.NewListings = created
		kept, blocked := dropBlockedLines(orders, refs, listings)
		out.Blocked = blocked
		if len(kept) == 0 {
			return nil
		}
		stored, err := upsertOrders(ctx, tx, channelID, kept)
		if err != nil {
			return err
		}
		out.Skipped = len(kept) - len(stored)
		out.Imported = len(stored)
		w := orderWrite{warehouse: ch.Warehouse, frozen: map[int64]bool{}}
		if err := w.plan(ctx, tx, stored, kept, listings); err != nil {
			return err
		}
		if err := w.write(ctx, tx); err != nil {
			return err
		}
		for _, o := range stored {
			out.OrderIDs = append(out.OrderIDs, o.ID)
		}
		return s.applyCommitments(ctx, tx, w.moves)
	})
	if err != nil {
		return OrderImport{}, fmt.Errorf("store: import orders: %w", err)
	}
	return out, nil
}

// newestPerOrder keeps one copy of each order, the newest, sorted by id so
// concurrent imports lock orders in one order.
func newestPerOrder(orders []inventory.OnlineOrder) []inventory.OnlineOrder {
	byID := map[string]int{}
	var out []inventory.OnlineOrder
	for _, o := range orders {
		if i, ok := byID[o.ExternalID]; ok {
			if !o.UpdatedAt.Before(out[i].UpdatedAt) {
				out[i] = o
			}
			continue
		}
		byID[o.ExternalID] = len(out)
		out = append(out, o)
	}
	slices.SortFunc(out, func(a, b inventory.OnlineOrder) int { return strings.Compare(a.ExternalID, b.ExternalID) })
	return out
}

// lineListings names each line's listing by the channel's external id: the
// line's own, else the one listing holding its SKU (the oldest when several
// do), else a listing made for it ("sku:…" or, with no SKU, "name:…").
// refs is indexed [order][line].
func lineListings(ctx context.Context, tx *sqlx.Tx, channelID int64, orders []inventory.OnlineOrder) ([][]listingRef, error) {
	var skus []string
	for _, o := range orders {
		for _, l := range o.Lines {
			if l.ListingExternalID == "" && l.SKU != "" {
				skus = append(skus, l.SKU)
			}
		}
	}
	bySKU := map[string]string{}
	if len(skus) > 0 {
		var rows []struct {
			SKU        string `db:"sku"`
			ExternalID string `db:"external_id"`
		}
		if err := tx.SelectContext(ctx, &rows, `SELECT DISTINCT ON (sku) sku, external_id FROM channel_items
			WHERE channel_id = $1 AND sku = ANY($2) ORDER BY sku, id`, channelID, pq.Array(skus)); err != nil {
			return nil, fmt.Errorf("listings by sku: %w", err)
		}
		for _, r := range rows {
			bySKU[r.SKU] = r.ExternalID
		}
	}
	refs := make([][]listingRef, len(orders))
	for i, o := range orders {
		refs[i] = make([]listingRef, len(o.Lines))
		for j, l := range o.Lines {
			ext := l.ListingExternalID
			switch {
			case ext != "":
			case l.SKU != "" && bySKU[l.SKU] != "":
				ext = bySKU[l.SKU]
			case l.SKU != "":
				ext = "sku:" + l.SKU
			default:
				ext = "name:" + l.Name
			}
			refs[i][j] = listingRef{externalID: ext, sku: l.SKU, name: l.Name, price: l.Rate}
		}
	}
	return refs, nil
}

// ensureOrderListings creates the listings no sync has brought yet, as
// unconfirmed, and locks every listing the lines name (KEY SHARE: the
// catalogue import's updates go on, a person settling one waits, or is
// waited for and then seen). It returns them by external id.
func ensureOrderListings(ctx context.Context, tx *sqlx.Tx, channelID int64, refs [][]listingRef) (map[string]resolvedListing, int, error) {
	seen := map[string]bool{}
	var exts, skus, names []string
	var prices []inventory.Money
	for _, ls := range refs {
		for _, r := range ls {
			if seen[r.externalID] {
				continue
			}
			seen[r.externalID] = true
			exts, skus, names, prices = append(exts, r.externalID), append(skus, r.sku), append(names, r.name), append(prices, r.price)
		}
	}
	var created int
	if err := tx.GetContext(ctx, &created, `WITH made AS (
		INSERT INTO channel_items (channel_id, external_id, listing_key, sku, name, price)
		SELECT $1, u.e, ('x' || left(md5(u.e), 16))::bit(64)::bigint, u.s, u.n, u.p
		FROM unnest($2::text[], $3::text[], $4::text[], $5::numeric[]) AS u(e, s, n, p)
		WHERE NOT EXISTS (SELECT 1 FROM channel_items c WHERE c.channel_id = $1 AND c.external_id = u.e)
		ORDER BY u.e
		ON CONFLICT (channel_id, external_id) DO NOTHING RETURNING 1)
		SELECT count(*) FROM made`, channelID, pq.Array(exts), pq.Array(skus), pq.Array(names), moneyArray(prices)); err != nil {
		return nil, 0, fmt.Errorf("create listings: %w", err)
	}
	var rows []resolvedListing
	if err := tx.SelectContext(ctx, &rows, `SELECT ci.id, ci.external_id, ci.item_id, ci.auto_link_blocked, `+labelSQL("ci")+` AS label
		FROM channel_items ci WHERE ci.channel_id = $1 AND ci.external_id = ANY($2) ORDER BY ci.id FOR KEY SHARE`,
		channelID, pq.Array(exts)); err != nil {
		return nil, 0, fmt.Errorf("lock listings: %w", err)
	}
	out := make(map[string]resolvedListing, len(rows))
	for _, r := range rows {
		out[r.ExternalID] = r
	}
	return out, created, nil
}

// dropBlockedLines leaves out the lines of listings a person unlinked and
// still has not settled, and orders with no line left.
func dropBlockedLines(orders []inventory.OnlineOrder, refs [][]listingRef, listings map[string]resolvedListing) ([]keptOrder, []BlockedListing) {
	var kept []keptOrder
	var blocked []BlockedListing
	reported := map[int64]bool{}
	for i, o := range orders {
		k := keptOrder{OnlineOrder: o}
		for j := range o.Lines {
			l := listings[refs[i][j].externalID]
			if l.Blocked && l.ItemID == nil {
				if !reported[l.ID] {
					reported[l.ID] = true
					blocked = append(blocked, BlockedListing{ID: l.ID, ExternalID: l.ExternalID, Label: l.Label})
				}
				continue
			}
			k.lines = append(k.lines, j)
			k.refs = append(k.refs, refs[i][j])
		}
		if len(k.lines) > 0 {
			kept = append(kept, k)
		}
	}
	return kept, blocked
}

// keptOrder is an order with the indexes of its lines to import.
type keptOrder struct {
	inventory.OnlineOrder
	lines []int
	refs  []listingRef
}

// storedOrder is an order row the upsert inserted or updated.
type storedOrder struct {
	ID         int64  `db:"id"`
	ExternalID string `db:"external_order_id"`
	Inserted   bool   `db:"inserted"`
	Status     string `db:"status"`
}

func upsertOrders(ctx context.Context, tx *sqlx.Tx, channelID int64, orders []keptOrder) ([]storedOrder, error) {
	n := len(orders)
	exts, numbers, statuses, currencies, customers := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	created, updated := make([]string, n), make([]string, n)
	cancelled := make([]bool, n)
	for i, o := range orders {
		exts[i], numbers[i], statuses[i], currencies[i], customers[i] = o.ExternalID, o.Number, o.Status, o.Currency, o.Customer
		created[i], updated[i] = o.CreatedAt.UTC().Format(timestampLayout), o.UpdatedAt.UTC().Format(timestampLayout)
		cancelled[i] = o.Cancelled
	}
	var rows []storedOrder
	err := tx.SelectContext(ctx, &rows, `INSERT INTO sales_orders AS o (customer, ordered_on, reference, status, source, channel_id,
			external_order_id, channel_order_number, channel_status, channel_updated_at, currency)
		SELECT u.customer, (u.created AT TIME ZONE 'UTC')::date, u.number, CASE WHEN u.cancelled THEN 'cancelled' ELSE 'open' END,
			'channel', $1, u.ext, u.number, u.status, u.updated, u.currency
		FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::timestamptz[], $9::boolean[])
			WITH ORDINALITY AS u(ext, number, status, currency, customer, created, updated, cancelled, n)
		ORDER BY u.n
		ON CONFLICT (channel_id, external_order_id) DO UPDATE SET customer = EXCLUDED.customer, reference = EXCLUDED.reference,
			channel_order_number = EXCLUDED.channel_order_number, channel_status = EXCLUDED.channel_status,
			channel_updated_at = EXCLUDED.channel_updated_at, currency = EXCLUDED.currency, updated_at = now()
		WHERE o.channel_updated_at < EXCLUDED.channel_updated_at
		RETURNING o.id, o.external_order_id, (o.xmax = 0) AS inserted, o.status`,
		channelID, pq.Array(exts), pq.Array(numbers), pq.Array(statuses), pq.Array(currencies), pq.Array(customers),
		pq.Array(created), pq.Array(updated), pq.Array(cancelled))
	if err != nil {
		return nil, fmt.Errorf("upsert orders: %w", err)
	}
	return rows, nil
}

const timestampLayout = "2006-01-02T15:04:05.999999Z07:00"

// orderWrite gathers what a page's stored orders need written: lines to
// replace and insert, orders to cancel, and the stock movements.
type orderWrite struct {
	warehouse int64
	replace   []int64 // orders whose lines are deleted before the new ones go in
	cancel    []int64 // open orders cancelled on the channel
	// frozen is the flag of each order whose lines or status changed:
	// open with a line of an unconfirmed listing (§1.5).
	frozen map[int64]bool
	lines  struct {
		order, item, listing, qty []int64
		lineNo                    []int64
		rates                     []inventory.Money
		ext, sku, name            []string
	}
	moves []orderMove
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
// keeps its lines, and only a cancellation on the channel reaches it.
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
		if o.Inserted {
			w.addLines(o.ID, k, listings, o.Status == inventory.OrderOpen)
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
		if begun {
			if k.Cancelled {
				w.cancel = append(w.cancel, o.ID)
				w.frozen[o.ID] = false
				for _, l := range lines {
					w.move("cancel", o.ID, l.ItemID, l.WarehouseID, -committedOf(l))
				}
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
		w.addLines(o.ID, k, listings, !k.Cancelled)
	}
	return nil
}

func committedOf(l oldLine) int64 {
	if l.ItemID == 0 {
		return 0
	}
	return inventory.Committed(l.Quantity, l.Shipped, l.Invoiced)
}

func (w *orderWrite) addLines(orderID int64, k *keptOrder, listings map[string]resolvedListing, commits bool) {
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
		w.lines.rates = append(w.lines.rates, l.Rate)
		w.lines.ext = append(w.lines.ext, l.ExternalID)
		w.lines.sku = append(w.lines.sku, l.SKU)
		w.lines.name = append(w.lines.name, l.Name)
		if item == 0 && commits {
			w.frozen[orderID] = true
		}
		if commits && item != 0 {
			w.move("order", orderID, item, w.warehouse, l.Quantity)
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
				channel_item_id, external_line_id, line_sku, line_name)
			SELECT u.o, u.n, NULLIF(u.i, 0), $1, u.q, u.r, u.c, u.e, u.s, u.m
			FROM unnest($2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::numeric[], $7::bigint[], $8::text[], $9::text[], $10::text[])
				AS u(o, n, i, q, r, c, e, s, m)`,
			w.warehouse, pq.Array(w.lines.order), pq.Array(w.lines.lineNo), pq.Array(w.lines.item), pq.Array(w.lines.qty),
			moneyArray(w.lines.rates), pq.Array(w.lines.listing), pq.Array(w.lines.ext), pq.Array(w.lines.sku), pq.Array(w.lines.name)); err != nil {
			return fmt.Errorf("insert order lines: %w", err)
		}
	}
	if len(w.cancel) > 0 {
		if _, err := tx.ExecContext(ctx, `UPDATE sales_orders SET status = 'cancelled', updated_at = now() WHERE id = ANY($1)`,
			pq.Array(w.cancel)); err != nil {
			return fmt.Errorf("cancel orders: %w", err)
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
	if ids := availabilityChanged(changed); s.hook != nil && len(ids) > 0 {
		if err := s.hook(ctx, tx, ids); err != nil {
			return fmt.Errorf("store: availability hook: %w", err)
		}
	}
	return nil
}

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
