package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"stocksync/internal/catalogue"
)

// upsertAndLinkSQL writes the staged listings in one statement and applies
// the auto-link rules (DESIGN §1.2) to every listing not yet linked:
//
//  1. a SKU identical to one active item's SKU links to that item;
//  2. failing that, a name identical to exactly one active item's name links
//     to it; a name shared by two or more items links nothing;
//  3. a listing a person unlinked (auto_link_blocked) is never auto-linked.
//
// Both sides are trimmed (items are saved trimmed, listings are trimmed by
// catalogue.Prepare). Known listings whose details and link would not change
// are skipped, so an unchanged re-sync writes nothing.
const upsertAndLinkSQL = `
WITH looked_up AS (
	SELECT s.*, old.id AS old_id, old.item_id AS old_item_id, old.auto_link_blocked AS old_blocked,
		old.id IS NOT NULL AND (old.product_id, old.sku, old.name, old.price, old.quantity, old.inventory_ref, old.channel_updated_at)
			IS NOT DISTINCT FROM (s.product_id, s.sku, s.name, s.price, s.quantity, s.inventory_ref, s.updated_at) AS same_details
	FROM staging_listings s
	-- LATERAL ... LIMIT keeps each lookup an index probe per listing,
	-- whatever the planner believes about the tables' sizes (during a first
	-- import channel_items grows faster than its statistics).
	LEFT JOIN LATERAL (SELECT c.* FROM channel_items c
		WHERE c.channel_id = $1 AND c.external_id = s.external_id LIMIT 1) old ON true
), known AS MATERIALIZED (
	-- Only listings not linked yet (and not unlinked by a person) look for
	-- a match; an unchanged one only when items changed since it last did ($2).
	SELECT l.*, l.old_id IS NULL OR (l.old_item_id IS NULL AND NOT l.old_blocked AND ($2 OR NOT l.same_details)) AS may_link
	FROM looked_up l
), by_sku AS MATERIALIZED (
	SELECT k.*, sku_item.id AS sku_id
	FROM known k
	LEFT JOIN LATERAL (SELECT i.id FROM items i
		WHERE k.may_link AND k.sku <> '' AND i.sku = k.sku AND i.sku <> '' AND i.active LIMIT 1) sku_item ON true
), unique_names AS (
	-- names are looked up only for listings their SKU did not link
	SELECT n.name, u.id
	FROM (SELECT DISTINCT name FROM by_sku WHERE may_link AND sku_id IS NULL AND name <> '') n
	CROSS JOIN LATERAL (
		SELECT min(x.id) AS id, count(*) AS matches
		FROM (SELECT i.id FROM items i WHERE i.name = n.name AND i.active LIMIT 2) x
	) u
	WHERE u.matches = 1
), matched AS MATERIALIZED (
	SELECT b.*, COALESCE(b.sku_id, by_name.id) AS match_id,
		CASE WHEN b.sku_id IS NOT NULL THEN 'sku' WHEN by_name.id IS NOT NULL THEN 'name' END AS match_source
	FROM by_sku b
	LEFT JOIN unique_names by_name ON b.may_link AND b.sku_id IS NULL AND b.name <> '' AND by_name.name = b.name
), written AS (
	INSERT INTO channel_items AS c (channel_id, external_id, product_id, sku, name, price, quantity,
		inventory_ref, channel_updated_at, item_id, link_source, linked_at)
	SELECT $1, m.external_id, m.product_id, m.sku, m.name, m.price, m.quantity, m.inventory_ref, m.updated_at,
		m.match_id, CASE WHEN m.match_id IS NOT NULL THEN m.match_source END,
		CASE WHEN m.match_id IS NOT NULL THEN now() END
	FROM matched m
	WHERE m.old_id IS NULL OR NOT m.same_details OR m.match_id IS NOT NULL
	ON CONFLICT (channel_id, external_id) DO UPDATE SET
		product_id = EXCLUDED.product_id, sku = EXCLUDED.sku, name = EXCLUDED.name, price = EXCLUDED.price,
		quantity = EXCLUDED.quantity, inventory_ref = EXCLUDED.inventory_ref,
		channel_updated_at = EXCLUDED.channel_updated_at, updated_at = now(),
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

func upsertAndLink(ctx context.Context, tx *sqlx.Tx, channelID int64, rematch bool) (catalogue.Counts, error) {

	var r struct {
		New            int `db:"new"`
		Updated        int `db:"updated"`
		Unchanged      int `db:"unchanged"`
		Synced         int `db:"synced"`
		NewUnconfirmed int `db:"new_unconfirmed"`
	}
	if err := tx.GetContext(ctx, &r, upsertAndLinkSQL, channelID, rematch); err != nil {
		return catalogue.Counts{}, fmt.Errorf("upsert: %w", err)
	}
	return catalogue.Counts{New: r.New, Updated: r.Updated, Unchanged: r.Unchanged, Synced: r.Synced, NewUnconfirmed: r.NewUnconfirmed}, nil
}

func insertFailures(ctx context.Context, tx *sqlx.Tx, runID int64, failures []catalogue.Failure) error {
	if len(failures) == 0 {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, pq.CopyIn("sync_failures", "run_id", "external_id", "label", "cause", "raw"))
	if err != nil {
		return fmt.Errorf("failures: %w", err)
	}
	for _, f := range failures {
		var raw any
		if len(f.Raw) > 0 {
			raw = string(f.Raw)
		}
		if _, err := stmt.ExecContext(ctx, runID, f.ExternalID, f.Label, f.Cause, raw); err != nil {
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
