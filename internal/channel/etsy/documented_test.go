package etsy

import (
	"context"
	"strings"
	"testing"
	"time"

	"stocksync/internal/channel"
)

// The tests below read testdata/documented: bodies we wrote in the shapes
// Etsy's Open API reference documents, for the cases the other recorded
// bodies leave out (see testdata/README.md for each source).

// Every receipt status of Etsy's ShopReceipt enum, as Etsy writes them
// (lower case): only canceled and fully refunded receipts release stock. A
// transaction of a listing without variations has no product_id (null)
// and no SKU, and names the listing; a receipt without a name falls back
// to the buyer's email.
func TestDocumentedReceiptStatuses(t *testing.T) {
	_, c := serveRecorded(t, map[string]answer{"GET /shops/12345678/receipts": {200, "documented/receipts_statuses.json", nil}})
	page, err := c.FetchOrders(context.Background(), time.Unix(1780000000, 0), "")
	if err != nil {
		t.Fatal(err)
	}
	if page.HasMore || len(page.Orders) != 7 {
		t.Fatalf("page %+v", page)
	}
	cancelled := map[string]bool{}
	for _, o := range page.Orders {
		cancelled[o.Status] = o.Cancelled
	}
	want := map[string]bool{"paid": false, "completed": false, "open": false, "payment processing": false,
		"canceled": true, "fully refunded": true, "partially refunded": false}
	for status, w := range want {
		if got, ok := cancelled[status]; !ok || got != w {
			t.Errorf("status %q: cancelled %v (read: %v), want %v", status, got, ok, w)
		}
	}
	first := page.Orders[0]
	if first.ExternalID != "3100000001" || first.Customer != "Buyer 0" || first.Currency != "GBP" ||
		!first.CreatedAt.Equal(time.Unix(1780000000, 0)) || !first.UpdatedAt.Equal(time.Unix(1780050000, 0)) {
		t.Errorf("receipt %+v", first)
	}
	wantLine := channel.OrderLine{ExternalID: "4100000001", ListingExternalID: "1234567891", Name: "Linen Tea Towel", Quantity: 1, UnitPrice: "12.50"}
	if len(first.Lines) != 1 || first.Lines[0] != wantLine {
		t.Errorf("lines %+v\nwant %+v", first.Lines, wantLine)
	}
	if open := page.Orders[2]; open.Status != "open" || open.Customer != "buyer2@example.com" || open.Lines[0].Quantity != 3 {
		t.Errorf("receipt without a name: %+v", open)
	}
}

// A listing whose price, quantity and SKU vary on a property with a scale
// (getListingInventory read on its own, as the page did not include it):
// one channel item per product, each with its own offering.
func TestDocumentedInventoryOnProperty(t *testing.T) {
	rec, c := serveRecorded(t, map[string]answer{
		"GET /shops/12345678/listings":       {200, "documented/listings_page_no_inventory.json", nil},
		"GET /listings/1234567892/inventory": {200, "documented/inventory_on_property.json", nil},
	})
	page, err := c.FetchListings(context.Background(), time.Time{}, "")
	if err != nil {
		t.Fatal(err)
	}
	if page.HasMore || page.Total != 1 || len(page.Listings) != 2 {
		t.Fatalf("page %+v", page)
	}
	want := []struct{ id, sku, name, price string }{
		{"1234567892/2001", "SOCK-S", "Wool Socks - 4-6", "14.00"},
		{"1234567892/2003", "SOCK-L", "Wool Socks - 9-11", "15.75"},
	}
	for i, w := range want {
		l := page.Listings[i]
		if l.ExternalID != w.id || l.InventoryRef != w.id || l.SKU != w.sku || l.Name != w.name || l.Price != w.price ||
			l.ProductID != "1234567892" || l.NotForSale || l.Problem != "" || l.URL != "https://www.etsy.com/listing/1234567892/wool-socks" ||
			!l.UpdatedAt.Equal(time.Unix(1779500000, 0)) {
			t.Errorf("product %d: %+v", i, l)
		}
	}
	if q := page.Listings[0].Quantity; q == nil || *q != 4 {
		t.Errorf("quantity of the first product: %v", q)
	}
	if q := page.Listings[1].Quantity; q == nil || *q != 5 {
		t.Errorf("quantity of the second product: %v", q)
	}
	read := false
	for _, r := range rec.requests {
		read = read || strings.HasSuffix(r.URL.Path, "/listings/1234567892/inventory")
	}
	if !read {
		t.Error("the inventory was not read on its own")
	}
}
