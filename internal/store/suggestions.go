package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"stocksync/internal/catalogue"
)

// Suggestions are found in SQL, each reason through its own index on
// active items (migration 00020), never by reading items into Go:
//
//	SameSKU               sku_key(sku) = sku_key(listing's)        items_sku_norm (btree)
//	SameName              name_key(name) = name_key(listing's)     items_name_norm (btree)
//	SamePriceSimilarName  selling_price = price AND name % name    items_price_name_trgm (GIN, btree_gin)
//	SimilarName           name % name                              items_name_trgm (GIN)
//
// The % operator compares with pg_trgm.similarity_threshold, which each
// transaction sets for itself (set_config(..., true) is SET LOCAL): low for
// the same-price reason, where the price already narrows the items to few,
// high for a name alone, so the GIN scan reads only the rarest of the
// name's trigrams in full. Two thresholds are two statements.

// The columns of a suggestion, for a lateral subquery over listing l and
// items i with the reason r.
func suggestionCols(r catalogue.Reason) string {
	return `i.id AS item_id, ` + strconv.Itoa(int(r)) + ` AS reason, similarity(i.name, l.name)::float8 AS score`
}

const suggestedItem = `it.name AS item_name, it.sku AS item_sku, it.selling_price::text AS item_price`

// Statement 1 of a listing's suggestions: the SKU, name and same-price
// reasons together, each candidate item once, at its best reason.
var suggestFirstQuery = `SELECT DISTINCT ON (s.item_id) l.id AS listing_id, s.item_id, s.reason, s.score, ` + suggestedItem + `
	FROM channel_items l CROSS JOIN LATERAL (
		SELECT ` + suggestionCols(catalogue.SameSKU) + ` FROM items i
		WHERE i.active AND i.sku <> '' AND sku_key(i.sku) = sku_key(l.sku) AND sku_key(l.sku) <> ''
		UNION ALL
		SELECT ` + suggestionCols(catalogue.SameName) + ` FROM items i
		WHERE i.active AND name_key(i.name) = name_key(l.name) AND name_key(l.name) <> ''
		UNION ALL
		(SELECT ` + suggestionCols(catalogue.SamePriceSimilarName) + ` FROM items i
		WHERE i.active AND i.selling_price = round(l.price, 2) AND i.name % l.name
		ORDER BY score DESC, i.id LIMIT 10)
	) s JOIN items it ON it.id = s.item_id
	WHERE l.id = $1 AND l.item_id IS NULL
	ORDER BY s.item_id, s.reason, s.score DESC`

// Statement 2: very similar names, the best few.
const suggestSimilarQuery = `SELECT l.id AS listing_id, i.id AS item_id, 4 AS reason, similarity(i.name, l.name)::float8 AS score,
		i.name AS item_name, i.sku AS item_sku, i.selling_price::text AS item_price
	FROM channel_items l JOIN items i ON i.active AND i.name % l.name
	WHERE l.id = $1 AND l.item_id IS NULL
	ORDER BY score DESC, i.id LIMIT $2`

// Suggestions are up to three active items for an unconfirmed listing,
// strongest reason first (catalogue.Reason); none for a settled listing.
func (s *Store) Suggestions(ctx context.Context, listingID int64) ([]catalogue.Suggestion, error) {
	var found []catalogue.Suggestion
	err := s.trigramTx(ctx, func(tx *sqlx.Tx) error {
		if err := setSimilarity(ctx, tx, catalogue.SimilarNameMin); err != nil {
			return err
		}
		if err := tx.SelectContext(ctx, &found, suggestFirstQuery, listingID); err != nil {
			return err
		}
		if len(found) >= catalogue.SuggestionsShown {
			return nil
		}
		if err := setSimilarity(ctx, tx, catalogue.VerySimilarName); err != nil {
			return err
		}
		var similar []catalogue.Suggestion
		if err := tx.SelectContext(ctx, &similar, suggestSimilarQuery, listingID, catalogue.SuggestionsShown+len(found)); err != nil {
			return err
		}
		for _, c := range similar {
			if !slices.ContainsFunc(found, func(f catalogue.Suggestion) bool { return f.ItemID == c.ItemID }) {
				found = append(found, c)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: suggestions for listing %d: %w", listingID, err)
	}
	slices.SortFunc(found, func(a, b catalogue.Suggestion) int {
		if catalogue.Less(a, b) {
			return -1
		}
		if catalogue.Less(b, a) {
			return 1
		}
		return 0
	})
	if len(found) > catalogue.SuggestionsShown {
		found = found[:catalogue.SuggestionsShown]
	}
	return found, nil
}

// trigramTx runs fn in a read-only transaction, the scope of the
// similarity thresholds it sets.
func (s *Store) trigramTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	tx, err := s.DB.BeginTxx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // read-only: nothing to keep
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

func setSimilarity(ctx context.Context, tx *sqlx.Tx, threshold float64) error {
	_, err := tx.ExecContext(ctx, `SELECT set_config('pg_trgm.similarity_threshold', $1, true)`,
		strconv.FormatFloat(threshold, 'f', -1, 64))
	return err
}

// Bulk preview: the top suggestion of each of many listings, in two
// statements for any number. Each listing's lateral subqueries are gated on
// the stronger reasons having found nothing, so a listing with a SKU match
// costs one btree probe.
var topFirstQuery = `SELECT l.id AS listing_id, ch.name AS channel_name, l.external_id, l.sku, l.name,
		COALESCE(a.item_id, b.item_id, d.item_id) AS item_id, COALESCE(a.reason, b.reason, d.reason) AS reason,
		COALESCE(a.score, b.score, d.score) AS score, ` + suggestedItem + `
	FROM channel_items l JOIN channels ch ON ch.id = l.channel_id
	LEFT JOIN LATERAL (
		SELECT ` + suggestionCols(catalogue.SameSKU) + ` FROM items i
		WHERE i.active AND i.sku <> '' AND sku_key(i.sku) = sku_key(l.sku) AND sku_key(l.sku) <> ''
		ORDER BY score DESC, i.id LIMIT 1
	) a ON true
	LEFT JOIN LATERAL (
		SELECT ` + suggestionCols(catalogue.SameName) + ` FROM items i
		WHERE a.item_id IS NULL AND i.active AND name_key(i.name) = name_key(l.name) AND name_key(l.name) <> ''
		ORDER BY i.id LIMIT 1
	) b ON true
	LEFT JOIN LATERAL (
		SELECT ` + suggestionCols(catalogue.SamePriceSimilarName) + ` FROM items i
		WHERE a.item_id IS NULL AND b.item_id IS NULL AND i.active AND i.selling_price = round(l.price, 2) AND i.name % l.name
		ORDER BY score DESC, i.id LIMIT 1
	) d ON true
	LEFT JOIN items it ON it.id = COALESCE(a.item_id, b.item_id, d.item_id)
	WHERE l.id = ANY($1) AND l.item_id IS NULL
	ORDER BY l.id`

var topSimilarQuery = `SELECT l.id AS listing_id, t.item_id, t.reason, t.score, ` + suggestedItem + `
	FROM channel_items l CROSS JOIN LATERAL (
		SELECT ` + suggestionCols(catalogue.SimilarName) + ` FROM items i
		WHERE i.active AND i.name % l.name ORDER BY score DESC, i.id LIMIT 1
	) t JOIN items it ON it.id = t.item_id
	WHERE l.id = ANY($1) AND l.item_id IS NULL`

type topRow struct {
	ListingID   int64    `db:"listing_id"`
	ChannelName string   `db:"channel_name"`
	ExternalID  string   `db:"external_id"`
	SKU         string   `db:"sku"`
	Name        string   `db:"name"`
	ItemID      *int64   `db:"item_id"`
	Reason      *int     `db:"reason"`
	Score       *float64 `db:"score"`
	ItemName    *string  `db:"item_name"`
	ItemSKU     *string  `db:"item_sku"`
	ItemPrice   *string  `db:"item_price"`
}

// TopSuggestions is each unconfirmed listing of ids, in id order, with
// its strongest suggestion or none. Settled listings are left out.
func (s *Store) TopSuggestions(ctx context.Context, ids []int64) ([]catalogue.TopSuggestion, error) {
	var rows []topRow
	var similar []catalogue.Suggestion
	err := s.trigramTx(ctx, func(tx *sqlx.Tx) error {
		if err := setSimilarity(ctx, tx, catalogue.SimilarNameMin); err != nil {
			return err
		}
		if err := tx.SelectContext(ctx, &rows, topFirstQuery, pq.Array(ids)); err != nil {
			return err
		}
		var rest []int64
		for _, r := range rows {
			if r.ItemID == nil {
				rest = append(rest, r.ListingID)
			}
		}
		if len(rest) == 0 {
			return nil
		}
		if err := setSimilarity(ctx, tx, catalogue.VerySimilarName); err != nil {
			return err
		}
		return tx.SelectContext(ctx, &similar, topSimilarQuery, pq.Array(rest))
	})
	if err != nil {
		return nil, fmt.Errorf("store: top suggestions: %w", err)
	}
	bySimilar := make(map[int64]catalogue.Suggestion, len(similar))
	for _, sg := range similar {
		bySimilar[sg.ListingID] = sg
	}
	out := make([]catalogue.TopSuggestion, len(rows))
	for i, r := range rows {
		out[i] = catalogue.TopSuggestion{ListingID: r.ListingID, ChannelName: r.ChannelName, ExternalID: r.ExternalID, SKU: r.SKU, Name: r.Name}
		switch {
		case r.ItemID != nil:
			out[i].Top = &catalogue.Suggestion{ListingID: r.ListingID, ItemID: *r.ItemID, ItemName: deref(r.ItemName),
				ItemSKU: deref(r.ItemSKU), ItemPrice: deref(r.ItemPrice), Reason: catalogue.Reason(*r.Reason), Score: *r.Score}
		default:
			if sg, ok := bySimilar[r.ListingID]; ok {
				out[i].Top = &sg
			}
		}
	}
	return out, nil
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// SuggestPreviewCap is the most listings one bulk preview shows.
const SuggestPreviewCap = 10_000

// ListingSelection is what a bulk action was asked to act on: the listings
// named, or with All every unconfirmed listing matching the filter.
type ListingSelection struct {
	IDs       []int64
	All       bool
	ChannelID int64
	Q         string
}

// SelectUnconfirmed resolves a selection to the ids of its unconfirmed
// listings, oldest first, at most limit of them; more reports that there
// were more.
func (s *Store) SelectUnconfirmed(ctx context.Context, sel ListingSelection, limit int) (ids []int64, more bool, err error) {
	where := []string{"item_id IS NULL"}
	args := []any{limit + 1}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if !sel.All {
		where = append(where, "id = ANY("+arg(pq.Array(sel.IDs))+")")
	}
	if sel.ChannelID > 0 {
		where = append(where, "channel_id = "+arg(sel.ChannelID))
	}
	if q := strings.TrimSpace(sel.Q); q != "" && sel.All {
		p := arg("%" + likeEscape(q) + "%")
		where = append(where, "(sku ILIKE "+p+" OR name ILIKE "+p+")")
	}
	err = s.DB.SelectContext(ctx, &ids, `SELECT id FROM channel_items WHERE `+strings.Join(where, " AND ")+` ORDER BY id LIMIT $1`, args...)
	if err != nil {
		return nil, false, fmt.Errorf("store: select listings: %w", err)
	}
	if len(ids) > limit {
		return ids[:limit], true, nil
	}
	return ids, false, nil
}
