package store

import (
	"context"
	"fmt"
	"sort"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"stocksync/internal/catalogue"
)

// stageListings copies a batch into a temporary staging table, for the
// statements that must look listings up: the duplicate-SKU check and the
// upsert of known listings.
func stageListings(ctx context.Context, tx *sqlx.Tx, rows []catalogue.Row) error {
	if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE staging_listings (
		external_id text NOT NULL, listing_key bigint NOT NULL, fingerprint bigint NOT NULL,
		product_id text NOT NULL, sku text COLLATE "C" NOT NULL, name text NOT NULL,
		price numeric(14,4), quantity integer, inventory_ref text NOT NULL, updated_at timestamptz,
		url text, raw text, is_new boolean NOT NULL, sku_new boolean NOT NULL, ord integer NOT NULL,
		dup boolean NOT NULL DEFAULT false) ON COMMIT DROP`); err != nil {
		return fmt.Errorf("create staging: %w", err)
	}
	stmt, err := tx.PrepareContext(ctx, pq.CopyIn("staging_listings",
		"external_id", "listing_key", "fingerprint", "product_id", "sku", "name", "price", "quantity",
		"inventory_ref", "updated_at", "url", "raw", "is_new", "sku_new", "ord"))
	if err != nil {
		return fmt.Errorf("copy: %w", err)
	}
	lookups, known := false, false
	for i, r := range rows {
		var price, updated any
		if r.Price != "" {
			price = r.Price
		}
		if !r.UpdatedAt.IsZero() {
			updated = r.UpdatedAt
		}
		var qty, url, raw any
		if r.Quantity != nil {
			qty = *r.Quantity
		}
		if r.URL != "" {
			url = r.URL
		}
		if b := catalogue.StoredRaw(r.Raw); len(b) > 0 {
			raw = string(b)
		}
		lookups = lookups || !r.New || !r.SKUNew
		known = known || !r.New
		if _, err := stmt.ExecContext(ctx, r.ExternalID, r.Key, r.Fingerprint, r.ProductID, r.SKU, r.Name, price, qty,
			r.InventoryRef, updated, url, raw, r.New, r.SKUNew, i); err != nil {
			stmt.Close()
			return fmt.Errorf("copy: %w", err)
		}
	}
	if _, err := stmt.ExecContext(ctx); err != nil {
		stmt.Close()
		return fmt.Errorf("copy: %w", err)
	}
	if err := stmt.Close(); err != nil {
		return err
	}
	// Listings the importer vouched for as new, with SKUs new to the channel,
	// need neither the index nor the statistics: nothing looks them up.
	if lookups {
		if _, err := tx.ExecContext(ctx, `CREATE INDEX ON staging_listings (external_id)`); err != nil {
			return err
		}
	}
	if known {
		// The planner needs the batch's size and shape, which a fresh
		// temporary table does not have.
		if _, err := tx.ExecContext(ctx, `ANALYZE staging_listings`); err != nil {
			return err
		}
	}
	return nil
}

// duplicateSKUFailures marks and removes staged listings whose SKU another
// listing of the channel already has, and returns them as failures naming
// all of them. The first listing met with a SKU keeps it: a stored one not
// being replaced by this batch, else the batch's first. Should a listing
// already stored share a SKU with others in the batch, all of them fail:
// which of them held the SKU before is not worth a lookup. (A stored
// listing whose SKU and name did not change is never staged: see
// updateDetails. It keeps its SKU, and only the others fail.) Stored listings
// are looked up only for rows whose SKU the importer could not vouch for as
// new to the channel.
//
// Lookups into channel_items are written as LATERAL subqueries with LIMIT so
// that each is an index lookup per staged listing: during a first import the
// table grows faster than its statistics, and a planner that believes it
// small would otherwise scan all of it for every listing.
func duplicateSKUFailures(ctx context.Context, tx *sqlx.Tx, channelID int64, rows []catalogue.Row) ([]catalogue.Failure, error) {
	var marked int
	if err := tx.GetContext(ctx, &marked, `WITH in_batch AS (
			UPDATE staging_listings s SET dup = true
			FROM (SELECT sku, min(ord) AS first, bool_and(is_new) AS all_new
				FROM staging_listings WHERE sku <> '' GROUP BY sku HAVING count(*) > 1) d
			WHERE s.sku = d.sku AND (s.ord > d.first OR NOT d.all_new) RETURNING 1
		), stored AS (
			UPDATE staging_listings s SET dup = true
			FROM (SELECT s1.external_id FROM staging_listings s1
				CROSS JOIN LATERAL (SELECT 1 FROM channel_items c
					WHERE c.channel_id = $1 AND c.sku = s1.sku AND c.sku <> '' AND c.external_id <> s1.external_id
					  AND NOT EXISTS (SELECT 1 FROM staging_listings s2 WHERE s2.external_id = c.external_id)
					LIMIT 1) clash
				WHERE s1.sku <> '' AND NOT s1.sku_new) x
			WHERE s.external_id = x.external_id RETURNING 1
		) SELECT (SELECT count(*) FROM in_batch) + (SELECT count(*) FROM stored)`, channelID); err != nil {
		return nil, err
	}
	if marked == 0 {
		return nil, nil
	}
	var groups []struct {
		SKU string         `db:"sku"`
		IDs pq.StringArray `db:"ids"`
	}
	if err := tx.SelectContext(ctx, &groups, `SELECT d.sku, array_agg(DISTINCT x.external_id ORDER BY x.external_id) AS ids
		FROM (SELECT DISTINCT sku FROM staging_listings WHERE dup) d
		CROSS JOIN LATERAL (
			SELECT external_id FROM staging_listings WHERE sku = d.sku
			UNION ALL
			SELECT c.external_id FROM channel_items c
			WHERE c.channel_id = $1 AND c.sku = d.sku AND c.sku <> ''
			  AND NOT EXISTS (SELECT 1 FROM staging_listings s2 WHERE s2.external_id = c.external_id)
		) x GROUP BY d.sku`, channelID); err != nil {
		return nil, err
	}
	var dupIDs []string
	if err := tx.SelectContext(ctx, &dupIDs, `DELETE FROM staging_listings WHERE dup RETURNING external_id`); err != nil {
		return nil, err
	}
	idsBySKU := make(map[string][]string, len(groups))
	for _, g := range groups {
		idsBySKU[g.SKU] = g.IDs
	}
	byID := make(map[string]catalogue.Row, len(dupIDs))
	for _, r := range rows {
		byID[r.ExternalID] = r
	}
	sort.Strings(dupIDs)
	failures := make([]catalogue.Failure, 0, len(dupIDs))
	for _, id := range dupIDs {
		r := byID[id]
		failures = append(failures, catalogue.Failure{
			ExternalID: id,
			SKU:        r.SKU,
			Label:      catalogue.Label(r.SKU, r.Name, id),
			Cause:      catalogue.DuplicateSKUCause(r.SKU, idsBySKU[r.SKU]),
			Raw:        catalogue.CapRaw(r.Raw),
			Record:     r.Record(),
		})
	}
	return failures, nil
}
