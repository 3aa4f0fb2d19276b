package store_test

import (
	"slices"
	"strings"
	"testing"

	"stocksync/internal/inventory"
	"stocksync/internal/store"
	"stocksync/internal/testkit/testdb"
)

// A search looks each typed word up as a whole entry of the stored word
// prefixes (items_search_terms), never as a GIN prefix match, whose bitmap
// of every matching posting list cost ten times as much on a million items;
// and it still finds every name where each typed word starts a word.
func TestSearchLooksWordPrefixesUpAsWholeIndexEntries(t *testing.T) {
	st := testdb.New(t)
	ctx := t.Context()
	if _, err := st.DB.ExecContext(ctx, `INSERT INTO items (name, sku)
		SELECT (ARRAY['Rustic', 'Modern', 'Slim'])[1 + n % 3] || ' ' || (ARRAY['Pine', 'Birch', 'Steel'])[1 + n / 3 % 3] || ' Table ' || n, 'T-' || n
		FROM generate_series(1, 3000) n`); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB.ExecContext(ctx, `INSERT INTO items (name, sku) VALUES ('Rustic Oak Chair', 'CH-1'), ('Oaken bench', 'B-1'), ('T-shirt Élan', 'TS-1');
		ANALYZE items`); err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string][]string{
		"oak ch":     {"Rustic Oak Chair"},
		"OAK":        {"Oaken bench", "Rustic Oak Chair"},
		"élan shirt": {"T-shirt Élan"},
		"t-sh":       {"T-shirt Élan"},
		"ch-1":       {"Rustic Oak Chair"}, // SKU contains
	} {
		page, err := st.ListItems(ctx, inventory.ItemFilter{Q: q, Status: "all"})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range page.Items {
			got = append(got, r.Name)
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%q found %v, want %v", q, got, want)
		}
	}
	q, args := store.ListItemsQuery(inventory.ItemFilter{Q: "oak ch", Status: "all", Limit: 50})
	// A table this small is read whole or walked in name order; forbid
	// both to see how the index serves the words.
	tx, err := st.DB.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	var plan []string
	if _, err := tx.ExecContext(ctx, `SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off`); err != nil {
		t.Fatal(err)
	}
	if err := tx.SelectContext(ctx, &plan, "EXPLAIN "+q, args...); err != nil {
		t.Fatal(err)
	}
	text := strings.Join(plan, "\n")
	if !strings.Contains(text, "Bitmap Index Scan on items_search_terms") || strings.Contains(text, ":*") {
		t.Fatalf("the search is not an exact lookup of word prefixes:\n%s", text)
	}
}
