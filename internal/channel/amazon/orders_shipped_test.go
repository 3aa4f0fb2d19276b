package amazon

import (
	"testing"
	"time"

	"stocksync/internal/channel/amazon/fake"
)

// An order Amazon ships from its own warehouses (AFN) is reported shipped
// by the channel once Amazon says Shipped, not before, and not while units
// are still to go (PartiallyShipped); an order the seller ships (MFN) is
// never shipped by the channel, whatever its status.
func TestOnlyAShippedAFNOrderIsShippedByTheChannel(t *testing.T) {
	ts := newTestSeller(t)
	ts.fake.SetListings([]fake.Listing{{SKU: "MUG-1", Name: "Mug", Price: "9.99", Quantity: 10}})
	ts.clock.Advance(-time.Hour)
	items := []fake.OrderItem{{SKU: "MUG-1", Quantity: 1}}
	afnUnshipped, _ := ts.fake.AddOrder(fake.Order{FulfillmentChannel: "AFN", Items: items})
	afnShipped, _ := ts.fake.AddOrder(fake.Order{FulfillmentChannel: "AFN", Status: "Shipped", Items: items})
	afnPartly, _ := ts.fake.AddOrder(fake.Order{FulfillmentChannel: "AFN", Status: "PartiallyShipped", Items: items})
	mfnShipped, _ := ts.fake.AddOrder(fake.Order{Status: "Shipped", Items: items})
	ts.clock.Advance(time.Hour)
	want := map[string][2]bool{ // fulfilled, shipped by the channel
		afnUnshipped.ID: {true, false}, afnShipped.ID: {true, true}, afnPartly.ID: {true, false}, mfnShipped.ID: {false, false},
	}
	got := fetchOrders(t, ts.client, time.Time{})
	if len(got) != len(want) {
		t.Fatalf("%d orders, want %d: %+v", len(got), len(want), got)
	}
	for _, o := range got {
		if w := want[o.ExternalID]; o.FulfilledByChannel != w[0] || o.ShippedByChannel != w[1] {
			t.Errorf("order %s (%s): fulfilled by the channel %v, shipped by it %v; want %v, %v",
				o.ExternalID, o.Status, o.FulfilledByChannel, o.ShippedByChannel, w[0], w[1])
		}
	}

	// Amazon ships the unshipped one: the next read says so.
	got = ordersAfterStatus(t, ts, afnUnshipped.ID, "Shipped")
	if len(got) != 1 || got[0].ExternalID != afnUnshipped.ID || !got[0].ShippedByChannel || got[0].Cancelled {
		t.Fatalf("after Amazon shipped it: %+v", got)
	}
	for _, s := range []string{"Shipped", "SHIPPED", " shipped "} {
		if !shippedStatus(s) {
			t.Errorf("%q is not read as shipped", s)
		}
	}
}
