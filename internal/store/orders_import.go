package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

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
//     cancelled on the channel commits nothing, nor does one the channel
//     fulfils from its own stock (FBA), which leaves what the channel
//     shows alone too; such an order the channel reports shipped has its
//     lines shipped (by the channel: nothing leaves our stock) and stays
//     open until it is invoiced, as an order we ship does;
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
		stored, err := upsertOrders(ctx, tx, channelID, kept, listings)
		if err != nil {
			return err
		}
		out.Skipped = len(kept) - len(stored)
		out.Imported = len(stored)
		w := orderWrite{channel: channelID, warehouse: ch.Warehouse, frozen: map[int64]bool{}}
		if err := w.plan(ctx, tx, stored, kept, listings); err != nil {
			return err
		}
		if err := w.write(ctx, tx); err != nil {
			return err
		}
		for _, o := range stored {
			out.OrderIDs = append(out.OrderIDs, o.ID)
		}
		if err := s.applyCommitments(ctx, tx, w.moves); err != nil {
			return err
		}
		return w.lowerShown(ctx, tx)
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
	// ByChannel is the stored fulfilled_by_channel, fixed when the order
	// was first stored: what its lines committed was decided by it.
	ByChannel bool `db:"fulfilled_by_channel"`
}

// A new order is inserted with the flags its lines give it (frozen, and
// those the line triggers of migration 00026 keep), which the lines then
// written leave as they are: setting them afterwards would write each
// new order, with every index of sales_orders, twice more.
func upsertOrders(ctx context.Context, tx *sqlx.Tx, channelID int64, orders []keptOrder, listings map[string]resolvedListing) ([]storedOrder, error) {
	n := len(orders)
	exts, numbers, statuses, currencies, customers := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	created, updated := make([]string, n), make([]string, n)
	cancelled, byChannel, shipped := make([]bool, n), make([]bool, n), make([]bool, n)
	frozen, units := make([]bool, n), make([]bool, n)
	for i, o := range orders {
		exts[i], numbers[i], statuses[i], currencies[i], customers[i] = o.ExternalID, o.Number, o.Status, o.Currency, o.Customer
		created[i], updated[i] = o.CreatedAt.UTC().Format(timestampLayout), o.UpdatedAt.UTC().Format(timestampLayout)
		cancelled[i], byChannel[i], shipped[i] = o.Cancelled, o.FulfilledByChannel, o.FulfilledByChannel && o.ShippedByChannel
		for k, j := range o.lines {
			units[i] = units[i] || o.Lines[j].Quantity > 0
			frozen[i] = frozen[i] || (!o.Cancelled && listings[o.refs[k].externalID].ItemID == nil)
		}
	}
	var rows []storedOrder
	err := tx.SelectContext(ctx, &rows, `INSERT INTO sales_orders AS o (customer, ordered_on, reference, status, source, channel_id,
			external_order_id, channel_order_number, channel_status, channel_updated_at, currency, fulfilled_by_channel,
			frozen, any_to_pack, any_shipped, all_shipped, all_invoiced)
		SELECT u.customer, (u.created AT TIME ZONE 'UTC')::date, u.number, CASE WHEN u.cancelled THEN 'cancelled' ELSE 'open' END,
			'channel', $1, u.ext, u.number, u.status, u.updated, u.currency, u.by_channel,
			u.frozen, u.units AND NOT u.shipped, u.units AND u.shipped, NOT u.units OR u.shipped, NOT u.units
		FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::timestamptz[], $9::boolean[],
				$10::boolean[], $11::boolean[], $12::boolean[], $13::boolean[])
			WITH ORDINALITY AS u(ext, number, status, currency, customer, created, updated, cancelled, by_channel, frozen, units, shipped, n)
		ORDER BY u.n
		ON CONFLICT (channel_id, external_order_id) DO UPDATE SET customer = EXCLUDED.customer, reference = EXCLUDED.reference,
			channel_order_number = EXCLUDED.channel_order_number, channel_status = EXCLUDED.channel_status,
			channel_updated_at = EXCLUDED.channel_updated_at, currency = EXCLUDED.currency, updated_at = now()
		WHERE o.channel_updated_at < EXCLUDED.channel_updated_at
		RETURNING o.id, o.external_order_id, (o.xmax = 0) AS inserted, o.status, o.fulfilled_by_channel`,
		channelID, pq.Array(exts), pq.Array(numbers), pq.Array(statuses), pq.Array(currencies), pq.Array(customers),
		pq.Array(created), pq.Array(updated), pq.Array(cancelled), pq.Array(byChannel), pq.Array(frozen), pq.Array(units),
		pq.Array(shipped))
	if err != nil {
		return nil, fmt.Errorf("upsert orders: %w", err)
	}
	return rows, nil
}
