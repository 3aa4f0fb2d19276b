package woocommerce

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"stocksync/internal/channel"
	"stocksync/internal/channel/internal/testkit"
)

// answer is one canned response, served for "METHOD /path" under the API.
type answer struct {
	status  int
	file    string
	headers map[string]string
}

type recordedStore struct {
	mu       sync.Mutex
	requests []*http.Request
	bodies   []string
}

// serveRecorded answers from testdata files in the shapes WooCommerce
// documents, to pin the client's parsing independently of the fake.
func serveRecorded(t *testing.T, routes map[string]answer) (*recordedStore, *Client) {
	t.Helper()
	rec := &recordedStore{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rec.mu.Lock()
		rec.requests = append(rec.requests, r)
		rec.bodies = append(rec.bodies, string(body))
		rec.mu.Unlock()
		a, ok := routes[r.Method+" "+strings.TrimPrefix(r.URL.Path, apiPath)]
		if !ok {
			t.Errorf("unexpected %s %s", r.Method, r.URL)
			w.WriteHeader(http.StatusTeapot)
			return
		}
		testkit.ServeTestdata(t, w, a.file, "application/json; charset=UTF-8", a.status, a.headers) // as WordPress sends it
	}))
	t.Cleanup(srv.Close)
	c, err := New(credsFor(srv.URL), channel.Options{Sleep: (&testkit.Sleeps{}).Sleep, Addresses: channel.AddressPolicy{Sandbox: true}})
	if err != nil {
		t.Fatal(err)
	}
	return rec, c
}

func TestRecordedProductsPageExpandsVariableProducts(t *testing.T) {
	rec, c := serveRecorded(t, map[string]answer{
		"GET /products":                {200, "products_page.json", map[string]string{"X-WP-Total": "205", "X-WP-TotalPages": "3"}},
		"GET /products/799/variations": {200, "variations_799.json", map[string]string{"X-WP-Total": "2", "X-WP-TotalPages": "1"}},
	})
	since := time.Date(2026, 5, 1, 2, 0, 0, 0, time.FixedZone("CEST", 2*3600))
	page, err := c.FetchListings(context.Background(), since, "2")
	if err != nil {
		t.Fatal(err)
	}
	q := rec.requests[0].URL.Query()
	if q.Get("page") != "2" || q.Get("per_page") != "100" || q.Get("modified_after") != "2026-05-01T00:00:00" ||
		q.Get("dates_are_gmt") != "true" || q.Get("orderby") != "id" || q.Get("order") != "asc" {
		t.Errorf("query %v", q)
	}
	if key, secret, ok := rec.requests[0].BasicAuth(); !ok || !strings.HasPrefix(key, "ck_") || !strings.HasPrefix(secret, "cs_") {
		t.Error("no Basic auth")
	}
	if !page.HasMore || page.NextCursor != "3" || page.Total != 205 {
		t.Errorf("paging %+v", page)
	}
	byID := map[string]channel.Listing{}
	var ids []string
	for _, l := range page.Listings {
		byID[l.ExternalID] = l
		ids = append(ids, l.ExternalID)
	}
	if strings.Join(ids, ",") != "794,799/800,799/801,806,807" {
		t.Fatalf("listings %v (the variable and grouped products are not listings)", ids)
	}
	if l := byID["794"]; l.Name != "Premium Quality" || l.Price != "21.99" || *l.Quantity != 12 || l.InventoryRef != "794" || l.ProductID != "794" ||
		!l.UpdatedAt.Equal(time.Date(2026, 5, 2, 11, 20, 44, 0, time.UTC)) || !strings.Contains(string(l.Raw), "PQ-01") ||
		l.URL != "https://example.com/product/premium-quality/" {
		t.Errorf("simple %+v", l)
	}
	if l := byID["799/800"]; l.Name != "Ship Your Idea - Black, M" || l.SKU != "SYI-BLK" || *l.Quantity != 7 || l.ProductID != "799" || l.InventoryRef != "799/800" ||
		l.URL != "https://example.com/product/ship-your-idea/?attribute_pa_color=black&attribute_size=M" {
		t.Errorf("variation %+v", l)
	}
	if l := byID["799/801"]; *l.Quantity != 40 || l.InventoryRef != "799" {
		t.Errorf("a variation on its parent's stock must push to the parent: %+v", l)
	}
	if l := byID["806"]; l.Quantity != nil || l.Price != "" {
		t.Errorf("unmanaged %+v", l)
	}
	if l := byID["807"]; l.Price != "4.5" || l.Quantity != nil || !strings.Contains(l.Problem, `"lots" is not a whole number`) {
		t.Errorf("odd record %+v", l)
	}
}

func TestRecordedOrdersPage(t *testing.T) {
	rec, c := serveRecorded(t, map[string]answer{
		"GET /orders": {200, "orders_page.json", map[string]string{"X-WP-Total": "2", "X-WP-TotalPages": "1"}},
	})
	page, err := c.FetchOrders(context.Background(), time.Time{}, "")
	if err != nil {
		t.Fatal(err)
	}
	if q := rec.requests[0].URL.Query(); q.Has("modified_after") || q.Get("page") != "1" {
		t.Errorf("a full fetch sent %v", q)
	}
	if page.HasMore || len(page.Orders) != 2 {
		t.Fatalf("page %+v", page)
	}
	o := page.Orders[0]
	if o.ExternalID != "727" || o.Number != "727" || o.Status != "processing" || o.Cancelled || o.Currency != "USD" ||
		!o.CreatedAt.Equal(time.Date(2026, 5, 4, 19, 30, 22, 0, time.UTC)) {
		t.Errorf("order %+v", o)
	}
	want := []channel.OrderLine{
		{ExternalID: "315", ListingExternalID: "794", SKU: "PQ-01", Name: "Premium Quality", Quantity: 1, UnitPrice: "21.99"},
		{ExternalID: "316", ListingExternalID: "799/800", SKU: "SYI-BLK", Name: "Ship Your Idea - Black, M", Quantity: 2, UnitPrice: "9"},
		{ExternalID: "317", ListingExternalID: "", Name: "Deleted product", Quantity: 1, UnitPrice: "8"},
	}
	for i, l := range o.Lines {
		if l != want[i] {
			t.Errorf("line %d = %+v, want %+v", i, l, want[i])
		}
	}
	if !page.Orders[1].Cancelled || page.Orders[1].Number != "WC-728" {
		t.Errorf("refunded order %+v", page.Orders[1])
	}
}

func TestRecordedBatchWithItemError(t *testing.T) {
	rec, c := serveRecorded(t, map[string]answer{
		"POST /products/batch":                {200, "batch_with_error.json", nil},
		"POST /products/799/variations/batch": {200, "variations_batch.json", nil},
	})
	results, err := c.SetQuantities(context.Background(), []channel.QuantityUpdate{
		{ExternalID: "794", InventoryRef: "794", Quantity: 5},
		{ExternalID: "799/800", InventoryRef: "799/800", Quantity: 3},
		{ExternalID: "999", InventoryRef: "999", Quantity: 1},
		{ExternalID: "x", InventoryRef: "not-an-id", Quantity: 1},
	}, "ignored")
	if err != nil {
		t.Fatal(err)
	}
	if results[0].Err != nil || results[1].Err != nil {
		t.Errorf("accepted items failed: %+v", results)
	}
	if results[2].Err == nil || !strings.Contains(results[2].Err.Error(), "Invalid ID. (woocommerce_rest_product_invalid_id)") {
		t.Errorf("refused item: %v", results[2].Err)
	}
	if results[3].Err == nil || results[3].ExternalID != "x" {
		t.Errorf("bad reference: %+v", results[3])
	}
	var sent struct{ Update []map[string]any }
	_ = json.Unmarshal([]byte(rec.bodies[0]), &sent)
	if len(sent.Update) != 2 || sent.Update[0]["id"] != float64(794) || sent.Update[0]["manage_stock"] != true || sent.Update[0]["stock_quantity"] != float64(5) {
		t.Errorf("batch body %s", rec.bodies[0])
	}
	if !strings.Contains(rec.bodies[1], `"id":800`) {
		t.Errorf("variation batch body %s", rec.bodies[1])
	}
}

func TestRecordedErrorBodies(t *testing.T) {
	_, c := serveRecorded(t, map[string]answer{"GET /products": {401, "error_401.json", nil}})
	err := c.Verify(context.Background())
	if !errors.Is(err, channel.ErrUnauthorized) || !strings.Contains(err.Error(), "Sorry, you cannot list resources. (woocommerce_rest_cannot_view)") {
		t.Fatalf("got %v", err)
	}
	_, c = serveRecorded(t, map[string]answer{"GET /products": {400, "error_400_per_page.json", nil}})
	_, err = c.FetchListings(context.Background(), time.Time{}, "")
	var httpErr *channel.HTTPError
	if !errors.As(err, &httpErr) || httpErr.Status != 400 || err.Error() != "woocommerce: products page 1: HTTP 400: Invalid parameter(s): per_page (rest_invalid_param)" {
		t.Fatalf("got %v", err)
	}
}
