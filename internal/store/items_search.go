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

// searchInNameOrder is the statement of a search page in the list's default
// order (lower(name) in C order, id), or "" when the search has no word of
// three characters. where holds the list's other filters.
//
// The longest word's entries of item_search_terms (migration 00017) are
// read in page order, the other words joined to them on the same index and
// the shorter ones checked against the item's own terms, so the page stops
// after its rows instead of fetching and sorting every match. Names whose
// SKU contains the text are a second, small branch: the trigram index
// finds them, and they are merged by the same key.
func searchInNameOrder(f inventory.ItemFilter, q string, where []string, arg func(any) string, descending bool, cursor int64) string {
	words := searchTerms(q)
	var long, short []string
	for _, w := range words {
		switch {
		case slices.Contains(long, w) || slices.Contains(short, w):
		case utf8.RuneCountInString(w) >= 3:
			long = append(long, w)
		default:
			short = append(short, w)
		}
	}
	if len(long) == 0 {
		return ""
	}
	// A longer prefix is usually the rarer word; the planner may still
	// drive from another, as every word's entries are in the same order.
	slices.SortStableFunc(long, func(a, b string) int { return cmp.Compare(utf8.RuneCountInString(b), utf8.RuneCountInString(a)) })
	from := "item_search_terms t0"
	for k, w := range long[1:] {
		t := "t" + strconv.Itoa(k+1)
		from += " JOIN item_search_terms " + t + " ON " + t + ".term = " + arg(w) + " AND " + t + ".name_key = t0.name_key AND " +
			t + ".item_id = t0.item_id"
	}
	stock := ""
	if f.Stock != "" {
		stock = " JOIN item_stock s ON s.item_id = i.id"
	}
	byWord := append([]string{"t0.term = " + arg(long[0])}, where...)
	if len(short) > 0 {
		byWord = append(byWord, "i.search_terms @> "+arg(pq.Array(short))+"::text[]")
	}
	bySKU := append([]string{"i.sku ILIKE " + arg("%"+likeEscape(q)+"%"), "NOT (i.search_terms @> " + arg(pq.Array(words)) + "::text[])"}, where...)
	rel, dir := " > ", ""
	if descending {
		rel, dir = " < ", " DESC"
	}
	if cursor > 0 {
		// As in listItemsQuery, the cursor row's key is read by an
		// InitPlan, and a cursor whose item is gone yields an empty page.
		c := `(SELECT lower(name) COLLATE "C", id FROM items WHERE id = ` + arg(cursor) + `)`
		byWord = append(byWord, "(t0.name_key, t0.item_id)"+rel+c)
		bySKU = append(bySKU, `(lower(i.name) COLLATE "C", i.id)`+rel+c)
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
