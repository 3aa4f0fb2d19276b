package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"stocksync/internal/catalogue"
)

// updateDetailsSQL updates, from array parameters ($2 to $13, see
// listingArrays), the stored listings whose details changed but whose SKU
// and name did not: the common change between two syncs (stock, price, the
// modified date). Such a listing needs neither the duplicate-SKU check (its
// SKU is the one it holds) nor a match (the rules read only the SKU and the
// name; an unconfirmed one looks again only when items changed, $14), so it
// skips the staging table and the upsert. The statement sets no indexed
// column, so PostgreSQL can update the row in its page without touching the
// indexes (a HOT update; see newListingsTableSQL's fillfactor).
//
// A listing it does not update (new, SKU or name changed, or details the
// same as stored) is left for the general path, which decides about it as
// before. Each updated one counts as updated.
var updateDetailsSQL = `
WITH u AS (` + listingsFromArrays + `)
UPDATE channel_items c SET product_id = u.product_id, price = u.price, quantity = u.quantity,
	inventory_ref = u.inventory_ref, channel_updated_at = u.updated_at, fingerprint = u.fingerprint, updated_at = now(),
	url = u.url, raw = u.raw
FROM u
WHERE c.channel_id = $1 AND c.external_id = u.external_id AND c.sku = u.sku AND c.name = u.name
	AND (c.item_id IS NOT NULL OR c.auto_link_blocked OR NOT $14)
	AND (c.product_id, c.price, c.quantity, c.inventory_ref, c.channel_updated_at)
		IS DISTINCT FROM (u.product_id, u.price, u.quantity, u.inventory_ref, u.updated_at)
RETURNING u.external_id, c.item_id IS NOT NULL AS linked`

// updateDetails writes the rows updateDetailsSQL can take and returns the
// rest, for the general path. Rows the importer vouched for as new are
// not looked for.
func (s *Store) updateDetails(ctx context.Context, tx *sqlx.Tx, channelID int64, rematch bool, rows []catalogue.Row) (catalogue.Counts, []catalogue.Row, error) {
	known := make([]catalogue.Row, 0, len(rows))
	for _, r := range rows {
		if !r.New {
			known = append(known, r)
		}
	}
	if len(known) == 0 {
		return catalogue.Counts{}, rows, nil
	}
	stmt, err := s.preparedImport(ctx, updateDetailsSQL)
	if err != nil {
		return catalogue.Counts{}, nil, err
	}
	args := append(append([]any{channelID}, newListingArrays(known).args()...), rematch)
	res, err := tx.StmtxContext(ctx, stmt).QueryxContext(ctx, args...)
	if err != nil {
		return catalogue.Counts{}, nil, fmt.Errorf("update details: %w", err)
	}
	defer res.Close()
	var c catalogue.Counts
	updated := make(map[string]struct{}, len(known))
	for res.Next() {
		var id string
		var linked bool
		if err := res.Scan(&id, &linked); err != nil {
			return catalogue.Counts{}, nil, fmt.Errorf("update details: %w", err)
		}
		updated[id] = struct{}{}
		c.Updated++
		if linked {
			c.Synced++
		}
	}
	if err := res.Err(); err != nil {
		return catalogue.Counts{}, nil, fmt.Errorf("update details: %w", err)
	}
	if len(updated) == 0 {
		return c, rows, nil
	}
	rest := make([]catalogue.Row, 0, len(rows)-len(updated))
	for _, r := range rows {
		if _, ok := updated[r.ExternalID]; !ok {
			rest = append(rest, r)
		}
	}
	return c, rest, nil
}
