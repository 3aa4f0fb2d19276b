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
// words aside (common_name_words, read once a statement); the word index
// finds those (near_query), and pg_trgm's similarity scores them. Why not
// a trigram index: see the migration.
//
// One statement serves one listing (its page) and ten thousand (the bulk
// preview), set-based: the listings' words are exploded once, and each
// distinct word is looked up once for the whole selection (a btree probe
// of item_name_words, migration 00027), to leave out words no active item
// has; only then is each listing's
// query of near names run against the index. A word index query is an
// intersection of a few posting lists inside the index, much cheaper than
// joining (word, item) rows: a brand's list and a size's hold hundreds and
// thousands of items each, the items with both a handful.

// nearCandidates caps the near names scored per listing: a name of one or
// two common words ("Oak chair") has thousands, and the best of any
// thousand of them is as good a suggestion.
const nearCandidates = 1000

func reasonSQL(r catalogue.Reason) string { return strconv.Itoa(int(r)) }

var shown = strconv.Itoa(catalogue.SuggestionsShown)

func threshold(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// suggestionsSQL is the WITH list that ends in cand(listing_id, item_id,
// reason, score): every suggestion of the listings in sel (a query of
// channel_items rows l; the unconfirmed ones count). With onlyBest, the
// near names of a listing that has a SKU or name match are not looked for,
// as the bulk preview shows only the best suggestion. common is the text[]
// of common words (common_name_words).
func suggestionsSQL(sel string, onlyBest bool, common string) string {
	gate := ""
	if onlyBest {
		gate = ` WHERE NOT EXISTS (SELECT 1 FROM exact e WHERE e.listing_id = l.id)`
	}
	return `WITH l AS MATERIALIZED (
		SELECT l.id, l.sku, l.name, round(l.price, 2) AS price FROM channel_items l WHERE ` + sel + ` AND l.item_id IS NULL
	), exact AS MATERIALIZED (
		-- a btree probe a listing: a hash or merge join would compute the
		-- key of every item (seconds for half a million); no more of a
		-- reason than a page shows (the limit keeps the estimates sane)
		SELECT l.id AS listing_id, e.item_id, e.reason, e.score FROM l CROSS JOIN LATERAL ((
			SELECT i.id AS item_id, ` + reasonSQL(catalogue.SameSKU) + ` AS reason, similarity(i.name, l.name)::float8 AS score
			FROM items i WHERE i.active AND i.sku <> '' AND sku_key(i.sku) = sku_key(l.sku) AND sku_key(l.sku) <> ''
			ORDER BY score DESC, i.id LIMIT ` + shown + `)
			UNION ALL (
			SELECT i.id, ` + reasonSQL(catalogue.SameName) + `, similarity(i.name, l.name)::float8
			FROM items i WHERE i.active AND name_key(i.name) = name_key(l.name) AND name_key(l.name) <> ''
			ORDER BY 3 DESC, 1 LIMIT ` + shown + `)
		) e
	), lw AS MATERIALIZED (
		SELECT l.id, t.lexeme FROM l CROSS JOIN unnest(to_tsvector('simple', l.name)) t` + gate + `
	), dw AS MATERIALIZED (
		-- each distinct word once: 0 counts, 1 is common (counts only in a
		-- name of common words), 2 no active item has
		SELECT d.lexeme, CASE WHEN d.lexeme = ANY (` + common + `) THEN 1
			WHEN EXISTS (SELECT 1 FROM item_name_words w WHERE w.word = d.lexeme) THEN 0
			ELSE 2 END AS class
		FROM (SELECT DISTINCT lexeme FROM lw) d
	), q AS MATERIALIZED (
		SELECT w.id, near_query(array_agg(w.lexeme ORDER BY length(w.lexeme) DESC, w.lexeme)) AS q
		FROM (SELECT r.id, r.lexeme, row_number() OVER (PARTITION BY r.id ORDER BY length(r.lexeme) DESC, r.lexeme) AS n
			FROM (SELECT lw.id, lw.lexeme, dw.class, min(dw.class) OVER (PARTITION BY lw.id) AS best
				FROM lw JOIN dw ON dw.lexeme = lw.lexeme WHERE dw.class < 2) r
			WHERE r.class = r.best) w
		WHERE w.n <= 8
		GROUP BY w.id
	), near AS (
		SELECT q.id AS listing_id, n.item_id, CASE WHEN n.same_price AND n.score >= ` + threshold(catalogue.SimilarNameMin) + ` THEN ` +
		reasonSQL(catalogue.SamePriceSimilarName) + ` ELSE ` + reasonSQL(catalogue.SimilarName) + ` END AS reason, n.score
		FROM q JOIN l ON l.id = q.id CROSS JOIN LATERAL (
			SELECT i.id AS item_id, i.selling_price = l.price AS same_price, similarity(i.name, l.name)::float8 AS score
			FROM items i WHERE i.active AND to_tsvector('simple', i.name) @@ q.q LIMIT ` + strconv.Itoa(nearCandidates) + `) n
		WHERE n.score >= ` + threshold(catalogue.VerySimilarName) + ` OR (n.same_price AND n.score >= ` + threshold(catalogue.SimilarNameMin) + `)
	), cand AS (
		SELECT * FROM exact UNION ALL SELECT * FROM near
	) `
}

const suggestedItem = `it.name AS item_name, it.sku AS item_sku, it.selling_price::text AS item_price`

// A listing's suggestions: every reason's candidates, each item once at its
// best reason, the strongest three.
//
// The common words come as $2 (commonWords): reading them from pg_stats
// took as long as the rest of the statement, on every page view.
var suggestQuery = suggestionsSQL(`l.id = $1`, false, `$2::text[]`) + `SELECT listing_id, item_id, reason, score, ` + suggestedItem + ` FROM (
	SELECT DISTINCT ON (item_id) * FROM cand ORDER BY item_id, reason, score DESC
) b JOIN items it ON it.id = b.item_id
ORDER BY reason, score DESC, item_id LIMIT ` + strconv.Itoa(catalogue.SuggestionsShown)

// Suggestions are up to three active items for an unconfirmed listing,
// strongest reason first (catalogue.Reason); none for a settled listing.
func (s *Store) Suggestions(ctx context.Context, listingID int64) ([]catalogue.Suggestion, error) {
	var found []catalogue.Suggestion
	// Prepared: planning the statement (every channel's partition, a dozen
	// joins) cost several times running it, and its plan does not depend on
	// the listing, so PostgreSQL soon keeps one.
	st, err := s.prepared(ctx, suggestQuery)
	if err != nil {
		return nil, err
	}
	common, err := s.commonWords(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.heavy.take(ctx); err != nil {
		return nil, err
	}
	defer s.heavy.release()
	if err := st.SelectContext(ctx, &found, listingID, pq.Array(common)); err != nil {
		return nil, fmt.Errorf("store: suggestions for listing %d: %w", listingID, err)
	}
	return found, nil
}

// Bulk preview: the top suggestion of each of many listings in one
// statement, the same as a listing's first on its page.
// (common_name_words reads pg_stats: once a statement, as an initplan.)
var topQuery = suggestionsSQL(`l.id = ANY($1)`, true, `(SELECT common_name_words())::text[]`) + `SELECT l.id AS listing_id, ch.name AS channel_name, l.external_id, l.sku, l.name,
		b.item_id, b.reason, b.score, ` + suggestedItem + `
	FROM channel_items l JOIN channels ch ON ch.id = l.channel_id
	LEFT JOIN (SELECT DISTINCT ON (listing_id) * FROM cand ORDER BY listing_id, reason, score DESC, item_id) b ON b.listing_id = l.id
	LEFT JOIN items it ON it.id = b.item_id
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
	err := s.DB.SelectContext(ctx, &rows, topQuery, pq.Array(ids))
	if err != nil {
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
