package store_test

import (
	"encoding/json"
	"testing"

	"github.com/lib/pq"

	"stocksync/internal/inventory"
	"stocksync/internal/store"
	"stocksync/internal/testkit/testdb"
)

// A search page in name order is a prepared statement, so PostgreSQL
// soon runs it with one plan for every search: that plan must still read
// the word's entries in page order and stop after the page, whatever the
// word, and cost too little to be compiled by JIT on every page.
func TestSearchPageKeepsOnePlanForEveryWord(t *testing.T) {
	st := testdb.New(t)
	ctx := t.Context()
	searchCatalogue(t, st)
	f := inventory.ItemFilter{Q: "pine", Limit: 50}
	q, args := store.ListItemsQuery(f)
	if len(args) != 2 {
		t.Fatalf("the page of a one-word search has %d parameters, want the word and the SKU matches", len(args))
	}
	conn, err := st.DB.Connx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PREPARE page AS `+q+`; SET plan_cache_mode = force_generic_plan`); err != nil {
		t.Fatal(err)
	}
	for _, word := range []string{"pine", "tablet", "zebra", "nothing"} {
		var out []byte
		if err := conn.QueryRowContext(ctx, `EXPLAIN (ANALYZE, COSTS, FORMAT JSON) EXECUTE page(`+pq.QuoteLiteral(word)+`, '{}')`).Scan(&out); err != nil {
			t.Fatal(err)
		}
		var plan []struct {
			Plan planNode
			JIT  any `json:"JIT"`
		}
		if err := json.Unmarshal(out, &plan); err != nil {
			t.Fatal(err)
		}
		scan, sorted := findScan(plan[0].Plan, "item_search_terms_order", false)
		switch {
		case walksNames(plan[0].Plan):
			t.Fatalf("%q: the kept plan walks every item in name order to find SKU matches:\n%s", word, out)
		case plan[0].JIT != nil:
			t.Fatalf("%q: the kept plan is compiled by JIT:\n%s", word, out)
		case scan == nil || (scan.NodeType != "Index Scan" && scan.NodeType != "Index Only Scan"):
			t.Fatalf("%q: the kept plan does not read the word's entries in order:\n%s", word, out)
		case sorted:
			t.Fatalf("%q: the kept plan sorts the word's entries:\n%s", word, out)
		case scan.ActualRows*scan.ActualLoops > float64(f.Limit+1):
			t.Fatalf("%q: %v entries read for a page of %d:\n%s", word, scan.ActualRows*scan.ActualLoops, f.Limit, out)
		}
	}
}

func walksNames(n planNode) bool {
	if n.IndexName == "items_name_sort" || n.NodeType == "Seq Scan" {
		return true
	}
	for _, c := range n.Plans {
		if walksNames(c) {
			return true
		}
	}
	return false
}
