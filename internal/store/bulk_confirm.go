package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"stocksync/internal/catalogue"
	"stocksync/internal/inventory"
)

// Skip reasons of bulk runs.
const (
	SkipGone         = "gone"
	SkipSettled      = "settled"
	SkipInvalid      = "invalid"
	SkipSKUTaken     = "sku_taken"
	SkipSKUTwice     = "sku_twice"
	SkipItemMissing  = "item_missing"
	SkipItemInactive = "item_inactive"
)

// lockListings locks the chunk's listings in id order (the order every
// bulk chunk takes, and a single settle takes one row) and then reads them:
// a statement after the lock sees what a writer it waited for committed.
// Listings that settled meanwhile are returned too, for their skip.
func lockListings(ctx context.Context, tx *sqlx.Tx, ids []int64) (map[int64]catalogue.Listing, error) {
	if _, err := tx.ExecContext(ctx, `SELECT 1 FROM channel_items WHERE id = ANY($1) ORDER BY id FOR UPDATE`, pq.Array(ids)); err != nil {
		return nil, fmt.Errorf("store: lock listings: %w", err)
	}
	var ls []catalogue.Listing
	if err := tx.SelectContext(ctx, &ls, `SELECT `+listingColumns+` FROM `+listingFrom+` WHERE ci.id = ANY($1)`, pq.Array(ids)); err != nil {
		return nil, fmt.Errorf("store: read listings: %w", err)
	}
	out := make(map[int64]catalogue.Listing, len(ls))
	for _, l := range ls {
		out[l.ID] = l
	}
	return out, nil
}

// settledSkip says who settled a listing that is no longer unconfirmed,
// or that it is gone.
func settledSkip(id int64, l catalogue.Listing, found bool) bulkSkip {
	if !found {
		return bulkSkip{listing: id, reason: SkipGone, detail: "The listing is no longer on its channel."}
	}
	verb := "linked"
	if l.LinkSource != nil && (*l.LinkSource == catalogue.LinkedByConfirm || *l.LinkSource == catalogue.LinkedByUpdate) {
		verb = "confirmed"
	}
	item := "another item"
	if l.ItemName != nil {
		item = "item " + *l.ItemName
	}
	by := "by a sync"
	if l.LinkedByEmail != nil {
		by = "by " + *l.LinkedByEmail
	}
	return bulkSkip{listing: id, reason: SkipSettled, other: l.ItemID,
		detail: fmt.Sprintf("The listing was %s meanwhile %s (%s).", verb, by, item)}
}

var fieldLabels = map[string]string{
	"name": "Name", "sku": "SKU", "selling_price": "Price", "purchase_price": "Price",
	"opening_qty": "Quantity", "opening_value": "Price", "unit": "Unit",
}

// invalidSkip says why a listing as it is makes no valid item.
func invalidSkip(id int64, errs inventory.FieldErrors) bulkSkip {
	keys := make([]string, 0, len(errs))
	for k := range errs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var parts []string
	seen := map[string]bool{}
	for _, k := range keys {
		label := fieldLabels[k]
		if label == "" {
			label = k
		}
		if seen[label] {
			continue
		}
		seen[label] = true
		parts = append(parts, label+": "+errs[k])
	}
	return bulkSkip{listing: id, reason: SkipInvalid,
		detail: "Cannot be confirmed as it is (" + strings.Join(parts, " ") + "); open it and use Update."}
}

// confirmChunk confirms a chunk's listings as they are (DESIGN §1.4), as
// CreateItemFromListing confirms one, with a few statements for the whole
// chunk: the items, their "created" entries, their opening stock (one
// stock_apply_each call; each item is its opening document), the links and
// the listings' activity. Listings that cannot be confirmed are skipped.
func (s *Store) confirmChunk(ctx context.Context, tx *sqlx.Tx, runID int64, ids []int64, by int64) (int, []bulkSkip, error) {
	listings, err := lockListings(ctx, tx, ids)
	if err != nil {
		return 0, nil, err
	}
	var skips []bulkSkip
	type candidate struct {
		listing catalogue.Listing
		fields  inventory.ItemFields
	}
	var cands []candidate
	var skus []string
	for _, id := range ids {
		l, found := listings[id]
		if !found || l.ItemID != nil {
			skips = append(skips, settledSkip(id, l, found))
			continue
		}
		f, errs := inventory.ValidateItem(l.ItemInput(), true)
		if len(errs) > 0 {
			skips = append(skips, invalidSkip(id, errs))
			continue
		}
		cands = append(cands, candidate{l, f})
		if f.SKU != "" {
			skus = append(skus, f.SKU)
		}
	}
	// A SKU's holder may be an item this run created from an earlier
	// chunk's listing: then the selection holds the SKU twice. (A join, not
	// sku = ANY(array): for that the planner may take the SKU trigram
	// index, and a thousand trigram lookups cost seconds.)
	var holders []struct {
		SKU  string  `db:"sku"`
		ID   int64   `db:"id"`
		Name string  `db:"name"`
		Twin *string `db:"twin"`
	}
	if len(skus) > 0 {
		if err := tx.SelectContext(ctx, &holders, `SELECT i.sku, i.id, i.name,
			(SELECT `+labelSQL("ci")+` FROM channel_items ci WHERE ci.item_id = i.id AND ci.link_source = 'confirm'
				AND ci.id = ANY((SELECT listing_ids[1:position] FROM bulk_runs WHERE id = $2)::bigint[]) LIMIT 1) AS twin
			FROM unnest($1::text[]) AS k(sku) JOIN items i ON i.sku = k.sku AND i.sku <> ''`, pq.Array(skus), runID); err != nil {
			return 0, nil, fmt.Errorf("store: skus taken: %w", err)
		}
	}
	taken := make(map[string]int, len(holders))
	for i, h := range holders {
		taken[h.SKU] = i
	}
	n := len(cands)
	itemIDs := make([]int64, 0, n)
	if n > 0 {
		if err := tx.SelectContext(ctx, &itemIDs, `SELECT nextval(pg_get_serial_sequence('items', 'id')) FROM generate_series(1, $1)`, n); err != nil {
			return 0, nil, fmt.Errorf("store: item ids: %w", err)
		}
	}
	// The chunk's rows as parallel arrays, the first listing of a SKU
	// winning over the selection's later ones.
	var (
		ls, items, whs, qty, zero                                 []int64
		names, itemSKUs, units, descs, prices, openValues, labels []string
		openItems, openQty                                        []int64
	)
	firstOfSKU := map[string]int{}
	wh, err := primaryWarehouse(ctx, tx)
	if err != nil {
		return 0, nil, err
	}
	for _, c := range cands {
		f, id := c.fields, c.listing.ID
		if i, ok := taken[f.SKU]; ok && f.SKU != "" {
			h := holders[i]
			if h.Twin != nil {
				skips = append(skips, skuTwice(id, f.SKU, *h.Twin, h.Name, h.ID))
			} else {
				skips = append(skips, bulkSkip{listing: id, reason: SkipSKUTaken, other: &h.ID,
					detail: fmt.Sprintf("SKU %s is already used by item %s.", f.SKU, h.Name)})
			}
			continue
		}
		if j, ok := firstOfSKU[f.SKU]; ok && f.SKU != "" {
			skips = append(skips, skuTwice(id, f.SKU, labels[j], names[j], items[j]))
			continue
		}
		if f.SKU != "" {
			firstOfSKU[f.SKU] = len(ls)
		}
		item := itemIDs[len(ls)]
		ls, items, labels = append(ls, id), append(items, item), append(labels, listingLabel(c.listing))
		names, itemSKUs, units, descs = append(names, f.Name), append(itemSKUs, f.SKU), append(units, f.Unit), append(descs, f.Description)
		prices, openValues = append(prices, f.SellingPrice.String()), append(openValues, f.OpeningValue.String())
		qty = append(qty, f.OpeningQty)
		if f.OpeningQty > 0 {
			openItems, openQty = append(openItems, item), append(openQty, f.OpeningQty)
			whs, zero = append(whs, wh), append(zero, 0)
		}
	}
	if len(ls) == 0 {
		return 0, skips, nil
	}
	// Purchase price = selling price (§1.4): ItemInput set it so, and
	// ValidateItem kept it; both columns take the one array.
	if _, err := tx.ExecContext(ctx, `INSERT INTO items (id, name, sku, unit, description, selling_price, purchase_price,
		opening_qty, opening_value, source, created_by)
		SELECT i, n, k, u, d, p, p, q, v, 'channel', $9
		FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::numeric[], $7::bigint[], $8::numeric[])
			AS r(i, n, k, u, d, p, q, v)`,
		pq.Array(items), pq.Array(names), pq.Array(itemSKUs), pq.Array(units), pq.Array(descs), pq.Array(prices),
		pq.Array(qty), pq.Array(openValues), by); err != nil {
		return 0, nil, fmt.Errorf("store: create items: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO item_activity (item_id, user_id, action, detail)
		SELECT i, $2, 'created', '' FROM unnest($1::bigint[]) AS i`, pq.Array(items), by); err != nil {
		return 0, nil, fmt.Errorf("store: log created items: %w", err)
	}
	if len(openItems) > 0 {
		var short *int64
		if err := tx.GetContext(ctx, &short, `SELECT short_item FROM stock_apply_each('opening', $1, $2, $1, $3, $4, $5)`,
			pq.Array(openItems), by, pq.Array(whs), pq.Array(openQty), pq.Array(zero)); err != nil {
			return 0, nil, fmt.Errorf("store: opening stock: %w", mapFK(err))
		}
	}
	if err := linkListings(ctx, tx, ls, items, catalogue.LinkedByConfirm, false, by); err != nil {
		return 0, nil, err
	}
	// Orders that waited on these listings take their items and commit (§1.5).
	if _, err := s.settleOrdersOf(ctx, tx, ls); err != nil {
		return 0, nil, err
	}
	if err := s.availabilityChanged(ctx, tx, openItems); err != nil {
		return 0, nil, err
	}
	return len(ls), skips, nil
}

// skuTwice: the selection holds the SKU on two listings; the first became
// the item.
func skuTwice(id int64, sku, first, itemName string, itemID int64) bulkSkip {
	return bulkSkip{listing: id, reason: SkipSKUTwice, other: &itemID,
		detail: fmt.Sprintf("SKU %s is also on another listing of this selection (%s), confirmed as item %s.", sku, first, itemName)}
}

// listingLabel names a listing in a sentence as labelSQL does.
func listingLabel(l catalogue.Listing) string {
	switch {
	case l.SKU != "" && l.Name != "":
		return l.Name + " (" + l.SKU + ")"
	case l.SKU != "":
		return "SKU " + l.SKU
	case l.Name != "":
		return l.Name
	}
	return "listing " + l.ExternalID
}

// linkListings links locked, unconfirmed listings to their items (parallel
// arrays) and logs each on its item, as linkListing does for one.
func linkListings(ctx context.Context, tx *sqlx.Tx, listings, items []int64, source string, push bool, by int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE channel_items ci SET item_id = u.item, link_source = $3, linked_at = now(), linked_by = $4,
		auto_link_blocked = false, stock_push_pending = $5
		FROM unnest($1::bigint[], $2::bigint[]) AS u(id, item) WHERE ci.id = u.id AND ci.item_id IS NULL`,
		pq.Array(listings), pq.Array(items), source, by, push); err != nil {
		return fmt.Errorf("store: link listings: %w", err)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO item_activity (item_id, user_id, action, detail, channel_id, channel_item_id)
		SELECT u.item, $2, $3, ch.name || ': ' || `+labelSQL("ci")+`, ci.channel_id, ci.id
		FROM unnest($1::bigint[], $4::bigint[]) AS u(id, item) JOIN channel_items ci ON ci.id = u.id
		JOIN channels ch ON ch.id = ci.channel_id`, pq.Array(listings), by, settleAction[source]+" (bulk)", pq.Array(items))
	if err != nil {
		return fmt.Errorf("store: log listing activity: %w", err)
	}
	return nil
}
