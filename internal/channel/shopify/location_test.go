package shopify

import (
	"context"
	"strings"
	"testing"
	"time"

	"stocksync/internal/channel"
	"stocksync/internal/channel/shopify/fake"
)

var (
	shopFront = fake.Location{ID: "gid://shopify/Location/1", Name: "Shop front", Active: true}
	warehouse = fake.Location{ID: "gid://shopify/Location/2", Name: "Warehouse", Active: true}
	oldStore  = fake.Location{ID: "gid://shopify/Location/3", Name: "Old store", Active: false}
)

// clientManaging is a second client of the same fake shop whose settings
// name the location it manages.
func (s *testShop) clientManaging(t *testing.T, locationID string) *Client {
	t.Helper()
	c, err := New(map[string]string{"shop_url": s.fake.URL(), "access_token": fake.DefaultAccessToken, "location_id": locationID},
		channel.Options{Sleep: s.sleeps.Sleep, Addresses: channel.AddressPolicy{Sandbox: true}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func quantities(ls []channel.Listing) map[string]int {
	out := map[string]int{}
	for _, l := range ls {
		if l.Quantity != nil {
			out[l.ExternalID] = *l.Quantity
		}
	}
	return out
}

func TestManagedLocationIsTheOnlyOneReadAndWritten(t *testing.T) {
	s := newTestShop(t)
	primary := shopFront
	primary.Primary = true
	s.fake.SetLocations(primary, warehouse)
	mug := s.fake.AddListing(fake.Listing{ProductTitle: "Mug", Quantity: 5})
	tee := s.fake.AddListing(fake.Listing{ProductTitle: "Tee", Quantity: 8}) // not stocked at the warehouse
	s.fake.SetLocationQuantity(mug.ID, warehouse.ID, 30)

	c := s.clientManaging(t, "2") // the bare number is accepted
	if err := c.Verify(context.Background()); err != nil {
		t.Fatal(err)
	}
	paged, _ := fetchAll(t, c, time.Time{})
	bulk, _ := exportAll(t, c, 0)
	for name, got := range map[string]map[string]int{"paged": quantities(paged), "bulk": quantities(bulk)} {
		// The shop's inventoryQuantity sums both locations: 35 for the mug.
		if got[mug.ID] != 30 || got[tee.ID] != 0 {
			t.Errorf("%s read %v, want the warehouse's 30 and 0, not the sum over locations", name, got)
		}
	}

	prev := 30
	none := 0
	results, err := c.SetQuantities(context.Background(), []channel.QuantityUpdate{
		{ExternalID: mug.ID, InventoryRef: mug.InventoryItemID, Quantity: 12, Previous: &prev},
		{ExternalID: tee.ID, InventoryRef: tee.InventoryItemID, Quantity: 4, Previous: &none},
	}, "push-warehouse")
	if err != nil || results[0].Err != nil || results[1].Err != nil {
		t.Fatalf("push: %v %+v", err, results)
	}
	for _, c := range []struct {
		id, loc string
		want    int
	}{{mug.ID, warehouse.ID, 12}, {tee.ID, warehouse.ID, 4}, {mug.ID, primary.ID, 5}, {tee.ID, primary.ID, 8}} {
		if got, _ := s.fake.LocationQuantity(c.id, c.loc); got != c.want {
			t.Errorf("%s at %s has %d, want %d (only the managed location may change)", c.id, c.loc, got, c.want)
		}
	}
}

func TestPrimaryLocationIsManagedByDefault(t *testing.T) {
	s := newTestShop(t)
	primary := warehouse
	primary.Primary = true
	s.fake.SetLocations(shopFront, primary) // the primary one is not the first
	mug := s.fake.AddListing(fake.Listing{ProductTitle: "Mug", Quantity: 5})
	s.fake.SetLocationQuantity(mug.ID, shopFront.ID, 40)

	if err := s.client.Verify(context.Background()); err != nil {
		t.Fatal(err)
	}
	all, _ := fetchAll(t, s.client, time.Time{})
	if got := quantities(all)[mug.ID]; got != 5 {
		t.Fatalf("read %d, want the primary location's 5", got)
	}
	results, err := s.client.SetQuantities(context.Background(), pushUpdates([]fake.Listing{mug}, func(int) int { return 9 }), "")
	if err != nil || results[0].Err != nil {
		t.Fatalf("push: %v %+v", err, results)
	}
	atPrimary, _ := s.fake.LocationQuantity(mug.ID, primary.ID)
	atFront, _ := s.fake.LocationQuantity(mug.ID, shopFront.ID)
	if atPrimary != 9 || atFront != 40 {
		t.Fatalf("primary %d, shop front %d; want 9 and an untouched 40", atPrimary, atFront)
	}
	// Verify asked for the shop and its primary location in one call; the
	// client kept the answer for the sync and the push.
	if n, again := s.fake.CallCount("shop,location"), s.fake.CallCount("location"); n != 1 || again != 0 {
		t.Fatalf("%d verify calls and %d more location lookups, want 1 and 0", n, again)
	}
}

func TestBadManagedLocationIsNamed(t *testing.T) {
	s := newTestShop(t)
	s.fake.SetLocations(shopFront, oldStore)

	if _, err := New(map[string]string{"shop_url": s.fake.URL(), "access_token": fake.DefaultAccessToken, "location_id": "Warehouse"}, sandbox); err == nil ||
		!strings.Contains(err.Error(), "Location stocksync manages must be a location ID") {
		t.Fatalf("a name instead of an ID gave %v", err)
	}
	unknown := s.clientManaging(t, "gid://shopify/Location/999")
	err := unknown.Verify(context.Background())
	if err == nil || !strings.Contains(err.Error(), "has no location gid://shopify/Location/999") {
		t.Fatalf("unknown location: %v", err)
	}
	if _, err := unknown.FetchListings(context.Background(), time.Time{}, ""); err == nil || !strings.Contains(err.Error(), "gid://shopify/Location/999") {
		t.Fatalf("a sync with an unknown location: %v", err)
	}
	err = s.clientManaging(t, "3").Verify(context.Background())
	if err == nil || !strings.Contains(err.Error(), `"Old store" (gid://shopify/Location/3)`) || !strings.Contains(err.Error(), "not active") {
		t.Fatalf("inactive location: %v", err)
	}
	if n := s.fake.CallCount("inventorySetQuantities"); n != 0 {
		t.Fatalf("%d writes with a bad location", n)
	}
}
