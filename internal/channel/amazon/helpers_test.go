package amazon

import (
	"testing"

	"stocksync/internal/channel"
	"stocksync/internal/channel/amazon/fake"
	"stocksync/internal/channel/internal/testkit"
)

type testSeller struct {
	fake   *fake.Server
	client *Client
	clock  *testkit.Clock
	sleeps *testkit.Sleeps
}

// newTestSeller starts a fake account and a client on one virtual clock:
// the client's waits move the clock on, so the fake's buckets refill and
// its tokens expire as if the time had passed.
func newTestSeller(t *testing.T, mutate ...func(*fake.Options)) *testSeller {
	t.Helper()
	clock := testkit.NewClock()
	sleeps := &testkit.Sleeps{Clock: clock}
	fopts := fake.Options{Fast: true, Now: clock.Now}
	for _, m := range mutate {
		m(&fopts)
	}
	srv := fake.New(fopts)
	t.Cleanup(srv.Close)
	ts := &testSeller{fake: srv, clock: clock, sleeps: sleeps}
	ts.client = ts.newClient(t, srv.Credentials())
	return ts
}

func (ts *testSeller) newClient(t *testing.T, creds map[string]string) *Client {
	t.Helper()
	c, err := New(creds, channel.Options{Sleep: ts.sleeps.Sleep, Now: ts.clock.Now, Addresses: channel.AddressPolicy{Sandbox: true}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func rateLimited(o *fake.Options) { o.Fast = false }
