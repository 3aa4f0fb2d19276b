package fake

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"stocksync/internal/channel/internal/testkit"
)

const runBulk = `mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id status } userErrors { field message code } } }`

const pollBulk = `query($id: ID!) { bulkOperation(id: $id) { id status errorCode objectCount url } }`

func runBulkQuery(t *testing.T, s *Server, q string) (op map[string]any, userErrors []any, cost map[string]any) {
	t.Helper()
	_, out := post(t, s, DefaultAccessToken, runBulk, map[string]any{"q": q})
	data, ok := out["data"].(map[string]any)
	if !ok {
		t.Fatalf("no data: %v", out)
	}
	payload := data["bulkOperationRunQuery"].(map[string]any)
	op, _ = payload["bulkOperation"].(map[string]any)
	return op, payload["userErrors"].([]any), out["extensions"].(map[string]any)["cost"].(map[string]any)
}

func pollBulkOperation(t *testing.T, s *Server, id any) map[string]any {
	t.Helper()
	_, out := post(t, s, DefaultAccessToken, pollBulk, map[string]any{"id": id})
	op, _ := out["data"].(map[string]any)["bulkOperation"].(map[string]any)
	return op
}

func TestBulkQueryIsCheckedAndCharged(t *testing.T) {
	s := New(Options{})
	defer s.Close()
	for q, want := range map[string]string{
		`{ productVariants { edges { node { id colour } } } }`:                   "Field 'colour' doesn't exist on type 'ProductVariant'",
		`{ productVariants { nodes { id product } } }`:                           "must have a selection of subfields",
		`{ products { edges { node { id } } } }`:                                 "only export productVariants or orders",
		`{ orders { edges { node { id lineItems { nodes { id colour } } } } } }`: "Field 'colour' doesn't exist on type 'LineItem'",
		`{ orders { edges { node { id lineItems { id } } } } }`:                  "select the line items as edges",
		`{ productVariants { edges { node { id } }`:                              "Parse error",
	} {
		op, errs, _ := runBulkQuery(t, s, q)
		if op != nil || len(errs) != 1 || !strings.Contains(fmt.Sprint(errs[0]), want) || errs[0].(map[string]any)["code"] != "INVALID" {
			t.Errorf("%s: got %v %v, want a userError with %q", q, op, errs, want)
		}
	}
	op, errs, cost := runBulkQuery(t, s, `{ productVariants { edges { node { id } } } }`)
	if op["status"] != "CREATED" || len(errs) != 0 || cost["actualQueryCost"] != float64(10) || cost["requestedQueryCost"] != float64(10) {
		t.Fatalf("valid query: %v %v cost %v", op, errs, cost)
	}
	// The form Shopify's guide shows: the query inline as a block string.
	_, out := post(t, s, DefaultAccessToken, `mutation { bulkOperationRunQuery(query: """{ productVariants { edges { node { id } } } }""") { userErrors { code } } }`, nil)
	if errs := out["data"].(map[string]any)["bulkOperationRunQuery"].(map[string]any)["userErrors"].([]any); len(errs) != 0 {
		t.Fatalf("inline block string: %v", out)
	}
}

func TestBulkQueriesRunOneAtATime(t *testing.T) {
	clock := testkit.NewClock()
	s := New(Options{Now: clock.Now, BulkDelay: 10 * time.Second})
	defer s.Close()
	s.Generate(10, 1)
	q := `{ productVariants { nodes { id } } }`
	first, _, _ := runBulkQuery(t, s, q)
	if _, errs, _ := runBulkQuery(t, s, q); len(errs) != 1 || errs[0].(map[string]any)["code"] != "OPERATION_IN_PROGRESS" ||
		!strings.Contains(errs[0].(map[string]any)["message"].(string), "already in progress: "+first["id"].(string)) {
		t.Fatalf("second bulk query: %v", errs)
	}
	clock.Advance(5 * time.Second)
	if op := pollBulkOperation(t, s, first["id"]); op["status"] != "RUNNING" || op["objectCount"] != "5" || op["url"] != nil {
		t.Fatalf("halfway: %v", op)
	}
	clock.Advance(5 * time.Second)
	op := pollBulkOperation(t, s, first["id"])
	if op["status"] != "COMPLETED" || op["objectCount"] != "10" || !strings.HasPrefix(op["url"].(string), s.URL()+"/bulk/") {
		t.Fatalf("done: %v", op)
	}
	if _, errs, _ := runBulkQuery(t, s, q); len(errs) != 0 {
		t.Fatalf("after the first completed: %v", errs)
	}
	clock.Advance(8 * 24 * time.Hour)
	if op := pollBulkOperation(t, s, first["id"]); op["status"] != "EXPIRED" || op["url"] != nil {
		t.Fatalf("a week later: %v", op)
	}
	if op := pollBulkOperation(t, s, "gid://shopify/BulkOperation/99"); op != nil {
		t.Fatalf("unknown operation: %v", op)
	}

	two := New(Options{Now: clock.Now, BulkDelay: time.Second, BulkLimit: 2})
	defer two.Close()
	runBulkQuery(t, two, q)
	runBulkQuery(t, two, q)
	if _, errs, _ := runBulkQuery(t, two, q); len(errs) != 1 || errs[0].(map[string]any)["code"] != "LIMIT_REACHED" {
		t.Fatalf("third of two: %v", errs)
	}
}

func TestBulkOperationCancel(t *testing.T) {
	clock := testkit.NewClock()
	s := New(Options{Now: clock.Now, BulkDelay: time.Minute})
	defer s.Close()
	s.Generate(3, 1)
	op, _, _ := runBulkQuery(t, s, `{ productVariants { nodes { id } } }`)
	cancel := `mutation($id: ID!) { bulkOperationCancel(id: $id) { bulkOperation { status } userErrors { message } } }`
	_, out := post(t, s, DefaultAccessToken, cancel, map[string]any{"id": op["id"]})
	if got := out["data"].(map[string]any)["bulkOperationCancel"].(map[string]any)["bulkOperation"]; got.(map[string]any)["status"] != "CANCELED" {
		t.Fatalf("cancel: %v", out)
	}
	_, out = post(t, s, DefaultAccessToken, cancel, map[string]any{"id": op["id"]})
	if errs := out["data"].(map[string]any)["bulkOperationCancel"].(map[string]any)["userErrors"].([]any); len(errs) != 1 {
		t.Fatalf("cancelling twice: %v", out)
	}
	if _, errs, _ := runBulkQuery(t, s, `{ productVariants { nodes { id } } }`); len(errs) != 0 {
		t.Fatalf("the slot was not freed: %v", errs)
	}
}

func get(t *testing.T, url, rangeHeader string) (int, http.Header, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if rangeHeader != "" {
		req.Header.Set("Range", rangeHeader)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(body)
}

func TestBulkFileIsServedWithoutTokenAndInRanges(t *testing.T) {
	s := New(Options{})
	defer s.Close()
	s.Generate(3, 1)
	s.AddListing(Listing{ProductTitle: "Cut", Price: "1.00"})
	s.CutBulkLines(s.Listings()[3].ID)
	op, _, _ := runBulkQuery(t, s, `{ productVariants(query: "updated_at:>'2025-01-01'") { edges { node { id sku inventoryItem { id } } } } }`)
	url := pollBulkOperation(t, s, op["id"])["url"].(string)

	status, h, whole := get(t, url, "")
	lines := strings.Split(strings.TrimSuffix(whole, "\n"), "\n")
	if status != http.StatusOK || len(lines) != 4 || h.Get("Content-Length") != fmt.Sprint(len(whole)) {
		t.Fatalf("status %d, %d lines: %q", status, len(lines), whole)
	}
	for _, line := range lines[:3] {
		var v map[string]any
		if err := json.Unmarshal([]byte(line), &v); err != nil || len(v) != 3 || v["inventoryItem"].(map[string]any)["id"] == nil {
			t.Fatalf("line %s: %v", line, err)
		}
	}
	if json.Valid([]byte(lines[3])) {
		t.Fatalf("the cut line is whole: %s", lines[3])
	}

	var joined strings.Builder
	for off := 0; off < len(whole); off += 10 {
		status, h, part := get(t, url, fmt.Sprintf("bytes=%d-%d", off, off+9))
		end := min(off+9, len(whole)-1)
		if status != http.StatusPartialContent || part != whole[off:end+1] || h.Get("Content-Range") != fmt.Sprintf("bytes %d-%d/%d", off, end, len(whole)) {
			t.Fatalf("range at %d: %d %q %v", off, status, part, h)
		}
		joined.WriteString(part)
	}
	if joined.String() != whole {
		t.Fatal("the ranges do not add up to the file")
	}
	if _, _, tail := get(t, url, "bytes=-5"); tail != whole[len(whole)-5:] {
		t.Fatalf("suffix range %q", tail)
	}
	if status, _, _ := get(t, url, fmt.Sprintf("bytes=%d-", len(whole))); status != http.StatusRequestedRangeNotSatisfiable {
		t.Fatalf("range past the end: %d", status)
	}
	if status, _, _ := get(t, s.URL()+"/bulk/99.jsonl", ""); status != http.StatusNotFound {
		t.Fatalf("unknown file: %d", status)
	}
	s.FailNext(1, http.StatusServiceUnavailable)
	if status, _, _ := get(t, url, ""); status != http.StatusServiceUnavailable {
		t.Fatalf("FailNext on a download: %d", status)
	}
	if s.CallCount("bulkDownload") == 0 {
		t.Fatal("downloads are not in the call log")
	}
}

// The benchmark's shop takes the modelled time of a real export: the queue
// delay plus its objects at the modelled rate, so a bigger catalogue waits
// longer.
func TestModelledExportTakesTimeInProportionToTheObjects(t *testing.T) {
	clock := testkit.NewClock()
	s := New(ModelledExport(Options{Now: clock.Now}))
	defer s.Close()
	s.Generate(5000, 1)
	op, _, _ := runBulkQuery(t, s, `{ productVariants { nodes { id } } }`)
	want := ModelledExportQueue + 5*time.Second // 5,000 objects at 1,000/s
	clock.Advance(want - time.Second)
	if got := pollBulkOperation(t, s, op["id"]); got["status"] != "RUNNING" || got["url"] != nil {
		t.Fatalf("a second before the modelled end: %v", got)
	}
	clock.Advance(time.Second)
	if got := pollBulkOperation(t, s, op["id"]); got["status"] != "COMPLETED" || got["objectCount"] != "5000" {
		t.Fatalf("at the modelled end: %v", got)
	}
}
