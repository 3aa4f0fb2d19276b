package amazon

import (
	"context"
	"fmt"
	"testing"
	"time"

	"stocksync/internal/channel"
	"stocksync/internal/channel/amazon/fake"
	"stocksync/internal/channel/internal/testkit"
)

// A seller in two marketplaces has a listing per SKU and marketplace, each
// with its own price; a full sync reads one report per marketplace, and a
// push sends one feed per marketplace.
func TestTwoMarketplacesAreListedAndPushedApart(t *testing.T) {
	const us, ca = "ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"
	ts := newTestSeller(t, func(o *fake.Options) { o.Marketplaces = []string{us, ca} })
	var ls []fake.Listing
	for i := range 60 {
		sku := fmt.Sprintf("SKU-%03d", i)
		ls = append(ls, fake.Listing{Marketplace: us, SKU: sku, Name: "Thing", Price: "10.00", Quantity: 1},
			fake.Listing{Marketplace: ca, SKU: sku, Name: "Thing", Price: "13.00", Quantity: 1})
	}
	ts.fake.SetListings(ls)
	var report []channel.Listing
	if err := ts.client.FetchAllListings(context.Background(), 1000, func(l []channel.Listing) error { report = append(report, l...); return nil }); err != nil {
		t.Fatal(err)
	}
	searched, _ := testkit.FetchAll(t, ts.client, time.Time{})
	for name, got := range map[string][]channel.Listing{"report": report, "search": searched} {
		prices := map[string]string{}
		for _, l := range got {
			prices[l.ExternalID] = l.Price
		}
		if len(prices) != 120 || prices[us+"/SKU-007"] != "10.00" || prices[ca+"/SKU-007"] != "13.00" {
			t.Fatalf("%s: %d listings, prices %q and %q", name, len(prices), prices[us+"/SKU-007"], prices[ca+"/SKU-007"])
		}
	}
	if n := ts.fake.CallCount("createReport"); n != 2 {
		t.Fatalf("%d reports for two marketplaces", n)
	}
	var updates []channel.QuantityUpdate
	for _, l := range report {
		updates = append(updates, channel.QuantityUpdate{ExternalID: l.ExternalID, InventoryRef: l.InventoryRef, Quantity: 9})
	}
	res, err := ts.client.SetQuantities(context.Background(), updates, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Err != nil {
			t.Fatal(r.Err)
		}
	}
	if n := ts.fake.CallCount("createFeed"); n != 2 {
		t.Fatalf("%d feeds for two marketplaces", n)
	}
	if q, _ := ts.fake.Quantity(ca, "SKU-059"); q != 9 {
		t.Fatalf("the Canadian listing shows %d", q)
	}
}
