package fake

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"stocksync/internal/channel/internal/testkit"
)

// An export of orders is written as Shopify writes nested connections: each
// order's line holds its selected fields but no lineItems, and its line
// items follow it as lines of their own naming it in __parentId. The
// search filters orders, and every line is an object of the count.
func TestBulkExportOfOrdersWritesLineItemsAfterTheirOrder(t *testing.T) {
	clock := testkit.NewClock()
	s := New(Options{Now: clock.Now})
	defer s.Close()
	s.Generate(5, 1)
	vs := s.Listings()
	early := clock.Now()
	first, err := s.AddOrder(Order{Customer: "Ann", Lines: []OrderLine{{VariantID: vs[0].ID, Quantity: 2}, {VariantID: vs[1].ID, Quantity: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	second, _ := s.AddOrder(Order{CreatedAt: early.Add(time.Hour), Lines: []OrderLine{{Name: "Gift wrap", Quantity: 1, Price: "2.00"}}})
	q := `{ orders { edges { node { id name customer { displayName } lineItems { edges { node { id sku quantity variant { id } originalUnitPriceSet { shopMoney { amount } } } } } } } } }`
	op, errs, _ := runBulkQuery(t, s, q)
	if len(errs) != 0 {
		t.Fatalf("bulk query: %v", errs)
	}
	done := pollBulkOperation(t, s, op["id"])
	if done["status"] != "COMPLETED" || done["objectCount"] != "5" {
		t.Fatalf("operation: %v", done)
	}
	_, _, body := get(t, done["url"].(string), "")
	lines := strings.Split(strings.TrimSuffix(body, "\n"), "\n")
	if len(lines) != 5 {
		t.Fatalf("%d lines:\n%s", len(lines), body)
	}
	var rows []map[string]any
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		rows = append(rows, m)
	}
	if rows[0]["id"] != first.ID || rows[0]["name"] != first.Name || rows[0]["lineItems"] != nil || rows[0]["__parentId"] != nil ||
		rows[0]["customer"].(map[string]any)["displayName"] != "Ann" {
		t.Fatalf("order line: %v", rows[0])
	}
	for i, l := range first.Lines {
		r := rows[1+i]
		if r["__parentId"] != first.ID || r["id"] != l.ID || r["sku"] != l.SKU || r["quantity"] != float64(l.Quantity) ||
			r["variant"].(map[string]any)["id"] != l.VariantID {
			t.Fatalf("line item %d: %v", i, r)
		}
	}
	if rows[3]["id"] != second.ID || rows[4]["__parentId"] != second.ID || rows[4]["variant"] != nil ||
		rows[4]["originalUnitPriceSet"].(map[string]any)["shopMoney"].(map[string]any)["amount"] != "2.00" {
		t.Fatalf("second order: %v %v", rows[3], rows[4])
	}

	clock.Advance(time.Minute)
	since := early.Add(30 * time.Minute).UTC().Format(time.RFC3339)
	op, _, _ = runBulkQuery(t, s, `{ orders(query: "updated_at:>'`+since+`'") { edges { node { id } } } }`)
	done = pollBulkOperation(t, s, op["id"])
	_, _, body = get(t, done["url"].(string), "")
	if done["objectCount"] != "1" || strings.TrimSpace(body) != `{"id":"`+second.ID+`"}` {
		t.Fatalf("orders after %s: %v %q", since, done, body)
	}
}
