package ebay

import (
	"context"
	"strings"
	"testing"

	"stocksync/internal/channel"
	"stocksync/internal/channel/ebay/fake"
)

// A listing stored without a ref (imported before refs carried offers) is
// pushed all the same: its SKU's offers are read, and the push reaches them.
func TestSetQuantitiesWithoutAStoredRefReadsTheOffers(t *testing.T) {
	a := newTestAccount(t)
	a.fake.AddItem(fake.Item{SKU: "OLD-1", Title: "Old", Quantity: 5, Offers: []fake.Offer{{Price: "2.00"}}})
	results, err := a.client.SetQuantities(context.Background(), []channel.QuantityUpdate{
		{ExternalID: "EBAY_US:OLD-1", Quantity: 7},
		{ExternalID: "EBAY_GB:OLD-1", Quantity: 1}, // not this channel's marketplace
	}, "")
	if err != nil || results[0].Err != nil || results[1].Err == nil || !strings.Contains(results[1].Err.Error(), "carries no SKU") {
		t.Fatal(err, results)
	}
	if q, _ := a.fake.Quantity("OLD-1", "EBAY_US"); q != 7 {
		t.Fatalf("quantity %d, want 7", q)
	}
	if n := a.fake.CallCount("GET " + fake.InventoryPath + "/offer"); n != 1 {
		t.Fatalf("%d offer reads, want 1", n)
	}
}
