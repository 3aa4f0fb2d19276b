package shopify

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"stocksync/internal/channel"
	"stocksync/internal/channel/shopify/fake"
)

// The fake answers only the fields a query selects, as Shopify does, so a
// mapping that reads a field the query never asks for shows here.
func TestListingsKnowTheirProductWhetherPagedOrExported(t *testing.T) {
	s := newTestShop(t)
	board := s.fake.AddListing(fake.Listing{ProductTitle: "The Complete Snowboard", Title: "151cm", SKU: "SNB-151", Price: "499.00"})
	s.fake.AddListing(fake.Listing{ProductID: board.ProductID, ProductTitle: "The Complete Snowboard", Title: "158cm", SKU: "SNB-158", Price: "499.00"})
	wax := s.fake.AddListing(fake.Listing{ProductTitle: "Board Wax", SKU: "WAX-1", Price: "12.00"})
	paged, _ := fetchAll(t, s.client, time.Time{})
	exported, _ := exportAll(t, s.client, 0)
	for _, ls := range [][]channel.Listing{paged, exported} {
		if len(ls) != 3 {
			t.Fatalf("%d listings", len(ls))
		}
		if ls[0].ProductID != board.ProductID || ls[1].ProductID != board.ProductID || ls[2].ProductID != wax.ProductID {
			t.Fatalf("product ids %q %q %q, want %q %q", ls[0].ProductID, ls[1].ProductID, ls[2].ProductID, board.ProductID, wax.ProductID)
		}
		if ls[0].Name != "The Complete Snowboard - 151cm" || ls[2].Name != "Board Wax" {
			t.Fatalf("names %q %q", ls[0].Name, ls[2].Name)
		}
	}
}

func TestRecordedVariantsWithoutDisplayNameAreNamedFromTheirProduct(t *testing.T) {
	_, c, _ := serveScript(t, step{200, "location_primary.json"}, step{200, "product_variants_no_display_name.json"})
	page, err := c.FetchListings(t.Context(), time.Time{}, "")
	if err != nil {
		t.Fatal(err)
	}
	board, wax := page.Listings[0], page.Listings[1]
	if board.Name != "The Complete Snowboard - 151cm" || board.ProductID != "gid://shopify/Product/8261349654808" {
		t.Errorf("board %q %q", board.Name, board.ProductID)
	}
	if wax.Name != "Board Wax" || wax.ProductID != "gid://shopify/Product/8261349687576" {
		t.Errorf("wax %q %q", wax.Name, wax.ProductID)
	}
	// Without its product a variant is named by its own title, never " - 151cm".
	if got := listingFrom(json.RawMessage(`{"id":"gid://shopify/ProductVariant/1","title":"151cm"}`)).Name; got != "151cm" {
		t.Errorf("name without product %q", got)
	}
}

func TestBulkLinesThatAreNotVariantsAreNotListings(t *testing.T) {
	lines := []string{
		`{"id":"gid://shopify/ProductVariant/1","title":"S","sku":"A-S","price":"1.00","inventoryItem":{"id":"gid://shopify/InventoryItem/1","tracked":false},"product":{"id":"gid://shopify/Product/9","title":"A"}}`,
		// a nested connection's node, written after its parent
		`{"id":"gid://shopify/InventoryLevel/5?inventory_item_id=1","available":3,"__parentId":"gid://shopify/ProductVariant/1"}`,
		`{"sku":"ORPHAN","__parentId":"gid://shopify/Product/9"}`,
		// a product line, if a query ever nests variants under products
		`{"id":"gid://shopify/Product/9","title":"A"}`,
		`{"id":"gid://shopify/ProductVariant/2","title":"M","sku":"A-M","price":"1.00","inventoryItem":{"id":"gid://shopify/InventoryItem/2","tracked":false},"product":{"id":"gid://shopify/Product/9","title":"A"}}`,
		`{"id":"gid://shopify/ProductVariant/3","title":`, // cut: reported, not lost
	}
	var got []channel.Listing
	b := batcher{size: 10, fn: func(ls []channel.Listing) error { got = append(got, ls...); return nil }}
	for _, l := range lines {
		if err := b.add([]byte(l)); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.flush(); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, l := range got {
		ids = append(ids, l.ExternalID)
	}
	if len(got) != 3 || got[0].Name != "A - S" || got[1].SKU != "A-M" || got[2].Problem == "" {
		t.Fatalf("listings %q", strings.Join(ids, ", "))
	}
}
