package amazon

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"stocksync/internal/channel"
	"stocksync/internal/channel/amazon/fake"
)

func fetchOrders(t *testing.T, c *Client, since time.Time) []channel.Order {
	t.Helper()
	var all []channel.Order
	cursor := ""
	for {
		p, err := c.FetchOrders(context.Background(), since, cursor)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, p.Orders...)
		if !p.HasMore {
			return all
		}
		cursor = p.NextCursor
	}
}

// ordersAfterStatus moves order id on to status and reads the orders
// changed since, once Amazon's order index (minutes behind) shows it.
func ordersAfterStatus(t *testing.T, ts *testSeller, id, status string) []channel.Order {
	t.Helper()
	since := ts.clock.Now().Add(-time.Minute)
	ts.clock.Advance(3 * time.Minute)
	if err := ts.fake.SetOrderStatus(id, status); err != nil {
		t.Fatal(err)
	}
	ts.clock.Advance(3 * time.Minute)
	return fetchOrders(t, ts.client, since)
}

func TestOrdersLeavePendingOutAndReadBothCancelSpellings(t *testing.T) {
	ts := newTestSeller(t)
	ts.fake.SetListings([]fake.Listing{{SKU: "MUG-1", Name: "Mug", Price: "9.99", Quantity: 10}})
	ts.clock.Advance(-time.Hour) // orders placed an hour ago
	pending, _ := ts.fake.AddOrder(fake.Order{Status: "Pending", Items: []fake.OrderItem{{SKU: "MUG-1", Quantity: 1}}})
	open, _ := ts.fake.AddOrder(fake.Order{BuyerName: "Ann", Items: []fake.OrderItem{{SKU: "MUG-1", Quantity: 3}}})
	cancelled, _ := ts.fake.AddOrder(fake.Order{Status: "Canceled", Items: []fake.OrderItem{{SKU: "MUG-1", Quantity: 1}}})
	ts.clock.Advance(time.Hour)
	got := fetchOrders(t, ts.client, time.Time{})
	if len(got) != 2 {
		t.Fatalf("%d orders, want 2 (the pending one left out): %+v", len(got), got)
	}
	o := got[0]
	if o.ExternalID != open.ID || o.Cancelled || o.Customer != "Ann" || o.Currency != "USD" || len(o.Lines) != 1 {
		t.Fatalf("open order %+v", o)
	}
	l := o.Lines[0]
	if l.Quantity != 3 || l.UnitPrice != "9.99" || l.SKU != "MUG-1" || l.ListingExternalID != fake.DefaultMarketplace+"/MUG-1" || l.Name != "Mug" {
		t.Fatalf("line %+v (ItemPrice is the line total 29.97; the unit price is 9.99)", l)
	}
	if got[1].ExternalID != cancelled.ID || !got[1].Cancelled {
		t.Fatalf("cancelled order %+v", got[1])
	}
	// Amazon confirms the pending order: it comes in, changed since.
	got = ordersAfterStatus(t, ts, pending.ID, "Unshipped")
	if len(got) != 1 || got[0].ExternalID != pending.ID || got[0].Cancelled || got[0].Status != "Unshipped" {
		t.Fatalf("after confirmation: %+v", got)
	}
	for _, s := range []string{"Canceled", "CANCELLED", "cancelled"} {
		if !cancelledStatus(s) {
			t.Fatalf("%s is not read as cancelled", s)
		}
	}
}

func TestUnitPriceIsTheLineTotalDivided(t *testing.T) {
	for _, c := range []struct {
		total string
		qty   int
		want  string
	}{{"29.97", 3, "9.99"}, {"10.00", 3, "3.33"}, {"10.01", 2, "5.01"}, {"1000", 4, "250"}, {"abc", 2, "abc"}, {"7.50", 1, "7.50"}} {
		if got := unitPrice(c.total, c.qty); got != c.want {
			t.Errorf("unitPrice(%s, %d) = %s, want %s", c.total, c.qty, got, c.want)
		}
	}
}

func stockSeller(t *testing.T, n int) *testSeller {
	ts := newTestSeller(t)
	var ls []fake.Listing
	for i := range n {
		ls = append(ls, fake.Listing{SKU: fmt.Sprintf("SKU-%04d", i), Name: "Thing", Price: "5.00", Quantity: 1, FBA: i == 1})
	}
	ts.fake.SetListings(ls)
	ts.fake.RejectSKU("SKU-0002", "The value for 'quantity' is invalid.")
	return ts
}

func updatesFor(n int) []channel.QuantityUpdate {
	us := make([]channel.QuantityUpdate, n)
	for i := range us {
		ref := fmt.Sprintf("%s/SKU-%04d", fake.DefaultMarketplace, i)
		us[i] = channel.QuantityUpdate{ExternalID: ref, InventoryRef: ref, Quantity: 40 + i}
	}
	return us
}

func checkResults(t *testing.T, ts *testSeller, res []channel.QuantityResult, n int) {
	t.Helper()
	if len(res) != n {
		t.Fatalf("%d results for %d updates", len(res), n)
	}
	for i, r := range res {
		switch i {
		case 1, 2:
			if r.Err == nil || !strings.Contains(r.Err.Error(), "invalid") {
				t.Fatalf("result %d: %v, want INVALID", i, r.Err)
			}
		default:
			if r.Err != nil {
				t.Fatalf("result %d: %v", i, r.Err)
			}
			if q, _ := ts.fake.Quantity(fake.DefaultMarketplace, fmt.Sprintf("SKU-%04d", i)); q != 40+i {
				t.Fatalf("SKU-%04d has %d on Amazon, want %d", i, q, 40+i)
			}
		}
	}
	if !strings.Contains(res[2].Err.Error(), "'quantity' is invalid") {
		t.Fatalf("the issue is not named: %v", res[2].Err)
	}
}

func TestFewQuantitiesArePatched(t *testing.T) {
	ts := stockSeller(t, 6)
	res, err := ts.client.SetQuantities(context.Background(), updatesFor(6), "k1")
	if err != nil {
		t.Fatal(err)
	}
	checkResults(t, ts, res, 6)
	if ts.fake.CallCount("patchListingsItem") != 6 || ts.fake.CallCount("createFeed") != 0 {
		t.Fatalf("calls: %d patches, %d feeds", ts.fake.CallCount("patchListingsItem"), ts.fake.CallCount("createFeed"))
	}
}

func TestManyQuantitiesGoInOneFeed(t *testing.T) {
	ts := stockSeller(t, 500)
	res, err := ts.client.SetQuantities(context.Background(), updatesFor(500), "k2")
	if err != nil {
		t.Fatal(err)
	}
	checkResults(t, ts, res, 500)
	for op, want := range map[string]int{"createFeedDocument": 1, "uploadDocument": 1, "createFeed": 1, "patchListingsItem": 0, "getFeedDocument": 1} {
		if n := ts.fake.CallCount(op); n != want {
			t.Fatalf("%s called %d times, want %d", op, n, want)
		}
	}
}

func TestAFailedFeedFailsTheBatch(t *testing.T) {
	for _, status := range []string{"FATAL", "CANCELLED"} {
		ts := stockSeller(t, 200)
		ts.fake.FailNextFeeds(1, status)
		_, err := ts.client.SetQuantities(context.Background(), updatesFor(200), "k3")
		if err == nil || !strings.Contains(err.Error(), "sent again") {
			t.Fatalf("%s: %v", status, err)
		}
		if q, _ := ts.fake.Quantity(fake.DefaultMarketplace, "SKU-0000"); q != 1 {
			t.Fatalf("%s: a failed feed changed stock", status)
		}
		// Sent again, it goes through.
		res, err := ts.client.SetQuantities(context.Background(), updatesFor(200), "k3")
		if err != nil {
			t.Fatal(err)
		}
		checkResults(t, ts, res, 200)
	}
}
