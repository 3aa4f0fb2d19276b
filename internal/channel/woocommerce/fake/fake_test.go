package fake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func do(t *testing.T, s *Server, method, path string, body any, auth bool) (*http.Response, any) {
	t.Helper()
	var reader *bytes.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		reader = bytes.NewReader(b)
	} else {
		reader = bytes.NewReader(nil)
	}
	req, _ := http.NewRequest(method, s.URL()+BasePath+path, reader)
	if auth {
		req.SetBasicAuth(DefaultConsumerKey, DefaultConsumerSecret)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp, out
}

func code(v any) string {
	m, _ := v.(map[string]any)
	c, _ := m["code"].(string)
	return c
}

func TestFakeChecksKeysAndParameters(t *testing.T) {
	s := New(Options{})
	defer s.Close()
	s.Generate(250, 1)
	resp, out := do(t, s, http.MethodGet, "/products", nil, false)
	if resp.StatusCode != 401 || code(out) != "woocommerce_rest_cannot_view" {
		t.Errorf("no keys: %d %v", resp.StatusCode, out)
	}
	resp, _ = do(t, s, http.MethodGet, "/products?consumer_key="+DefaultConsumerKey+"&consumer_secret="+DefaultConsumerSecret, nil, false)
	if resp.StatusCode != 200 {
		t.Errorf("keys as query parameters: %d", resp.StatusCode)
	}
	resp, out = do(t, s, http.MethodGet, "/products?per_page=101", nil, true)
	if resp.StatusCode != 400 || code(out) != "rest_invalid_param" {
		t.Errorf("per_page=101: %d %v", resp.StatusCode, out)
	}
	resp, out = do(t, s, http.MethodGet, "/products?modified_after=yesterday", nil, true)
	if resp.StatusCode != 400 || code(out) != "rest_invalid_param" {
		t.Errorf("bad date: %d %v", resp.StatusCode, out)
	}
	resp, out = do(t, s, http.MethodGet, "/coupons", nil, true)
	if resp.StatusCode != 404 || code(out) != "rest_no_route" {
		t.Errorf("unknown route: %d %v", resp.StatusCode, out)
	}
	resp, _ = do(t, s, http.MethodGet, "/products?per_page=100&page=2&orderby=id&order=asc", nil, true)
	if resp.Header.Get("X-WP-TotalPages") == "" || !strings.Contains(resp.Header.Get("Link"), `rel="prev"`) {
		t.Errorf("paging headers %v", resp.Header)
	}
	if strings.Contains(resp.Header.Get("Link"), "consumer_secret") {
		t.Error("Link header leaks the secret")
	}
}

func TestFieldsAndDefaultOrder(t *testing.T) {
	s := New(Options{})
	defer s.Close()
	s.AddListing(Product{Name: "A", Price: "1"})
	s.AddListing(Product{Name: "B", Price: "2"})
	_, out := do(t, s, http.MethodGet, "/products?_fields=id,name", nil, true)
	list := out.([]any)
	first := list[0].(map[string]any)
	if len(first) != 2 || first["name"] != "B" {
		t.Fatalf("_fields or default order (newest first) ignored: %v", list)
	}
}

func TestBatchLimitAndItemErrors(t *testing.T) {
	s := New(Options{})
	defer s.Close()
	p := s.AddListing(Product{Name: "A", Price: "1"})
	var many []map[string]any
	for i := range 101 {
		many = append(many, map[string]any{"id": i + 1, "stock_quantity": 1})
	}
	resp, out := do(t, s, http.MethodPost, "/products/batch", map[string]any{"update": many}, true)
	if resp.StatusCode != 413 {
		t.Errorf("101 items: %d %v", resp.StatusCode, out)
	}
	_, out = do(t, s, http.MethodPost, "/products/batch", map[string]any{"update": []map[string]any{
		{"id": p.ID, "manage_stock": true, "stock_quantity": 8},
		{"id": 424242, "stock_quantity": 1},
	}}, true)
	updated := out.(map[string]any)["update"].([]any)
	if updated[0].(map[string]any)["stock_quantity"] != float64(8) || code(updated[1].(map[string]any)["error"]) != "woocommerce_rest_product_invalid_id" {
		t.Errorf("batch answer %v", updated)
	}
	if q, ok := s.Quantity(fmt.Sprint(p.ID)); !ok || q != 8 {
		t.Errorf("quantity %d %v", q, ok)
	}
	resp, out = do(t, s, http.MethodPost, "/products/batch", map[string]any{"update": []map[string]any{{"id": p.ID}}}, false)
	if resp.StatusCode != 401 || code(out) != "woocommerce_rest_cannot_edit" {
		t.Errorf("unauthorised write: %d %v", resp.StatusCode, out)
	}
}

func TestThrottleEvery(t *testing.T) {
	s := New(Options{ThrottleEvery: 2, RetryAfter: 250_000_000})
	defer s.Close()
	statuses := ""
	for range 4 {
		resp, _ := do(t, s, http.MethodGet, "/products", nil, true)
		statuses += fmt.Sprint(resp.StatusCode, resp.Header.Get("Retry-After"), " ")
	}
	if statuses != "200 4290.25 200 4290.25 " {
		t.Fatalf("statuses %q", statuses)
	}
}

func TestGenerateMakesExactlyNListings(t *testing.T) {
	s := New(Options{})
	defer s.Close()
	s.Generate(100_000, 3)
	n := 0
	for _, p := range s.Products() {
		if p.Type == "variable" {
			n += len(p.Variations)
		} else {
			n++
		}
	}
	if n != 100_000 {
		t.Fatalf("%d listings", n)
	}
	resp, out := do(t, s, http.MethodGet, "/products?per_page=100&page=300&orderby=id&order=asc", nil, true)
	if resp.StatusCode != 200 || len(out.([]any)) != 100 {
		t.Fatalf("deep page: %d", resp.StatusCode)
	}
}
