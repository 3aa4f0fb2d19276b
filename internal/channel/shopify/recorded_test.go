package shopify

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"stocksync/internal/channel"
)

// These tests read bodies in the shapes Shopify documents, served as
// recorded, to pin the client's parsing independently of the fake.

func TestRecordedProductVariantsPage(t *testing.T) {
	script, c, _ := serveScript(t, step{200, "location_primary.json"}, step{200, "product_variants_page.json"})
	since := time.Date(2026, 5, 1, 0, 0, 0, 0, time.FixedZone("CEST", 2*3600))
	page, err := c.FetchListings(context.Background(), since, "abc")
	if err != nil {
		t.Fatal(err)
	}
	if script.body(0)["variables"] != nil || !strings.Contains(script.body(0)["query"].(string), "location { id") {
		t.Fatalf("the primary location must be asked for without an ID: %v", script.body(0))
	}
	vars := script.body(1)["variables"].(map[string]any)
	if vars["query"] != "updated_at:>'2026-04-30T22:00:00Z'" || vars["after"] != "abc" || vars["first"] != float64(variantsPageSize) ||
		vars["location"] != "gid://shopify/Location/346779380" {
		t.Fatalf("variables %v", vars)
	}
	if !page.HasMore || page.NextCursor == "" || page.Total != -1 || len(page.Listings) != 3 {
		t.Fatalf("page %+v", page)
	}
	mug, tee, wrap := page.Listings[0], page.Listings[1], page.Listings[2]
	if mug.ExternalID != "gid://shopify/ProductVariant/44521667879192" || mug.ProductID != "gid://shopify/Product/8261349556504" ||
		mug.Name != "Ceramic Mug" || mug.SKU != "MUG-CER-01" || mug.Price != "14.00" || *mug.Quantity != 37 ||
		mug.InventoryRef != "gid://shopify/InventoryItem/46612877672728" || !mug.UpdatedAt.Equal(time.Date(2026, 5, 2, 9, 14, 31, 0, time.UTC)) {
		t.Errorf("mug %+v", mug)
	}
	if !strings.Contains(string(mug.Raw), `"MUG-CER-01"`) {
		t.Errorf("raw record not kept: %s", mug.Raw)
	}
	if mug.URL != "https://mug-and-tee.example/products/ceramic-mug" || wrap.URL != "" {
		t.Errorf("storefront URLs %q %q (a product not on the Online Store has none)", mug.URL, wrap.URL)
	}
	if tee.Name != "Organic Tee - Navy / M" || *tee.Quantity != -2 {
		t.Errorf("tee %+v", tee)
	}
	if wrap.Quantity != nil || wrap.SKU != "" {
		t.Errorf("untracked variant should have no quantity: %+v", wrap)
	}
}

func TestRecordedOrdersPage(t *testing.T) {
	_, c, _ := serveScript(t, step{200, "orders_page.json"})
	page, err := c.FetchOrders(context.Background(), time.Time{}, "")
	if err != nil {
		t.Fatal(err)
	}
	if page.HasMore || len(page.Orders) != 2 {
		t.Fatalf("page %+v", page)
	}
	o := page.Orders[0]
	if o.Number != "#1001" || o.Currency != "EUR" || o.Status != "PAID" || o.Cancelled || len(o.Lines) != 2 {
		t.Fatalf("order %+v", o)
	}
	if l := o.Lines[0]; l.ListingExternalID != "gid://shopify/ProductVariant/44521667911960" || l.Quantity != 2 || l.UnitPrice != "22.5" || l.SKU != "TEE-NAV-M" {
		t.Errorf("line %+v", l)
	}
	if l := o.Lines[1]; l.ListingExternalID != "" || l.Name != "Engraving" {
		t.Errorf("custom line %+v", l)
	}
	if !page.Orders[1].Cancelled {
		t.Error("order with cancelledAt not marked cancelled")
	}
}

func TestRecordedThrottleWaitsForTheMissingPoints(t *testing.T) {
	_, c, sleeps := serveScript(t, step{200, "location_primary.json"}, step{200, "throttled.json"}, step{200, "product_variants_page.json"})
	if _, err := c.FetchListings(context.Background(), time.Time{}, ""); err != nil {
		t.Fatal(err)
	}
	// (752 requested - 302 available) / 100 per second
	if w := sleeps.Waits(); len(w) != 1 || w[0] != 4500*time.Millisecond {
		t.Fatalf("waits %v, want [4.5s]", w)
	}
}

func TestRecordedAccessDeniedAndInvalidToken(t *testing.T) {
	_, c, _ := serveScript(t, step{200, "access_denied.json"})
	_, err := c.FetchOrders(context.Background(), time.Time{}, "")
	if !errors.Is(err, channel.ErrUnauthorized) || !strings.Contains(err.Error(), "read_orders") {
		t.Fatalf("got %v", err)
	}
	_, c, _ = serveScript(t, step{401, "invalid_token_401.json"})
	err = c.Verify(context.Background())
	if !errors.Is(err, channel.ErrUnauthorized) || !strings.Contains(err.Error(), "Invalid API key or access token") {
		t.Fatalf("got %v", err)
	}
	if strings.Contains(err.Error(), "shpat_recorded") {
		t.Fatalf("error shows the token: %v", err)
	}
}

func TestRecordedUserErrorsFailOnlyTheirItems(t *testing.T) {
	script, c, _ := serveScript(t,
		step{200, "location_primary.json"},
		step{200, "set_quantities_user_errors.json"},
		step{200, "set_quantities_ok.json"})
	prev := 4
	updates := []channel.QuantityUpdate{
		{ExternalID: "v1", InventoryRef: "gid://shopify/InventoryItem/1", Quantity: 5, Previous: &prev},
		{ExternalID: "v2", InventoryRef: "gid://shopify/InventoryItem/2", Quantity: 6, Previous: &prev},
		{ExternalID: "v3", InventoryRef: "gid://shopify/InventoryItem/3", Quantity: 7},
		{ExternalID: "v4", InventoryRef: "gid://shopify/InventoryItem/4", Quantity: 8},
	}
	results, err := c.SetQuantities(context.Background(), updates, "push-42")
	if err != nil {
		t.Fatal(err)
	}
	if results[0].Err != nil || results[3].Err != nil {
		t.Errorf("accepted items failed: %v, %v", results[0].Err, results[3].Err)
	}
	if !errors.Is(results[1].Err, channel.ErrStaleQuantity) {
		t.Errorf("stale item: %v", results[1].Err)
	}
	if results[2].Err == nil || !strings.Contains(results[2].Err.Error(), "INVALID_INVENTORY_ITEM") {
		t.Errorf("unknown item: %v", results[2].Err)
	}
	first := script.body(1)["variables"].(map[string]any)
	input := first["input"].(map[string]any)
	qs := input["quantities"].([]any)
	if first["key"] != "push-42" || input["name"] != "available" || input["reason"] != "correction" || len(qs) != 4 {
		t.Fatalf("mutation variables %v", first)
	}
	q0, q2 := qs[0].(map[string]any), qs[2].(map[string]any)
	if q0["locationId"] != "gid://shopify/Location/346779380" || q0["changeFromQuantity"] != float64(4) {
		t.Errorf("first quantity %v (stock goes to the primary location)", q0)
	}
	if v, present := q2["changeFromQuantity"]; !present || v != nil {
		t.Errorf("changeFromQuantity must be sent as null without a previous value: %v", q2)
	}
	if !strings.Contains(script.body(1)["query"].(string), "@idempotent(key: $key)") {
		t.Error("mutation lacks the @idempotent directive")
	}
	retry := script.body(2)["variables"].(map[string]any)
	if retry["key"] != "push-42/1" || len(retry["input"].(map[string]any)["quantities"].([]any)) != 2 {
		t.Errorf("the accepted items must be sent again alone under a derived key: %v", retry)
	}
}

func TestRecordedTruncatedBodyIsMalformed(t *testing.T) {
	_, c, _ := serveScript(t, step{200, "location_primary.json"}, step{200, "truncated.json"})
	_, err := c.FetchListings(context.Background(), time.Time{}, "")
	var malformed *channel.MalformedError
	if !errors.As(err, &malformed) || err.Error() != "shopify: productVariants page: unexpected end of JSON input" {
		t.Fatalf("got %v", err)
	}
}
