package shopify

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"stocksync/internal/channel/shopify/fake"
)

// A listing carries its product's storefront address (onlineStoreUrl), and
// the fake shop answers it with the product's page, so the sandbox's links
// to listings open something.
func TestListingsCarryTheirStorefrontPage(t *testing.T) {
	s := newTestShop(t)
	s.fake.AddListing(fake.Listing{ProductTitle: "Linen Apron & Co", Title: "Blue", SKU: "APR-1", Price: "18.00"})
	all, _ := fetchAll(t, s.client, time.Time{})
	if len(all) != 1 || !strings.HasPrefix(all[0].URL, s.fake.URL()+"/products/linen-apron-co-") {
		t.Fatalf("listings %+v", all)
	}
	resp, err := http.Get(all[0].URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "Linen Apron &amp; Co") || !strings.Contains(string(body), "18.00") {
		t.Fatalf("storefront answered %d %s", resp.StatusCode, body)
	}
	if len(s.fake.Calls()) != 2 { // the managed location, then the page

		t.Fatalf("a storefront visit is not an API call: %+v", s.fake.Calls())
	}
}
