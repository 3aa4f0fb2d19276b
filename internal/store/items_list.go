package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"stocksync/internal/inventory"
)

// ListItems returns one keyset page and the cursor of the next (0 at the
// end). Each sort has its own (key, id) index, and the cursor is the id of
// the last row shown, so URLs stay short and readable.
func (s *Store) ListItems(ctx context.Context, f inventory.ItemFilter) ([]inventory.ListItem, int64, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	q, args := listItemsQuery(f)
	// Scanned by hand: this is the hottest read of the application, and
	// reflection over 50 rows costed more than the query.
	// Without a search the statement text is one of a few dozen shapes:
	// prepared, it is neither parsed nor planned again. A search is
	// planned for its own text, as its selectivity varies.
	var rs *sql.Rows
	var err error
	if strings.TrimSpace(f.Q) == "" {
		var st *sqlx.Stmt
		if st, err = s.prepared(ctx, q); err != nil {
			return nil, 0, err
		}
		rs, err = st.QueryContext(ctx, args...)
	} else {
		rs, err = s.DB.QueryContext(ctx, q, args...)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("store: list items: %w", err)
	}
	defer rs.Close()
	rows := make([]inventory.ListItem, 0, f.Limit+1)
	for rs.Next() {
		var it inventory.ListItem
		if err := rs.Scan(&it.ID, &it.Name, &it.SKU, &it.Unit, &it.SellingPrice, &it.OnHand, &it.Committed, &it.Available,
			&it.ReorderLevel, &it.Active, &it.LinkedChannels); err != nil {
			return nil, 0, fmt.Errorf("store: list items: %w", err)
		}
		rows = append(rows, it)
	}
	if err := rs.Err(); err != nil {
		return nil, 0, fmt.Errorf("store: list items: %w", err)
	}
	var next int64
	if len(rows) > f.Limit {
		rows = rows[:f.Limit]
		next = rows[len(rows)-1].ID
	}
	return rows, next, nil
}

// listItemsQuery is the statement of one page of the list and its
// arguments.
func listItemsQuery(f inventory.ItemFilter) (string, []any) {
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
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
	if q := strings.TrimSpace(f.Q); q != "" {
		esc := likeEscape(q)
		words := searchTerms(q)
		switch {
		case utf8.RuneCountInString(q) < 3:
			// Too short to be selective: prefix of name or SKU, through
			// the btree sort indexes. SKUs are case-sensitive, but people
			// type in lower case, so the upper-cased prefix matches too.
			p := arg(esc + "%")
			where = append(where, `(lower(i.name) COLLATE "C" LIKE lower(`+p+`) OR (i.sku <> '' AND (i.sku LIKE `+p+` OR i.sku LIKE upper(`+p+`))))`)
		case len(words) > 0:
			// Every typed word starts a word of the name (an exact lookup
			// of stored word prefixes, see migration 00011), or the SKU
			// contains the text.
			where = append(where, `(i.search_terms @> `+arg(pq.Array(words))+`::text[] OR i.sku ILIKE `+arg("%"+esc+"%")+`)`)
		default:
			where = append(where, "i.sku ILIKE "+arg("%"+esc+"%"))
		}
	}
	order := `lower(i.name) COLLATE "C", i.id`
	if f.After > 0 {
		// The cursor row's key is read by an InitPlan inside the same
		// statement, so the page is one index range scan and one round
		// trip. A cursor whose item is gone yields an empty page.
		p := arg(f.After)
		c := "(SELECT %s FROM items WHERE id = " + p + ")"
		switch f.Sort {
		case "sku":
			where = append(where, "((i.sku = ''), i.sku, i.id) > "+fmt.Sprintf(c, "sku = '', sku, id"))
		case "available":
			where = append(where, "(s.available, s.item_id) > (SELECT available, item_id FROM item_stock WHERE item_id = "+p+")")
		case "updated":
			where = append(where, "(i.updated_at, i.id) < "+fmt.Sprintf(c, "updated_at, id"))
		default:
			where = append(where, `(lower(i.name) COLLATE "C", i.id) > `+fmt.Sprintf(c, `lower(name) COLLATE "C", id`))
		}
	}
	switch f.Sort {
	case "sku":
		order = "(i.sku = ''), i.sku, i.id"
	case "available":
		order = "s.available, s.item_id"
	case "updated":
		order = "i.updated_at DESC, i.id DESC"
	}
	const columns = `SELECT i.id, i.name, i.sku, i.unit, i.selling_price, s.on_hand, s.committed, s.available, i.reorder_level,
		i.active, (SELECT count(*) FROM channel_items c WHERE c.item_id = i.id) AS linked_channels`
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
		q = columns + ` FROM (SELECT i.id, i.name, i.sku, i.unit, i.selling_price, i.reorder_level, i.active, i.updated_at FROM items i` +
			filter + limit + `) i JOIN item_stock s ON s.item_id = i.id` +
			" ORDER BY " + order
	} else {
		q = columns + ` FROM items i JOIN item_stock s ON s.item_id = i.id` + filter + limit
	}
	return q, args
}

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

// Counts for the dashboard.
type ItemCounts struct {
	Active int `db:"active"`
	Low    int `db:"low"`
	Out    int `db:"out"`
}

func (s *Store) ItemCounts(ctx context.Context) (ItemCounts, error) {
	var c ItemCounts
	err := s.DB.GetContext(ctx, &c, `SELECT
		(SELECT count(*) FROM items WHERE active) AS active,
		(SELECT count(*) FROM items i JOIN item_stock s ON s.item_id = i.id
			WHERE i.active AND s.reorder_level > 0 AND s.available > 0 AND s.available <= s.reorder_level) AS low,
		(SELECT count(*) FROM items i JOIN item_stock s ON s.item_id = i.id WHERE i.active AND s.available <= 0) AS out`)
	if err != nil {
		return c, fmt.Errorf("store: item counts: %w", err)
	}
	return c, nil
}
