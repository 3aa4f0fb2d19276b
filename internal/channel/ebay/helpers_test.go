package ebay

import (
	"net/url"
	"testing"

	"stocksync/internal/channel"
	"stocksync/internal/channel/ebay/fake"
	"stocksync/internal/channel/internal/testkit"
)

type testAccount struct {
	fake   *fake.Server
	client *Client
	sleeps *testkit.Sleeps
	clock  *testkit.Clock
	opts   channel.Options
}

// newTestAccount starts a fake account and a client on it. Both read one
// clock, which the client's waits move on, so token lifetimes pass without
// waiting.
func newTestAccount(t *testing.T, mutate ...func(*fake.Options, *channel.Options)) *testAccount {
	t.Helper()
	clock := testkit.NewClock()
	sleeps := &testkit.Sleeps{Clock: clock}
	fopts := fake.Options{Now: clock.Now}
	copts := channel.Options{Sleep: sleeps.Sleep, Addresses: channel.AddressPolicy{Sandbox: true}, Now: clock.Now}
	for _, m := range mutate {
		m(&fopts, &copts)
	}
	srv := fake.New(fopts)
	t.Cleanup(srv.Close)
	client, err := New(srv.Credentials(), copts)
	if err != nil {
		t.Fatal(err)
	}
	return &testAccount{fake: srv, client: client, sleeps: sleeps, clock: clock, opts: copts}
}

func intp(n int) *int { return &n }

func urlUnescape(s string) (string, error) { return url.QueryUnescape(s) }
