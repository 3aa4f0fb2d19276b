package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"stocksync/internal/inventory"
)

// itemOrder is one sort's keyset: its ORDER BY columns (ascending), the
// row's key, and the same key read for a cursor id (%s).
type itemOrder struct {
	cols        []string
	row, cursor string
	desc        bool // the list shows the highest key first
}

var itemOrders = map[string]itemOrder{
	"name": {[]string{`lower(i.name) COLLATE "C"`, "i.id"}, `(lower(i.name) COLLATE "C", i.id)`,
		`(SELECT lower(name) COLLATE "C", id FROM items WHERE id = %s)`, false},
	"sku": {[]string{"(i.sku = '')", "i.sku", "i.id"}, "((i.sku = ''), i.sku, i.id)",
		"(SELECT sku = '', sku, id FROM items WHERE id = %s)", false},
	"available": {[]string{"s.available", "s.item_id"}, "(s.available, s.item_id)",
		"(SELECT available, item_id FROM item_stock WHERE item_id = %s)", false},
	"updated": {[]string{"i.updated_at", "i.id"}, "(i.updated_at, i.id)",
		"(SELECT updated_at, id FROM items WHERE id = %s)", true},
}

// ListItems returns one keyset page, the cursors of the pages either side
// and the (capped) number of matches. Each sort has its own (key, id) index,
// and a cursor is the id of the row next to the page, so URLs stay short and
// readable; going back reads the same index backwards.
func (s *Store) ListItems(ctx context.Context, f inventory.ItemFilter) (inventory.ItemPage, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	// A search keeps PostgreSQL's CPU busy: it waits for its turn
	// (turns.go); the plain list is an index range, and does not.
	if strings.TrimSpace(f.Q) != "" {
		if err := s.heavy.take(ctx); err != nil {
			return inventory.ItemPage{}, err
		}
		defer s.heavy.release()
	}
	var skuIDs []int64
	sq, sargs, nameOrder := skuMatchesQuery(f)
	if nameOrder {
		var err error
		if skuIDs, err = s.skuMatches(ctx, sq, sargs); err != nil {
			return inventory.ItemPage{}, err
		}
	}
	q, args := listItemsPage(f, skuIDs)
	backward := f.Before > 0
	rs, err := s.queryItems(ctx, q, args, strings.TrimSpace(f.Q) == "" || nameOrder)
	if err != nil {
		return inventory.ItemPage{}, err
	}
	defer rs.Close()
	rows := make([]inventory.ListItem, 0, f.Limit+1)
	for rs.Next() {
		var it inventory.ListItem
		if err := rs.Scan(&it.ID, &it.Name, &it.SKU, &it.Unit, &it.SellingPrice, &it.OnHand, &it.Committed, &it.Available,
			&it.ReorderLevel, &it.Active, &it.LinkedChannels); err != nil {
			return inventory.ItemPage{}, fmt.Errorf("store: list items: %w", err)
		}
		rows = append(rows, it)
	}
	if err := rs.Err(); err != nil {
		return inventory.ItemPage{}, fmt.Errorf("store: list items: %w", err)
	}
	rs.Close()
	more := len(rows) > f.Limit
	if more {
		rows = rows[:f.Limit]
	}
	p := inventory.ItemPage{Items: rows}
	if backward {
		slices.Reverse(rows)
	}
	if len(rows) > 0 {
		first, last := rows[0].ID, rows[len(rows)-1].ID
		switch {
		case backward:
			p.Next = last
			if more {
				p.Prev = first
			}
		default:
			if more {
				p.Next = last
			}
			if f.After > 0 {
				p.Prev = first
			}
		}
	}
	if !more && f.After == 0 && !backward {
		p.Total = len(rows) // the whole list is on this page
		return p, nil
	}
	if f.CountLater && strings.TrimSpace(f.Q) != "" {
		p.Total = -1
		return p, nil
	}
	p.Total, err = s.CountItems(ctx, f)
	return p, err
}

// listItemsQuery is the statement of one page of the list and its
// arguments, for a search in name order without SKU matches.
func listItemsQuery(f inventory.ItemFilter) (string, []any) { return listItemsPage(f, nil) }

// listItemsPage is the statement of one page of the list and its
// arguments; skuIDs are a search's SKU matches (skuMatchesQuery). Going
// back (Before) reads the sort's index backwards; the rows then come in
// reverse.
func listItemsPage(f inventory.ItemFilter, skuIDs []int64) (string, []any) {
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	where := itemFilters(f, arg)
	sort := f.Sort
	if _, ok := itemOrders[sort]; !ok {
		sort = "name"
	}
	ord := itemOrders[sort]
	backward := f.Before > 0
	descending := ord.desc != backward
	cur := f.After
	if backward {
		cur = f.Before
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		if sort == "name" {
			if st := searchInNameOrder(f, where, arg, skuIDs); st != "" {
				return st, args
			}
		}
		where = append(where, searchCondition(q, arg))
	}
	if cur > 0 {
		// The cursor row's key is read by an InitPlan inside the same
		// statement, so the page is one index range scan and one round
		// trip. A cursor whose item is gone yields an empty page.
		cmp := " > "
		if descending {
			cmp = " < "
		}
		where = append(where, ord.row+cmp+fmt.Sprintf(ord.cursor, arg(cur)))
	}
	dir := ""
	if descending {
		dir = " DESC"
	}
	order := strings.Join(ord.cols, dir+", ") + dir
	filter := ""
	if len(where) > 0 {
		filter = " WHERE " + strings.Join(where, " AND ")
	}
	limit := " ORDER BY " + order + " LIMIT " + strconv.Itoa(f.Limit+1)
	var q string
	if f.Stock == "" && f.Sort != "available" {
		// Neither filter nor sort needs stock: pick the page from items
		// alone and join stock for its rows only, not for every match of a
		// broad search.
		q = listColumns + ` FROM (SELECT i.id, i.name, i.sku, i.unit, i.selling_price, i.reorder_level, i.active, i.updated_at FROM items i` +
			filter + limit + `) i JOIN item_stock s ON s.item_id = i.id` +
			" ORDER BY " + order
	} else {
		q = listColumns + ` FROM items i JOIN item_stock s ON s.item_id = i.id` + filter + limit
	}
	return q, args
}

// itemConditions is the WHERE of a filter, without the cursor.
func itemConditions(f inventory.ItemFilter, arg func(any) string) []string {
	where := itemFilters(f, arg)
	if q := strings.TrimSpace(f.Q); q != "" {
		where = append(where, searchCondition(q, arg))
	}
	return where
}

// itemFilters is the WHERE of a filter but its search, without the cursor.
func itemFilters(f inventory.ItemFilter, arg func(any) string) []string {
	var where []string
	switch f.Status {
	case "inactive":
		where = append(where, "NOT i.active")
	case "all":
	default:
		where = append(where, "i.active")
	}
	switch f.Stock {
	case "in":
		where = append(where, "s.available > 0")
	case "low":
		where = append(where, "s.reorder_level > 0 AND s.available > 0 AND s.available <= s.reorder_level")
	case "out":
		where = append(where, "s.available <= 0")
	}
	switch f.Linked {
	case "yes":
		where = append(where, "EXISTS (SELECT 1 FROM channel_items c WHERE c.item_id = i.id)")
	case "no":
		where = append(where, "NOT EXISTS (SELECT 1 FROM channel_items c WHERE c.item_id = i.id)")
	}
	return where
}

// searchCondition is the WHERE of a search (q trimmed, not empty) when it
// is not read in name order (searchInNameOrder).
func searchCondition(q string, arg func(any) string) string {
	esc := likeEscape(q)
	words := searchTerms(q)
	switch {
	case utf8.RuneCountInString(q) < 3:
		// Too short to be selective: prefix of name or SKU, through
		// the btree sort indexes. SKUs are case-sensitive, but people
		// type in lower case, so the upper-cased prefix matches too.
		p := arg(esc + "%")
		return `(lower(i.name) COLLATE "C" LIKE lower(` + p + `) OR (i.sku <> '' AND (i.sku LIKE ` + p + ` OR i.sku LIKE upper(` + p + `))))`
	case len(words) > 0:
		// Every typed word starts a word of the name (an exact lookup
		// of stored word prefixes, see migration 00011), or the SKU
		// contains the text.
		return `(i.search_terms @> ` + arg(pq.Array(words)) + `::text[] OR i.sku ILIKE ` + arg("%"+esc+"%") + `)`
	default:
		return "i.sku ILIKE " + arg("%"+esc+"%")
	}
}

// queryItems runs a statement of the items list. Without a search the text
// is one of a few dozen shapes: prepared, it is neither parsed nor planned
// again; so is a search's page in name order (items_search.go). Another
// search is planned for its own text, as its selectivity varies. Rows are
// scanned by hand: this is the hottest read of the application, and
// reflection over 50 rows cost more than the query.
func (s *Store) queryItems(ctx context.Context, q string, args []any, prepare bool) (*sql.Rows, error) {
	var rs *sql.Rows
	var err error
	if prepare {
		var st *sqlx.Stmt
		if st, err = s.prepared(ctx, q); err != nil {
			return nil, err
		}
		rs, err = st.QueryContext(ctx, args...)
	} else {
		rs, err = s.DB.QueryContext(ctx, q, args...)
	}
	if err != nil {
		return nil, fmt.Errorf("store: list items: %w", err)
	}
	return rs, nil
}

// listColumns are the list's columns, read from a page's rows i (items)
// and s (item_stock).
const listColumns = `SELECT i.id, i.name, i.sku, i.unit, i.selling_price, s.on_hand, s.committed, s.available, i.reorder_level,
	i.active, (SELECT count(*) FROM channel_items c WHERE c.item_id = i.id) AS linked_channels`

// searchTerms are the typed words a name's search_terms must all hold
// ("Oak ch" → oak, ch): lower-cased, split at what is not a letter or
// digit, at most eight, each cut at 24 characters as the stored prefixes
// are (item_search_terms).
func searchTerms(q string) []string {
	var terms []string
	for _, w := range strings.FieldsFunc(strings.ToLower(q), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if r := []rune(w); len(r) > 24 {
			w = string(r[:24])
		}
		terms = append(terms, w)
		if len(terms) == 8 {
			break
		}
	}
	return terms
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// skuMatches runs skuMatchesQuery's statement, planned for its text.
func (s *Store) skuMatches(ctx context.Context, q string, args []any) ([]int64, error) {
	rs, err := s.DB.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list items: %w", err)
	}
	defer rs.Close()
	var ids []int64
	for rs.Next() {
		var id int64
		if err := rs.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: list items: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("store: list items: %w", err)
	}
	return ids, nil
}
