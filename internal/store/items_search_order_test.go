package store_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/lib/pq"

	"stocksync/internal/inventory"
	"stocksync/internal/store"
	"stocksync/internal/testkit/testdb"
)

// searchCatalogue is 6,000 names of four words, plus names found only by
// their SKU at both ends of the name order, an inactive match, and a
// renamed and a deleted item, whose old words must no longer find them.
func searchCatalogue(t *testing.T, st *store.Store) {
	t.Helper()
	if _, err := st.DB.ExecContext(t.Context(), `INSERT INTO items (name, sku)
		SELECT (ARRAY['Rustic', 'Modern', 'Slim', 'Grand'])[1 + n % 4] || ' ' || (ARRAY['Pine', 'Birch', 'Steel', 'Oak', 'Pinewood'])[1 + n / 4 % 5]
			|| ' ' || (ARRAY['Table', 'Chair', 'Tablet'])[1 + n / 20 % 3] || ' ' || n, 'T-' || n
		FROM generate_series(1, 6000) n;
		INSERT INTO items (name, sku) VALUES ('Aardvark mug', 'XPINE-1'), ('Zebra lamp', 'PINE-Z'), ('Rustic Pine Table and chair', 'PINE-2');
		INSERT INTO items (name, sku, active) VALUES ('Rustic Pine Table old', 'OLD-1', false);
		INSERT INTO items (name, sku) VALUES ('Pine box renamed', 'R-1'), ('Pine box deleted', 'D-1');
		UPDATE items SET name = 'Walnut box' WHERE sku = 'R-1';
		DELETE FROM item_stock WHERE item_id = (SELECT id FROM items WHERE sku = 'D-1');
		DELETE FROM items WHERE sku = 'D-1';
		ANALYZE items; ANALYZE item_search_terms`); err != nil {
		t.Fatal(err)
	}
}

// wantSearch is the search as it was defined before the ordered index:
// every typed word a stored prefix of the name's words, or the SKU contains
// the text; in name order.
func wantSearch(t *testing.T, st *store.Store, q string, words []string, active bool) []int64 {
	t.Helper()
	var ids []int64
	if err := st.DB.SelectContext(t.Context(), &ids, `SELECT id FROM items
		WHERE (active OR NOT $3) AND (search_terms @> $1 OR sku ILIKE '%' || $2 || '%')
		ORDER BY lower(name) COLLATE "C", id`, pq.Array(words), q, active); err != nil {
		t.Fatal(err)
	}
	return ids
}

// A search in name order pages through the same rows, in the same order,
// as sorting every match did, with after= cursors, for words of every
// length, SKU matches interleaved and filters.
func TestSearchPagesInNameOrderAsBefore(t *testing.T) {
	st := testdb.New(t)
	ctx := t.Context()
	searchCatalogue(t, st)
	for _, c := range []struct {
		q     string
		words []string
		f     inventory.ItemFilter
	}{
		{"pine", []string{"pine"}, inventory.ItemFilter{}},
		{"pine", []string{"pine"}, inventory.ItemFilter{Status: "all"}},
		{"Pine TAB", []string{"pine", "tab"}, inventory.ItemFilter{}},
		{"tablet rust", []string{"tablet", "rust"}, inventory.ItemFilter{}},
		{"oak ch 1", []string{"oak", "ch", "1"}, inventory.ItemFilter{}},
		{"chair oak slim", []string{"chair", "oak", "slim"}, inventory.ItemFilter{}},
		{"box", []string{"box"}, inventory.ItemFilter{}},
		{"walnut", []string{"walnut"}, inventory.ItemFilter{}},
		{"pine-z", []string{"pine", "z"}, inventory.ItemFilter{}},
	} {
		t.Run(c.q+"/"+c.f.Status, func(t *testing.T) {
			want := wantSearch(t, st, c.q, c.words, c.f.Status == "")
			var got []int64
			f := c.f
			f.Q, f.Limit = c.q, 97
			var pages []inventory.ItemPage
			for {
				if len(pages) > len(want)/f.Limit+1 {
					t.Fatalf("%q: paging does not end", c.q)
				}
				p, err := st.ListItems(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				pages = append(pages, p)
				for _, r := range p.Items {
					got = append(got, r.ID)
				}
				if p.Next == 0 {
					break
				}
				f.After = p.Next
			}
			if !slices.Equal(got, want) {
				t.Fatalf("%q: %d rows, want %d\ngot  %v\nwant %v", c.q, len(got), len(want), head(got), head(want))
			}
			// Back from the last page, before= gives each page again.
			f.After = 0
			for k := len(pages) - 1; k > 0; k-- {
				f.Before = pages[k].Prev
				p, err := st.ListItems(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.EqualFunc(p.Items, pages[k-1].Items, func(a, b inventory.ListItem) bool { return a.ID == b.ID }) {
					t.Fatalf("%q: page %d read backwards differs", c.q, k-1)
				}
			}
			if len(pages) > 1 && pages[0].Total != min(len(want), store.ItemCountCap+1) {
				t.Fatalf("%q: total %d, want %d", c.q, pages[0].Total, len(want))
			}
		})
	}
	// The deleted item's and the renamed item's old words are gone.
	var stale int
	if err := st.DB.GetContext(ctx, &stale, `SELECT count(*) FROM item_search_terms t
		WHERE NOT EXISTS (SELECT 1 FROM items i WHERE i.id = t.item_id AND lower(i.name) = t.name_key AND t.term = ANY (i.search_terms))`); err != nil {
		t.Fatal(err)
	}
	if stale != 0 {
		t.Fatalf("%d search terms of names no item has", stale)
	}
}

func head(ids []int64) []int64 { return ids[:min(len(ids), 12)] }

// A one-word search reads the word's entries in page order and stops after
// the page: the scan of item_search_terms_order returns at most a page and
// one rows, with no Sort between it and the page's Limit, though the word
// matches thousands. (The rows of the page are sorted again once merged
// with the SKU matches: fifty rows, not every match.)
func TestSearchReadsOneWordInPageOrder(t *testing.T) {
	st := testdb.New(t)
	ctx := t.Context()
	searchCatalogue(t, st)
	for _, f := range []inventory.ItemFilter{
		{Q: "pine", Limit: 50},
		{Q: "pine", Limit: 50, After: 4001},
		{Q: "pine", Limit: 50, Before: 4001},
		{Q: "Tablet", Limit: 50},
	} {
		q, args := store.ListItemsQuery(f)
		var out []byte
		if err := st.DB.QueryRowContext(ctx, "EXPLAIN (ANALYZE, COSTS OFF, FORMAT JSON) "+q, args...).Scan(&out); err != nil {
			t.Fatal(err)
		}
		var plan []struct{ Plan planNode }
		if err := json.Unmarshal(out, &plan); err != nil {
			t.Fatal(err)
		}
		scan, sorted := findScan(plan[0].Plan, "item_search_terms_order", false)
		switch {
		case scan == nil:
			t.Fatalf("%+v: item_search_terms_order is not read:\n%s", f, out)
		case scan.NodeType != "Index Scan" && scan.NodeType != "Index Only Scan":
			t.Fatalf("%+v: item_search_terms_order is read by a %s, not in order:\n%s", f, scan.NodeType, out)
		case sorted:
			t.Fatalf("%+v: the word's entries are sorted again:\n%s", f, out)
		case scan.ActualRows*scan.ActualLoops > float64(f.Limit+1):
			t.Fatalf("%+v: %v entries read for a page of %d:\n%s", f, scan.ActualRows*scan.ActualLoops, f.Limit, out)
		}
	}
}

type planNode struct {
	NodeType    string     `json:"Node Type"`
	IndexName   string     `json:"Index Name"`
	ActualRows  float64    `json:"Actual Rows"`
	ActualLoops float64    `json:"Actual Loops"`
	Plans       []planNode `json:"Plans"`
}

// findScan finds the scan of index and whether a Sort lies between it and
// the nearest Limit above it (one above a Limit sorts only a page of rows).
func findScan(n planNode, index string, underSort bool) (*planNode, bool) {
	if n.IndexName == index {
		return &n, underSort
	}
	sorted := n.NodeType == "Sort" || n.NodeType == "Incremental Sort" || underSort && n.NodeType != "Limit"
	for _, c := range n.Plans {
		if s, sorted := findScan(c, index, sorted); s != nil {
			return s, sorted
		}
	}
	return nil, false
}
