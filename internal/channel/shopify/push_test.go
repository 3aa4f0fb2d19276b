package shopify

import (
	"slices"
	"testing"
	"time"

	"stocksync/internal/channel"
	"stocksync/internal/channel/internal/testkit"
	"stocksync/internal/channel/shopify/fake"
)

func setCalls(s *testShop) []fake.Call {
	var out []fake.Call
	for _, c := range s.fake.Calls() {
		if c.Operation == "inventorySetQuantities" {
			out = append(out, c)
		}
	}
	return out
}

func TestPushSplitsAtTwoHundredFiftyPerCall(t *testing.T) {
	s := newTestShop(t)
	s.fake.Generate(600, 3)
	listings := s.fake.Listings()
	testkit.PushInBatches(t, s.client, pushUpdates(listings, func(i int) int { return 1000 + i }))
	if n := len(setCalls(s)); n != 3 {
		t.Fatalf("%d inventorySetQuantities calls for 600 quantities, want ceil(600/250) = 3", n)
	}
	for i, l := range listings {
		if q, _ := s.fake.Quantity(l.ID); q != 1000+i {
			t.Fatalf("%s has %d, want %d", l.ID, q, 1000+i)
		}
	}
}

// With a bucket of 10 points refilled at 5 a second, each 10-point
// mutation after the first must wait 2 s for the bucket to hold it. The
// client waits that long before each call and is never refused.
func TestPushSpendsTheCostBucketWithoutBeingThrottled(t *testing.T) {
	s := newTestShop(t, func(o *fake.Options, _ *channel.Options) { o.MaximumAvailable, o.RestoreRate = 10, 5 })
	s.fake.Generate(1250, 4)
	s.knowLocation(t) // 1 point: the bucket holds 9
	testkit.PushInBatches(t, s.client, pushUpdates(s.fake.Listings(), func(i int) int { return i }))

	calls := setCalls(s)
	if len(calls) != 5 {
		t.Fatalf("%d inventorySetQuantities calls for 1250 quantities, want 5 and no refused one", len(calls))
	}
	for i := 1; i < len(calls); i++ {
		if gap := calls[i].At.Sub(calls[i-1].At); gap < 2*time.Second {
			t.Fatalf("call %d came %s after the one before, want at least the 2 s the bucket needs", i+1, gap)
		}
	}
	// 0.2 s for the point the location lookup took, then 2 s before each call.
	want := []time.Duration{200 * time.Millisecond, 2 * time.Second, 2 * time.Second, 2 * time.Second, 2 * time.Second}
	if got := s.sleeps.Waits(); !slices.Equal(got, want) {
		t.Fatalf("waits %v, want %v", got, want)
	}
}

func TestPushWaitsOutThrottledAndTooManyRequests(t *testing.T) {
	s := newTestShop(t)
	l := s.fake.AddListing(fake.Listing{ProductTitle: "Mug", Quantity: 3})
	s.knowLocation(t)
	s.fake.ThrottleNext(1) // THROTTLED with an empty bucket: 10 points at 100 a second
	testkit.PushInBatches(t, s.client, pushUpdates([]fake.Listing{l}, func(int) int { return 7 }))
	s.fake.FailNext(1, 429) // no Retry-After: the client's one-second fallback
	testkit.PushInBatches(t, s.client, pushUpdates([]fake.Listing{l}, func(int) int { return 8 }))

	calls := setCalls(s)
	if len(calls) != 4 {
		t.Fatalf("%d calls, want each push refused once and then sent", len(calls))
	}
	if gap := calls[1].At.Sub(calls[0].At); gap < 100*time.Millisecond {
		t.Errorf("retried %s after THROTTLED, want the 0.1 s the 10 points take", gap)
	}
	if gap := calls[3].At.Sub(calls[2].At); gap < time.Second {
		t.Errorf("retried %s after 429, want at least 1 s", gap)
	}
	if q, _ := s.fake.Quantity(l.ID); q != 8 {
		t.Fatalf("stock %d, want 8", q)
	}
}
