package store

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/lib/pq"

	"stocksync/internal/inventory"
)

// A search page in the list's default order (lower(name) in C order, id)
// is two statements. The first finds the items whose SKU contains the
// text (skuMatchesQuery): how many do varies from none to every item, so
// it is planned for its text, and it is small to plan. The second
// (searchInNameOrder) reads the words' matches in page order and merges
// the first's items by the same key; its plan does not depend on the
// words, so it is prepared and PostgreSQL keeps one plan. As one statement
// planned for each search, planning the whole cost more than running it.

// nameOrderSearch is a search read in name order: its words, the longest
// first among those of three characters or more, the shorter ones, and
// the direction and cursor of the page. ok is false for a search that is
// not (another sort, or no word of three characters).
type nameOrderSearch struct {
	q                  string
	words, long, short []string
	descending         bool
	cursor             int64
}

func nameOrderSearchOf(f inventory.ItemFilter) (nameOrderSearch, bool) {
	q := strings.TrimSpace(f.Q)
	if _, ok := itemOrders[f.Sort]; q == "" || (ok && f.Sort != "name") {
		return nameOrderSearch{}, false
	}
	s := nameOrderSearch{q: q, words: searchTerms(q), descending: f.Before > 0, cursor: f.After}
	if f.Before > 0 {
		s.cursor = f.Before
	}
	for _, w := range s.words {
		switch {
		case slices.Contains(s.long, w) || slices.Contains(s.short, w):
		case utf8.RuneCountInString(w) >= 3:
			s.long = append(s.long, w)
		default:
			s.short = append(s.short, w)
		}
	}
	if len(s.long) == 0 {
		return nameOrderSearch{}, false
	}
	// A longer prefix is usually the rarer word; the planner may still
	// drive from another, as every word's entries are in the same order.
	slices.SortStableFunc(s.long, func(a, b string) int { return cmp.Compare(utf8.RuneCountInString(b), utf8.RuneCountInString(a)) })
	return s, true
}

func (s nameOrderSearch) rel() (string, string) {
	if s.descending {
		return " < ", " DESC"
	}
	return " > ", ""
}

// cursorKey is the cursor row's key, read by an InitPlan as in
// listItemsQuery; a cursor whose item is gone yields an empty page.
func cursorKey(arg func(any) string, cursor int64) string {
	return `(SELECT lower(name) COLLATE "C", id FROM items WHERE id = ` + arg(cursor) + `)`
}

// skuMatchesQuery is the first statement of a search in name order: the
// ids of a page of items, in page order, whose SKU contains the text and
// whose name does not hold every word (those the second statement finds).
func skuMatchesQuery(f inventory.ItemFilter) (string, []any, bool) {
	s, ok := nameOrderSearchOf(f)
	if !ok {
		return "", nil, false
	}
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	where := append([]string{"i.sku ILIKE " + arg("%"+likeEscape(s.q)+"%"), "NOT (i.search_terms @> " + arg(pq.Array(s.words)) + "::text[])"},
		itemFilters(f, arg)...)
	rel, dir := s.rel()
	if s.cursor > 0 {
		where = append(where, `(lower(i.name) COLLATE "C", i.id)`+rel+cursorKey(arg, s.cursor))
	}
	from := "items i"
	if f.Stock != "" {
		from += " JOIN item_stock s ON s.item_id = i.id"
	}
	return `SELECT i.id FROM ` + from + ` WHERE ` + strings.Join(where, " AND ") +
		` ORDER BY lower(i.name) COLLATE "C"` + dir + `, i.id` + dir + ` LIMIT ` + strconv.Itoa(f.Limit+1), args, true
}

// searchInNameOrder is the second statement of a search in name order, or
// "" when the search is not read so; where holds the list's other
// filters, and skuIDs what skuMatchesQuery found.
//
// The longest word's entries of item_search_terms (migration 00017) are
// read in page order, the other words joined to them on the same index and
// the shorter ones checked against the item's own terms, so the page stops
// after its rows instead of fetching and sorting every match. The SKU
// matches, a page at most, are merged by the same key.
func searchInNameOrder(f inventory.ItemFilter, where []string, arg func(any) string, skuIDs []int64) string {
	s, ok := nameOrderSearchOf(f)
	if !ok {
		return ""
	}
	from := "item_search_terms t0"
	for k, w := range s.long[1:] {
		t := "t" + strconv.Itoa(k+1)
		from += " JOIN item_search_terms " + t + " ON " + t + ".term = " + arg(w) + " AND " + t + ".name_key = t0.name_key AND " +
			t + ".item_id = t0.item_id"
	}
	stock := ""
	if f.Stock != "" {
		stock = " JOIN item_stock s ON s.item_id = i.id"
	}
	byWord := append([]string{"t0.term = " + arg(s.long[0])}, where...)
	if len(s.short) > 0 {
		byWord = append(byWord, "i.search_terms @> "+arg(pq.Array(s.short))+"::text[]")
	}
	if skuIDs == nil {
		skuIDs = []int64{}
	}
	// The filters again: an item may have changed since the first statement.
	bySKU := append([]string{"i.id = ANY (" + arg(pq.Array(skuIDs)) + "::bigint[])"}, where...)
	rel, dir := s.rel()
	if s.cursor > 0 {
		byWord = append(byWord, "(t0.name_key, t0.item_id)"+rel+cursorKey(arg, s.cursor))
	}
	const picked = "SELECT i.id, i.name, i.sku, i.unit, i.selling_price, i.reorder_level, i.active, "
	limit := " LIMIT " + strconv.Itoa(f.Limit+1)
	order := func(key, id string) string { return " ORDER BY " + key + dir + ", " + id + dir }
	return listColumns + ` FROM ((` +
		picked + `t0.name_key AS sort_key FROM ` + from + ` JOIN items i ON i.id = t0.item_id` + stock +
		` WHERE ` + strings.Join(byWord, " AND ") + order("t0.name_key", "t0.item_id") + limit + `) UNION ALL (` +
		picked + `lower(i.name) COLLATE "C" FROM items i` + stock +
		` WHERE ` + strings.Join(bySKU, " AND ") + order(`lower(i.name) COLLATE "C"`, "i.id") + limit + `)` +
		order("sort_key", "id") + limit + `) i JOIN item_stock s ON s.item_id = i.id` + order("i.sort_key", "i.id")
}
