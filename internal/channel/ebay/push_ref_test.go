package ebay

import (
	"context"
	"strings"
	"testing"
	"time"

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

// A SKU sold both at a fixed price and by auction: the push sets the
// fixed-price offer's quantity and leaves the auction's lot alone, whether
// the offers come from a sync's ref or are read at push time.
func TestSetQuantitiesLeavesAnAuctionOfferAlone(t *testing.T) {
	one := 1
	for _, stored := range []bool{true, false} {
		a := newTestAccount(t)
		a.fake.AddItem(fake.Item{SKU: "LAMP-1", Title: "Lamp", Quantity: 5, Offers: []fake.Offer{
			{Price: "20.00"}, {Price: "9.99", Format: "AUCTION", AvailableQuantity: &one}}})
		u := channel.QuantityUpdate{ExternalID: "EBAY_US:LAMP-1", Quantity: 7}
		if stored {
			page, err := a.client.FetchListings(context.Background(), time.Time{}, "")
			if err != nil || len(page.Listings) != 1 {
				t.Fatal(err, page.Listings)
			}
			u.InventoryRef = page.Listings[0].InventoryRef
		}
		results, err := a.client.SetQuantities(context.Background(), []channel.QuantityUpdate{u}, "")
		if err != nil || results[0].Err != nil {
			t.Fatal(err, results)
		}
		it, _ := a.fake.Item("LAMP-1")
		var fixed, auction *int
		for _, o := range it.Offers {
			if o.Format == "AUCTION" {
				auction = o.AvailableQuantity
			} else {
				fixed = o.AvailableQuantity
			}
		}
		if fixed == nil || *fixed != 7 || auction == nil || *auction != 1 {
			t.Fatalf("stored ref %v: fixed-price offer shows %v, auction %v; want 7 and 1", stored, deref(fixed), deref(auction))
		}
	}
}

func deref(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}
