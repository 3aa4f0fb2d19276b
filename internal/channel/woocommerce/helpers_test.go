package woocommerce

import (
	"testing"
	"time"

	"stocksync/internal/channel"
	"stocksync/internal/channel/internal/testkit"
	"stocksync/internal/channel/woocommerce/fake"
)

type testStore struct {
	fake   *fake.Server
	client *Client
	sleeps *testkit.Sleeps
}

func newTestStore(t *testing.T, mutate ...func(*fake.Options, *channel.Options)) *testStore {
	t.Helper()
	clock := testkit.NewClock()
	sleeps := &testkit.Sleeps{Clock: clock}
	fopts := fake.Options{Now: clock.Now}
	copts := channel.Options{Sleep: sleeps.Sleep, Addresses: channel.AddressPolicy{Sandbox: true}}
	for _, m := range mutate {
		m(&fopts, &copts)
	}
	srv := fake.New(fopts)
	t.Cleanup(srv.Close)
	client, err := New(credsFor(srv.URL()), copts)
	if err != nil {
		t.Fatal(err)
	}
	return &testStore{fake: srv, client: client, sleeps: sleeps}
}

// sandbox lets a client reach the fakes, which listen on loopback.
var sandbox = channel.Options{Addresses: channel.AddressPolicy{Sandbox: true}}

func credsFor(url string) map[string]string {
	return map[string]string{"site_url": url, "consumer_key": fake.DefaultConsumerKey, "consumer_secret": fake.DefaultConsumerSecret}
}

func withClientTimeout(d time.Duration) func(*fake.Options, *channel.Options) {
	return func(_ *fake.Options, o *channel.Options) { o.Timeout = d }
}
