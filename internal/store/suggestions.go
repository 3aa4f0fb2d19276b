package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/lib/pq"

	"stocksync/internal/catalogue"
)

// Suggestions are found in SQL, each reason through an index on active
// items (migration 00020), never by reading items into Go:
//
//	SameSKU               sku_key(sku) = sku_key(listing's)          items_sku_norm (btree)
//	SameName              name_key(name) = name_key(listing's)       items_name_norm (btree)
//	SamePriceSimilarName  near name, same price, similarity >= 0.4    items_name_lexemes (GIN)
//	SimilarName           near name, similarity >= 0.6                items_name_lexemes (GIN)
//
// A near name has every word of the listing's name but one or two, common
// words aside (name_near_query, common_name_words, read once a statement);
// the word index finds those, and pg_trgm's similarity scores them. Why not
// a trigram index: see the migration.

// nearCandidates caps the near names scored per listing: a name of one or
// two common words ("Oak chair") has thousands, and the best of any
// thousand of them is as good a suggestion.
const nearCandidates = 1000

func suggestionCols(r catalogue.Reason) string {
	return `i.id AS item_id, ` + strconv.Itoa(int(r)) + ` AS reason, similarity(i.name, l.name)::float8 AS score`
}

// nearSQL is the lateral subquery of listing l's near names with their
// reason (same price first), strongest first.
var nearSQL = `SELECT n.item_id, CASE WHEN n.same_price AND n.score >= ` + threshold(catalogue.SimilarNameMin) + ` THEN ` +
	strconv.Itoa(int(catalogue.SamePriceSimilarName)) + ` ELSE ` + strconv.Itoa(int(catalogue.SimilarName)) + ` END AS reason, n.score
	FROM (SELECT i.id AS item_id, i.selling_price = round(l.price, 2) AS same_price, similarity(i.name, l.name)::float8 AS score
		FROM items i WHERE i.active AND to_tsvector('simple', i.name) @@ name_near_query(l.name, (SELECT common_name_words())) LIMIT ` + strconv.Itoa(nearCandidates) + `) n
	WHERE n.score >= ` + threshold(catalogue.VerySimilarName) + ` OR (n.same_price AND n.score >= ` + threshold(catalogue.SimilarNameMin) + `)
	ORDER BY reason, n.score DESC, n.item_id`

func threshold(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

const suggestedItem = `it.name AS item_name, it.sku AS item_sku, it.selling_price::text AS item_price`

// A listing's suggestions: every reason's candidates, each item once at its
// best reason, the strongest three.
var suggestQuery = `SELECT listing_id, item_id, reason, score, ` + suggestedItem + ` FROM (
	SELECT DISTINCT ON (s.item_id) l.id AS listing_id, s.item_id, s.reason, s.score
	FROM channel_items l CROSS JOIN LATERAL (
		SELECT ` + suggestionCols(catalogue.SameSKU) + ` FROM items i
		WHERE i.active AND i.sku <> '' AND sku_key(i.sku) = sku_key(l.sku) AND sku_key(l.sku) <> ''
		UNION ALL
		SELECT ` + suggestionCols(catalogue.SameName) + ` FROM items i
		WHERE i.active AND name_key(i.name) = name_key(l.name) AND name_key(l.name) <> ''
		UNION ALL
		(` + nearSQL + ` LIMIT 10)
	) s
	WHERE l.id = $1 AND l.item_id IS NULL
	ORDER BY s.item_id, s.reason, s.score DESC
) b JOIN items it ON it.id = b.item_id
ORDER BY reason, score DESC, item_id LIMIT ` + strconv.Itoa(catalogue.SuggestionsShown)

// Suggestions are up to three active items for an unconfirmed listing,
// strongest reason first (catalogue.Reason); none for a settled listing.
func (s *Store) Suggestions(ctx context.Context, listingID int64) ([]catalogue.Suggestion, error) {
	var found []catalogue.Suggestion
	if err := s.DB.SelectContext(ctx, &found, suggestQuery, listingID); err != nil {
		return nil, fmt.Errorf("store: suggestions for listing %d: %w", listingID, err)
	}
	return found, nil
}

// Bulk preview: the top suggestion of each of many listings in one
// statement. Each listing's lateral subqueries are gated on the stronger
// reasons having found nothing, so a listing with a SKU match costs one
// btree probe.
var topQuery = `SELECT l.id AS listing_id, ch.name AS channel_name, l.external_id, l.sku, l.name,
		COALESCE(a.item_id, b.item_id, n.item_id) AS item_id, COALESCE(a.reason, b.reason, n.reason) AS reason,
		COALESCE(a.score, b.score, n.score) AS score, ` + suggestedItem + `
	FROM channel_items l JOIN channels ch ON ch.id = l.channel_id
	LEFT JOIN LATERAL (
		SELECT ` + suggestionCols(catalogue.SameSKU) + ` FROM items i
		WHERE i.active AND i.sku <> '' AND sku_key(i.sku) = sku_key(l.sku) AND sku_key(l.sku) <> ''
		ORDER BY score DESC, i.id LIMIT 1
	) a ON true
	LEFT JOIN LATERAL (
		SELECT ` + suggestionCols(catalogue.SameName) + ` FROM items i
		WHERE a.item_id IS NULL AND i.active AND name_key(i.name) = name_key(l.name) AND name_key(l.name) <> ''
		ORDER BY score DESC, i.id LIMIT 1
	) b ON true
	LEFT JOIN LATERAL (SELECT * FROM (` + nearSQL + `) n WHERE a.item_id IS NULL AND b.item_id IS NULL LIMIT 1) n ON true
	LEFT JOIN items it ON it.id = COALESCE(a.item_id, b.item_id, n.item_id)
	WHERE l.id = ANY($1) AND l.item_id IS NULL
	ORDER BY l.id`

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
	if err := s.DB.SelectContext(ctx, &rows, topQuery, pq.Array(ids)); err != nil {
		return nil, fmt.Errorf("store: top suggestions: %w", err)
	}
	out := make([]catalogue.TopSuggestion, len(rows))
	for i, r := range rows {
		out[i] = catalogue.TopSuggestion{ListingID: r.ListingID, ChannelName: r.ChannelName, ExternalID: r.ExternalID, SKU: r.SKU, Name: r.Name}
		if r.ItemID != nil {
			out[i].Top = &catalogue.Suggestion{ListingID: r.ListingID, ItemID: *r.ItemID, ItemName: deref(r.ItemName),
				ItemSKU: deref(r.ItemSKU), ItemPrice: deref(r.ItemPrice), Reason: catalogue.Reason(*r.Reason), Score: *r.Score}
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
