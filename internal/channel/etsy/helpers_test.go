package etsy

import (
	"context"
	"maps"
	"sync"
	"testing"

	"stocksync/internal/channel"
	"stocksync/internal/channel/etsy/fake"
	"stocksync/internal/channel/internal/testkit"
)

type testShop struct {
	fake   *fake.Server
	client *Client
	clock  *testkit.Clock
	sleeps *testkit.Sleeps
	saved  *savedCreds
}

// savedCreds records what the client asked to store.
type savedCreds struct {
	mu    sync.Mutex
	creds []map[string]string
}

func (s *savedCreds) save(_ context.Context, c map[string]string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.creds = append(s.creds, maps.Clone(c))
	return nil
}

func (s *savedCreds) last() map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.creds) == 0 {
		return nil
	}
	return s.creds[len(s.creds)-1]
}

func newTestShop(t *testing.T, fopts fake.Options) *testShop {
	t.Helper()
	clock := testkit.NewClock()
	sleeps := &testkit.Sleeps{Clock: clock}
	fopts.Now = clock.Now
	srv := fake.New(fopts)
	t.Cleanup(srv.Close)
	saved := &savedCreds{}
	c, err := New(srv.Credentials(), channel.Options{Sleep: sleeps.Sleep, Now: clock.Now,
		Addresses: channel.AddressPolicy{Sandbox: true}, SaveCredentials: saved.save})
	if err != nil {
		t.Fatal(err)
	}
	return &testShop{fake: srv, client: c, clock: clock, sleeps: sleeps, saved: saved}
}

// seedShop is a small shop: a listing with variations (sizes, own
// quantities), one whose products carry no SKU, and a plain one.
func seedShop(srv *fake.Server) (jumper, noSKU, mug fake.Listing) {
	size := func(id int64, v string) []fake.Value {
		return []fake.Value{{PropertyID: 100, Name: "Size", ValueID: id, Value: v}}
	}
	jumper = srv.AddListing(fake.Listing{Title: "Knitted Jumper", QuantityOnProperty: []int64{100}, SKUOnProperty: []int64{100},
		Products: []fake.Product{
			{SKU: "JMP-S", Values: size(501, "S"), Price: "45.00", Quantity: 2},
			{SKU: "JMP-M", Values: size(502, "M"), Price: "45.00", Quantity: 3},
			{SKU: "JMP-L", Values: size(503, "L"), Price: "47.50", Quantity: 4},
		}})
	colour := func(id int64, v string) []fake.Value {
		return []fake.Value{{PropertyID: 200, Name: "Primary color", ValueID: id, Value: v}}
	}
	noSKU = srv.AddListing(fake.Listing{Title: "Mom's Tea Towel", QuantityOnProperty: []int64{200},
		Products: []fake.Product{
			{Values: colour(1213, "Red"), Price: "12.00", Quantity: 5},
			{Values: colour(1214, "Blue"), Price: "12.00", Quantity: 6},
		}})
	mug = srv.AddListing(fake.Listing{Title: "Stoneware Mug", Products: []fake.Product{{SKU: "MUG-1", Price: "18.25", Quantity: 9}}})
	return jumper, noSKU, mug
}
