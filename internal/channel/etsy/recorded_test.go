package etsy

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

// answer is one canned response, served for "METHOD /path".
type answer struct {
	status  int
	file    string
	headers map[string]string
}

type recorded struct {
	mu       sync.Mutex
	requests []*http.Request
	bodies   map[string]string // "METHOD /path" → the last body sent
}

// serveRecorded answers from testdata bodies in the shapes Etsy's Open API
// publishes (its schemas and the Authentication page's token answer), to
// pin the client's parsing independently of the fake.
func serveRecorded(t *testing.T, routes map[string]answer) (*recorded, *Client) {
	t.Helper()
	rec := &recorded{bodies: map[string]string{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		route := r.Method + " " + strings.TrimPrefix(r.URL.Path, apiPath)
		rec.mu.Lock()
		rec.requests = append(rec.requests, r)
		rec.bodies[route] = string(body)
		rec.mu.Unlock()
		if route == "POST "+tokenPath {
			if _, ok := routes[route]; !ok {
				route = "token"
			}
		}
		a, ok := routes[route]
		if route == "token" {
			a, ok = answer{200, "token.json", nil}, true
		}
		if !ok {
			t.Errorf("unexpected %s %s", r.Method, r.URL)
			w.WriteHeader(http.StatusTeapot)
			return
		}
		testkit.ServeTestdata(t, w, a.file, "application/json", a.status, a.headers)
	}))
	t.Cleanup(srv.Close)
	clock := testkit.NewClock()
	c, err := New(map[string]string{"keystring": "1aa2bb33c44d55eeeeee6fff", "shared_secret": "s3cr3t", "shop_id": "12345678",
		"refresh_token": "12345678.recorded-" + strings.ReplaceAll(t.Name(), "/", "-"), "api_url": srv.URL},
		channel.Options{Sleep: (&testkit.Sleeps{Clock: clock}).Sleep, Now: clock.Now, Addresses: channel.AddressPolicy{Sandbox: true}})
	if err != nil {
		t.Fatal(err)
	}
	return rec, c
}

func TestRecordedListingsPage(t *testing.T) {
	rec, c := serveRecorded(t, map[string]answer{
		"GET /shops/12345678/listings":       {200, "listings_page.json", map[string]string{"x-remaining-today": "9990"}},
		"GET /listings/1234567891/inventory": {200, "inventory_1234567891.json", nil},
	})
	page, err := c.FetchListings(context.Background(), time.Time{}, "100")
	if err != nil {
		t.Fatal(err)
	}
	var api *http.Request
	for _, r := range rec.requests {
		if strings.HasSuffix(r.URL.Path, "/listings") {
			api = r
		}
	}
	q := api.URL.Query()
	if q.Get("state") != "active" || q.Get("limit") != "100" || q.Get("offset") != "100" || q.Get("includes") != "Inventory" {
		t.Errorf("query %v", q)
	}
	if api.Header.Get("x-api-key") != "1aa2bb33c44d55eeeeee6fff:s3cr3t" ||
		!strings.HasPrefix(api.Header.Get("Authorization"), "Bearer 12345678.O1zLuwveeKjpIqCQFfmR") {
		t.Errorf("headers %v", api.Header)
	}
	if !page.HasMore || page.NextCursor != "102" || page.Total != 230 {
		t.Errorf("paging %+v", page)
	}
	byID := map[string]channel.Listing{}
	var ids []string
	for _, l := range page.Listings {
		byID[l.ExternalID] = l
		ids = append(ids, l.ExternalID)
	}
	// The deleted product is no listing; the towel's inventory was read on
	// its own, as the page did not include it.
	if strings.Join(ids, ",") != "1234567890/9-1191817770,1234567890/1-1191817770,1234567891" {
		t.Fatalf("listings %v", ids)
	}
	blue := byID["1234567890/9-1191817770"]
	if blue.Name != `Mom's "Best" Mug - Blue, Large & tall` || blue.SKU != "MUG-BLU-L" || blue.Price != "18.00" || *blue.Quantity != 4 ||
		blue.ProductID != "1234567890" || blue.NotForSale || blue.URL != "https://www.etsy.com/listing/1234567890/moms-best-mug" ||
		!blue.UpdatedAt.Equal(time.Unix(1759000000, 0)) || !strings.Contains(string(blue.Raw), "3456789012") {
		t.Errorf("blue %+v", blue)
	}
	if red := byID["1234567890/1-1191817770"]; !red.NotForSale || red.Price != "19.50" {
		t.Errorf("a disabled offering is not for sale: %+v", red)
	}
	if towel := byID["1234567891"]; towel.SKU != "" || towel.Name != "Linen Tea Towel" || *towel.Quantity != 12 || towel.Problem != "" {
		t.Errorf("towel %+v", towel)
	}
}

func TestRecordedReceipts(t *testing.T) {
	rec, c := serveRecorded(t, map[string]answer{"GET /shops/12345678/receipts": {200, "receipts_page.json", nil}})
	since := time.Unix(1759000000, 0)
	page, err := c.FetchOrders(context.Background(), since, "")
	if err != nil {
		t.Fatal(err)
	}
	q := rec.requests[len(rec.requests)-1].URL.Query()
	if q.Get("min_last_modified") != "1759000000" || q.Get("limit") != "100" || q.Get("offset") != "0" {
		t.Errorf("query %v", q)
	}
	if page.HasMore || len(page.Orders) != 2 {
		t.Fatalf("page %+v", page)
	}
	o := page.Orders[0]
	if o.ExternalID != "2901234567" || o.Customer != "Zoë O'Brien" || o.Currency != "EUR" || o.Cancelled || o.Status != "Paid" ||
		!o.CreatedAt.Equal(time.Unix(1759100000, 0)) || !o.UpdatedAt.Equal(time.Unix(1759200000, 0)) {
		t.Errorf("order %+v", o.Customer)
	}
	want := []channel.OrderLine{
		{ExternalID: "3901234567", ListingExternalID: "1234567890/9-1191817770", SKU: "MUG-BLU-L",
			Name: `Mom's "Best" Mug - Large & tall, Blue`, Quantity: 2, UnitPrice: "18.00"},
		{ExternalID: "3901234568", ListingExternalID: "1234567891", Name: "Linen Tea Towel", Quantity: 1, UnitPrice: "18.00"},
	}
	for i, l := range o.Lines {
		if l != want[i] {
			t.Errorf("line %d = %+v\nwant %+v", i, l, want[i])
		}
	}
	if r := page.Orders[1]; !r.Cancelled || r.Customer != "other@example.com" {
		t.Errorf("a fully refunded receipt is cancelled: %+v", r)
	}
}

func TestRecordedInventoryWrite(t *testing.T) {
	rec, c := serveRecorded(t, map[string]answer{
		"GET /listings/batch":                {200, "listings_batch.json", nil},
		"PUT /listings/1234567890/inventory": {200, "inventory_1234567891.json", nil},
	})
	results, err := c.SetQuantities(context.Background(), []channel.QuantityUpdate{
		{ExternalID: "1234567890/1-1191817770", Quantity: 0},
	}, "k")
	if err != nil || results[0].Err != nil {
		t.Fatalf("%v %+v", err, results)
	}
	var sent map[string]any
	if err := json.Unmarshal([]byte(rec.bodies["PUT /listings/1234567890/inventory"]), &sent); err != nil {
		t.Fatal(err)
	}
	products := sent["products"].([]any)
	if len(products) != 2 {
		t.Fatalf("sent %d products, want both that are not deleted: %s", len(products), rec.bodies["PUT /listings/1234567890/inventory"])
	}
	raw := rec.bodies["PUT /listings/1234567890/inventory"]
	for _, assigned := range []string{"product_id", "offering_id", "is_deleted", "amount", "divisor"} {
		if strings.Contains(raw, assigned) {
			t.Errorf("the PUT carries %s: %s", assigned, raw)
		}
	}
	blue := products[0].(map[string]any)
	red := products[1].(map[string]any)
	offer := func(p map[string]any) map[string]any { return p["offerings"].([]any)[0].(map[string]any) }
	if offer(blue)["price"] != 18.0 || offer(blue)["quantity"] != 4.0 || offer(blue)["is_enabled"] != true || blue["sku"] != "MUG-BLU-L" {
		t.Errorf("the untouched product changed: %v", blue)
	}
	if offer(red)["price"] != 19.5 || offer(red)["quantity"] != 0.0 || offer(red)["is_enabled"] != false {
		t.Errorf("the written product: %v", red)
	}
	pv := red["property_values"].([]any)[1].(map[string]any)
	if pv["property_id"] != 513.0 || pv["value_ids"].([]any)[0] != 1191817770.0 || pv["values"].([]any)[0] != "Large & tall" {
		t.Errorf("property values must go back as read, unescaped: %v", pv)
	}
	if q := sent["quantity_on_property"].([]any); len(q) != 2 {
		t.Errorf("quantity_on_property %v", q)
	}
}

func TestRecordedErrors(t *testing.T) {
	_, c := serveRecorded(t, map[string]answer{"GET /users/me": {403, "error_403.json", nil}})
	err := c.Verify(context.Background())
	if !errors.Is(err, channel.ErrUnauthorized) || !strings.Contains(err.Error(), "Invalid API key") {
		t.Fatalf("403: %v", err)
	}
	_, c = serveRecorded(t, map[string]answer{"POST " + tokenPath: {400, "error_400_invalid_grant.json", nil}})
	err = c.Verify(context.Background())
	if !errors.Is(err, channel.ErrUnauthorized) || !strings.Contains(err.Error(), "refresh_token is invalid (invalid_grant)") {
		t.Fatalf("invalid grant: %v", err)
	}
	_, c = serveRecorded(t, map[string]answer{"GET /shops/12345678/receipts": {429, "error_429_day.json",
		map[string]string{"x-limit-per-day": "10000", "x-remaining-today": "0", "Retry-After": "7200"}}})
	_, err = c.FetchOrders(context.Background(), time.Time{}, "")
	var quota *channel.QuotaError
	if !errors.As(err, &quota) || quota.Until.Sub(c.opts.Now()) != 2*time.Hour || !strings.Contains(quota.Reason, "10,000") {
		t.Fatalf("day quota: %v", err)
	}
	_, c = serveRecorded(t, map[string]answer{
		"GET /listings/batch":                {200, "listings_batch.json", nil},
		"PUT /listings/1234567890/inventory": {400, "error_400_inventory.json", nil},
	})
	results, err := c.SetQuantities(context.Background(), []channel.QuantityUpdate{{ExternalID: "1234567890/9-1191817770", Quantity: 1}}, "k")
	if err != nil || results[0].Err == nil || !strings.Contains(results[0].Err.Error(), "duplicate property values") {
		t.Fatalf("refused write: %v %+v", err, results)
	}
}
