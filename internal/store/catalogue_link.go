package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"stocksync/internal/catalogue"
)

// autoLinkJoin finds the item a listing links to by the auto-link rules
// (DESIGN §1.2), for each row of %[1]s that may_link:
//
//  1. a SKU identical to one active item's SKU links to that item;
//  2. failing that, a name identical to exactly one active item's name links
//     to it; a name shared by two or more items links nothing.
//
// Both sides are trimmed (items are saved trimmed, listings are trimmed by
// catalogue.Prepare). It yields link.item_id (NULL for no match) and
// link.source. LATERAL ... LIMIT keeps each lookup an index probe per
// listing, whatever the planner believes about the tables' sizes.
const autoLinkJoin = `
	LEFT JOIN LATERAL (SELECT i.id FROM items i
		WHERE %[1]s.may_link AND %[1]s.sku <> '' AND i.sku = %[1]s.sku AND i.sku <> '' AND i.active LIMIT 1) by_sku ON true
	LEFT JOIN LATERAL (SELECT CASE WHEN count(*) = 1 THEN min(x.id) END AS id
		FROM (SELECT i.id FROM items i
			WHERE %[1]s.may_link AND by_sku.id IS NULL AND %[1]s.name <> '' AND i.name = %[1]s.name COLLATE "C" AND i.active LIMIT 2) x
	) by_name ON true
	CROSS JOIN LATERAL (SELECT COALESCE(by_sku.id, by_name.id) AS item_id,
		CASE WHEN by_sku.id IS NOT NULL THEN 'sku' WHEN by_name.id IS NOT NULL THEN 'name' END AS source) link`

// upsertKnownSQL writes the staged listings the importer could not vouch
// for as new, in one statement: each is looked up among the channel's
// stored listings, and those not linked yet look for a match. A listing a
// person unlinked (auto_link_blocked) is never auto-linked again. Known
// listings whose details and link would not change are not written, so an
// unchanged re-sync writes nothing.
var upsertKnownSQL = `
WITH looked_up AS (
	SELECT s.*, old.id AS old_id, old.item_id AS old_item_id, old.auto_link_blocked AS old_blocked,
		old.fingerprint AS old_fingerprint,
		old.id IS NOT NULL AND (old.product_id, old.sku, old.name, old.price, old.quantity, old.inventory_ref, old.channel_updated_at)
			IS NOT DISTINCT FROM (s.product_id, s.sku, s.name, s.price, s.quantity, s.inventory_ref, s.updated_at) AS same_details
	FROM staging_listings s
	LEFT JOIN LATERAL (SELECT c.* FROM channel_items c
		WHERE c.channel_id = $1 AND c.external_id = s.external_id LIMIT 1) old ON true
	WHERE NOT s.is_new
), known AS (
	-- Only listings not linked yet (and not unlinked by a person) look for
	-- a match; an unchanged one only when items changed since it last did ($2).
	SELECT l.*, l.old_id IS NULL OR (l.old_item_id IS NULL AND NOT l.old_blocked AND ($2 OR NOT l.same_details)) AS may_link
	FROM looked_up l
), matched AS MATERIALIZED (
	SELECT k.*, link.item_id AS match_id, link.source AS match_source
	FROM known k` + fmt.Sprintf(autoLinkJoin, "k") + `
), written AS (
	INSERT INTO channel_items AS c (channel_id, external_id, listing_key, fingerprint, product_id, sku, name, price,
		quantity, inventory_ref, channel_updated_at, item_id, link_source, linked_at, url, raw, first_seen_run)
	SELECT $1, m.external_id, m.listing_key, m.fingerprint, m.product_id, m.sku, m.name, m.price,
		m.quantity, m.inventory_ref, m.updated_at, m.match_id, m.match_source,
		CASE WHEN m.match_id IS NOT NULL THEN now() END, m.url, m.raw, $3
	FROM matched m
	-- an unchanged listing is written only to record a fingerprint it lacks
	WHERE m.old_id IS NULL OR NOT m.same_details OR m.match_id IS NOT NULL OR m.old_fingerprint IS DISTINCT FROM m.fingerprint
	ON CONFLICT (channel_id, external_id) DO UPDATE SET
		product_id = EXCLUDED.product_id, sku = EXCLUDED.sku, name = EXCLUDED.name, price = EXCLUDED.price,
		quantity = EXCLUDED.quantity, inventory_ref = EXCLUDED.inventory_ref,
		channel_updated_at = EXCLUDED.channel_updated_at, fingerprint = EXCLUDED.fingerprint,
		url = EXCLUDED.url, raw = EXCLUDED.raw,
		updated_at = CASE WHEN (c.product_id, c.sku, c.name, c.price, c.quantity, c.inventory_ref, c.channel_updated_at)
			IS NOT DISTINCT FROM (EXCLUDED.product_id, EXCLUDED.sku, EXCLUDED.name, EXCLUDED.price, EXCLUDED.quantity,
				EXCLUDED.inventory_ref, EXCLUDED.channel_updated_at) THEN c.updated_at ELSE now() END,
		item_id = COALESCE(c.item_id, EXCLUDED.item_id),
		link_source = CASE WHEN c.item_id IS NULL THEN EXCLUDED.link_source ELSE c.link_source END,
		linked_at = CASE WHEN c.item_id IS NULL THEN EXCLUDED.linked_at ELSE c.linked_at END
	RETURNING 1
)
-- A data-modifying CTE runs to completion whether read or not, and within
-- one statement each listing's outcome follows from matched alone: a known
-- listing keeps its link, a new link is the match.
SELECT
	count(*) FILTER (WHERE m.old_id IS NULL) AS new,
	count(*) FILTER (WHERE m.old_id IS NOT NULL AND NOT m.same_details) AS updated,
	count(*) FILTER (WHERE m.old_id IS NOT NULL AND m.same_details) AS unchanged,
	count(*) FILTER (WHERE COALESCE(m.old_item_id, m.match_id) IS NOT NULL) AS synced,
	count(*) FILTER (WHERE m.old_id IS NULL AND m.match_id IS NULL) AS new_unconfirmed
FROM matched m`

// insertNewSQL writes the staged listings the importer vouched for as new:
// nothing to look up among the channel's listings, nothing to update, so a
// plain insert. Were one stored after all, the unique key refuses the batch
// and ImportListings runs it again through upsertKnownSQL.
var insertNewSQL = insertNewInto("channel_items", `SELECT s.*, true AS may_link FROM staging_listings s WHERE s.is_new`, "$2")

// insertNewFromArraysSQL is insertNewSQL reading the batch from array
// parameters ($2 to $13, see listingArrays) instead of the staging table;
// $14 is the run.
var insertNewFromArraysSQL = insertNewInto("channel_items", listingsFromArrays, "$14")

// The arrays are unnested in the select list, where they advance in step
// without being copied into a tuplestore first, as unnest in FROM would.
const listingsFromArrays = `SELECT unnest($2::text[]) AS external_id, unnest($3::bigint[]) AS listing_key,
		unnest($4::bigint[]) AS fingerprint, unnest($5::text[]) AS product_id, unnest($6::text[]) AS sku,
		unnest($7::text[]) AS name, unnest($8::text[])::numeric(14,4) AS price, unnest($9::integer[]) AS quantity,
		unnest($10::text[]) AS inventory_ref, unnest($11::timestamptz[]) AS updated_at,
		unnest($12::text[]) AS url, unnest($13::text[]) AS raw, true AS may_link`

// insertNewInto is the insert into table of new listings read from source,
// a query with the staging table's columns and may_link; run is the
// parameter of the run that imports them.
func insertNewInto(table, source, run string) string {
	return `
WITH written AS (
	INSERT INTO ` + table + ` (channel_id, external_id, listing_key, fingerprint, product_id, sku, name, price,
		quantity, inventory_ref, channel_updated_at, item_id, link_source, linked_at, url, raw, first_seen_run)
	SELECT $1, k.external_id, k.listing_key, k.fingerprint, k.product_id, k.sku, k.name, k.price,
		k.quantity, k.inventory_ref, k.updated_at, link.item_id, link.source,
		CASE WHEN link.item_id IS NOT NULL THEN now() END, k.url, k.raw, ` + run + `::bigint
	FROM (` + source + `) k` + fmt.Sprintf(autoLinkJoin, "k") + `
	RETURNING item_id
)
SELECT count(*) AS new, count(item_id) AS synced FROM written`
}

type writeCounts struct {
	New            int `db:"new"`
	Updated        int `db:"updated"`
	Unchanged      int `db:"unchanged"`
	Synced         int `db:"synced"`
	NewUnconfirmed int `db:"new_unconfirmed"`
}

// writeBatch writes a batch the cheapest way its hints allow: listings all
// vouched new, with SKUs new to the channel, by one insert from arrays;
// stored ones whose SKU and name did not change by one update from arrays
// (updateDetails); the rest through the staging table, checked for
// duplicate SKUs first. It returns the listings refused as duplicates.
func (s *Store) writeBatch(ctx context.Context, tx *sqlx.Tx, channelID, runID int64, rematch bool, rows []catalogue.Row) (catalogue.Counts, []catalogue.Failure, error) {
	if allNew(rows) {
		stmt, err := s.preparedImport(ctx, insertNewFromArraysSQL)
		if err != nil {
			return catalogue.Counts{}, nil, err
		}
		c, err := insertNewFromArrays(ctx, tx, stmt, channelID, runID, rows)
		return c, nil, err
	}
	updated, rows, err := s.updateDetails(ctx, tx, channelID, rematch, rows)
	if err != nil || len(rows) == 0 {
		return updated, nil, err
	}
	if err := stageListings(ctx, tx, rows); err != nil {
		return catalogue.Counts{}, nil, err
	}
	var dups []catalogue.Failure
	if !allSKUsNew(rows) {
		if dups, err = duplicateSKUFailures(ctx, tx, channelID, rows); err != nil {
			return catalogue.Counts{}, nil, err
		}
	}
	c, err := writeListings(ctx, tx, channelID, runID, rematch, rows)
	return updated.Add(c), dups, err
}

// insertNewFromArrays runs stmt, an insertNewInto reading listingsFromArrays
// prepared on the import connections, for rows. Prepared, the statement is
// planned once for the connection (see importListings' plan_cache_mode),
// not once per batch with its arrays inlined.
func insertNewFromArrays(ctx context.Context, tx *sqlx.Tx, stmt *sqlx.Stmt, channelID, runID int64, rows []catalogue.Row) (catalogue.Counts, error) {
	var r writeCounts
	if err := tx.StmtxContext(ctx, stmt).GetContext(ctx, &r, append(append([]any{channelID}, newListingArrays(rows).args()...), runID)...); err != nil {
		return catalogue.Counts{}, fmt.Errorf("insert: %w", err)
	}
	return catalogue.Counts{New: r.New, Synced: r.Synced, NewUnconfirmed: r.New - r.Synced}, nil
}

// writeListings writes the staged listings (duplicates already removed) by
// whichever of the two statements their hints call for.
func writeListings(ctx context.Context, tx *sqlx.Tx, channelID, runID int64, rematch bool, rows []catalogue.Row) (catalogue.Counts, error) {
	anyNew, anyKnown := false, false
	for _, r := range rows {
		anyNew, anyKnown = anyNew || r.New, anyKnown || !r.New
	}
	var c catalogue.Counts
	if anyKnown {
		var r writeCounts
		if err := tx.GetContext(ctx, &r, upsertKnownSQL, channelID, rematch, runID); err != nil {
			return c, fmt.Errorf("upsert: %w", err)
		}
		c = catalogue.Counts{New: r.New, Updated: r.Updated, Unchanged: r.Unchanged, Synced: r.Synced, NewUnconfirmed: r.NewUnconfirmed}
	}
	if anyNew {
		var r writeCounts
		if err := tx.GetContext(ctx, &r, insertNewSQL, channelID, runID); err != nil {
			return c, fmt.Errorf("insert: %w", err)
		}
		c = c.Add(catalogue.Counts{New: r.New, Synced: r.Synced, NewUnconfirmed: r.New - r.Synced})
	}
	return c, nil
}

func insertFailures(ctx context.Context, tx *sqlx.Tx, runID int64, failures []catalogue.Failure) error {
	if len(failures) == 0 {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, pq.CopyIn("sync_failures", "run_id", "external_id", "sku", "label", "cause", "raw"))
	if err != nil {
		return fmt.Errorf("failures: %w", err)
	}
	for _, f := range failures {
		var raw any
		if len(f.Raw) > 0 {
			raw = string(f.Raw)
		}
		if _, err := stmt.ExecContext(ctx, runID, f.ExternalID, f.SKU, f.Label, f.Cause, raw); err != nil {
			stmt.Close()
			return fmt.Errorf("failures: %w", err)
		}
	}
	if _, err := stmt.ExecContext(ctx); err != nil {
		stmt.Close()
		return fmt.Errorf("failures: %w", err)
	}
	return stmt.Close()
}
