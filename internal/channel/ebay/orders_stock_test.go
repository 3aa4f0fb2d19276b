package ebay

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"stocksync/internal/channel"
	"stocksync/internal/channel/ebay/fake"
)

func TestFetchOrdersDerivesUnitPricesAndCancellations(t *testing.T) {
	a := newTestAccount(t)
	ctx := context.Background()
	a.fake.AddItem(fake.Item{SKU: "MUG-1", Title: "Mug", Quantity: 10, Offers: []fake.Offer{{Price: "9.99"}}})
	start := a.clock.Now()
	old, _ := a.fake.AddOrder(fake.Order{Created: start.Add(-100 * 24 * time.Hour), Lines: []fake.OrderLine{{SKU: "MUG-1", Quantity: 1}}})
	kept, _ := a.fake.AddOrder(fake.Order{Buyer: "Ann Buyer", Lines: []fake.OrderLine{{SKU: "MUG-1", Quantity: 3}, {Title: "No SKU thing", Quantity: 2, UnitPrice: "1.00"}}})
	gone, _ := a.fake.AddOrder(fake.Order{Lines: []fake.OrderLine{{SKU: "MUG-1", Quantity: 1, UnitPrice: "10.00"}}})
	a.clock.Advance(time.Minute)
	if err := a.fake.CancelOrder(gone.OrderID); err != nil {
		t.Fatal(err)
	}
	// A change is read once it is older than the client's margin.
	page, err := a.client.FetchOrders(ctx, time.Time{}, "")
	if err != nil || len(page.Orders) != 1 || page.Orders[0].ExternalID != kept.OrderID {
		t.Fatalf("within the margin: %v %+v", err, page.Orders)
	}
	a.clock.Advance(time.Minute)
	page, err = a.client.FetchOrders(ctx, time.Time{}, "")
	if err != nil || page.HasMore || len(page.Orders) != 2 {
		t.Fatalf("%v %+v", err, page)
	}
	o := page.Orders[0]
	if o.ExternalID != kept.OrderID || o.Customer != "Ann Buyer" || o.Cancelled || o.Currency != "USD" || len(o.Lines) != 2 {
		t.Fatalf("order %+v", o)
	}
	if l := o.Lines[0]; l.UnitPrice != "9.99" || l.Quantity != 3 || l.ListingExternalID != "EBAY_US:MUG-1" || l.Name != "Mug" {
		t.Fatalf("line %+v (lineItemCost is the line total 29.97)", l)
	}
	if l := o.Lines[1]; l.ListingExternalID != "" || l.UnitPrice != "1.00" {
		t.Fatalf("line without SKU %+v", l)
	}
	if c := page.Orders[1]; !c.Cancelled || c.Customer != "buyer1" {
		t.Fatalf("cancelled %+v", c)
	}
	_ = old
	// The filter never reaches past eBay's 90 days, and has an end.
	q, _ := url.ParseQuery(a.fake.Calls()[len(a.fake.Calls())-1].Query)
	f := q.Get("filter")
	from, _ := time.Parse(ebayTime, strings.TrimSuffix(strings.TrimPrefix(f, "lastmodifieddate:["), "]")[:24])
	if !strings.HasPrefix(f, "lastmodifieddate:[") || !strings.Contains(f, "..") || strings.HasSuffix(f, "..]") || start.Sub(from) > 90*24*time.Hour {
		t.Fatalf("filter %q", f)
	}
	// Incremental: only what changed after since.
	page, err = a.client.FetchOrders(ctx, start.Add(30*time.Second), "")
	if err != nil || len(page.Orders) != 1 || page.Orders[0].ExternalID != gone.OrderID {
		t.Fatalf("incremental %v %+v", err, page.Orders)
	}
}

func TestFetchOrdersPagesWithAFixedEnd(t *testing.T) {
	a := newTestAccount(t)
	for range 450 {
		a.fake.AddOrder(fake.Order{Lines: []fake.OrderLine{{SKU: "X", Title: "X", Quantity: 1, UnitPrice: "1.00"}}})
	}
	a.clock.Advance(time.Minute)
	ctx := context.Background()
	seen := map[string]bool{}
	cursor := ""
	for n := 0; ; n++ {
		page, err := a.client.FetchOrders(ctx, time.Time{}, cursor)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page.Orders {
			seen[o.ExternalID] = true
		}
		if n == 0 {
			// An order placed while the pages are read waits for the next sync.
			a.clock.Advance(time.Second)
			a.fake.AddOrder(fake.Order{Lines: []fake.OrderLine{{SKU: "X", Title: "X", Quantity: 1, UnitPrice: "1.00"}}})
		}
		if !page.HasMore {
			break
		}
		cursor = page.NextCursor
	}
	if len(seen) != 450 {
		t.Fatalf("%d orders", len(seen))
	}
	if _, err := a.client.FetchOrders(ctx, time.Time{}, "nonsense"); err == nil {
		t.Fatal("a bad cursor was accepted")
	}
}

func TestUnitPrice(t *testing.T) {
	for _, c := range []struct {
		total, want string
		qty         int
	}{
		{"29.97", "9.99", 3}, {"10.00", "3.33", 3}, {"10.005", "5.003", 2}, {"1500", "500.00", 3}, {"abc", "abc", 2}, {"1e3", "1e3", 1},
	} {
		if got := unitPrice(c.total, c.qty); got != c.want {
			t.Errorf("%s/%d = %s, want %s", c.total, c.qty, got, c.want)
		}
	}
}

// stockListings syncs the fake's catalogue and returns its listings by SKU.
func stockListings(t *testing.T, a *testAccount) map[string]channel.Listing {
	t.Helper()
	out := map[string]channel.Listing{}
	cursor := ""
	for {
		page, err := a.client.FetchListings(context.Background(), time.Time{}, cursor)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range page.Listings {
			out[l.SKU] = l
		}
		if !page.HasMore {
			return out
		}
		cursor = page.NextCursor
	}
}

func TestSetQuantitiesRecordsItemErrorsAndAppliesTheRest(t *testing.T) {
	a := newTestAccount(t)
	for i := range 25 {
		a.fake.AddItem(fake.Item{SKU: fmt.Sprintf("S-%02d", i), Title: "Thing", Quantity: 5, Offers: []fake.Offer{{Price: "1.00"}}})
	}
	ls := stockListings(t, a)
	a.fake.RemoveItem("S-03") // deleted on eBay since the sync
	a.fake.SetRevisions(ls["S-07"].ProductID, 250)
	var updates []channel.QuantityUpdate
	for i := range 25 {
		l := ls[fmt.Sprintf("S-%02d", i)]
		updates = append(updates, channel.QuantityUpdate{ExternalID: l.ExternalID, InventoryRef: l.InventoryRef, Quantity: 40 + i})
	}
	results, err := a.client.SetQuantities(context.Background(), updates, "k1")
	if err != nil {
		t.Fatal(err)
	}
	if n := a.fake.CallCount("POST " + fake.InventoryPath + "/bulk_update_price_quantity"); n != 1 {
		t.Fatalf("%d calls for 25 SKUs", n)
	}
	for i, r := range results {
		var quota *channel.QuotaError
		switch i {
		case 3:
			if r.Err == nil || !strings.Contains(r.Err.Error(), "not available") {
				t.Errorf("deleted SKU: %v", r.Err)
			}
		case 7:
			if !errors.As(r.Err, &quota) || !strings.Contains(quota.Reason, "250 revisions") {
				t.Fatalf("revision limit: %v", r.Err)
			}
			// Noon UTC on 1 June is 05:00 in California: the day resets at 07:00 UTC on 2 June.
			if want := time.Date(2026, 6, 2, 7, 0, 0, 0, time.UTC); !quota.Until.Equal(want) {
				t.Errorf("until %v, want %v", quota.Until, want)
			}
		default:
			if r.Err != nil || r.ExternalID != updates[i].ExternalID {
				t.Errorf("%d: %+v", i, r)
			}
			if q, _ := a.fake.Quantity(fmt.Sprintf("S-%02d", i), "EBAY_US"); q != 40+i {
				t.Errorf("%d: quantity %d", i, q)
			}
		}
	}
	if q, _ := a.fake.Quantity("S-07", "EBAY_US"); q != 5 {
		t.Fatalf("a listing past its limit was changed: %d", q)
	}
	// The next Pacific day it goes.
	a.clock.Advance(20 * time.Hour)
	results, err = a.client.SetQuantities(context.Background(), updates[7:8], "k2")
	if err != nil || results[0].Err != nil {
		t.Fatal(err, results[0].Err)
	}
	if _, err := a.client.SetQuantities(context.Background(), append(updates, channel.QuantityUpdate{ExternalID: "EBAY_US:Z", InventoryRef: `{"sku":"Z","offers":["1"]}`}), ""); err == nil {
		t.Fatal("26 SKUs in one call")
	}
}

func TestSetQuantitiesRevisesAMultiVariationListingOnce(t *testing.T) {
	a := newTestAccount(t)
	// Two SKUs of one multiple-variation listing.
	a.fake.AddItem(fake.Item{SKU: "TEE-S", Title: "Tee S", Quantity: 9, Offers: []fake.Offer{{Price: "1.00", ListingID: "110000000777"}}})
	a.fake.AddItem(fake.Item{SKU: "TEE-M", Title: "Tee M", Quantity: 9, Offers: []fake.Offer{{Price: "1.00", ListingID: "110000000777"}}})
	ls := stockListings(t, a)
	s, m := ls["TEE-S"], ls["TEE-M"]
	results, err := a.client.SetQuantities(context.Background(), []channel.QuantityUpdate{
		{ExternalID: s.ExternalID, InventoryRef: s.InventoryRef, Quantity: 3},
		{ExternalID: m.ExternalID, InventoryRef: m.InventoryRef, Quantity: 2},
		{ExternalID: "EBAY_US:BROKEN", InventoryRef: "", Quantity: 1},
	}, "")
	if err != nil || results[0].Err != nil || results[1].Err != nil || results[2].Err == nil {
		t.Fatal(err, results)
	}
	qS, _ := a.fake.Quantity("TEE-S", "EBAY_US")
	qM, _ := a.fake.Quantity("TEE-M", "EBAY_US")
	if qS != 3 || qM != 2 {
		t.Fatalf("quantities %d %d", qS, qM)
	}
	if n := a.fake.Revisions("110000000777"); n != 1 {
		t.Fatalf("%d revisions of the listing for one call", n)
	}
}
