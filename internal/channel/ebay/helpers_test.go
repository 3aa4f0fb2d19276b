package ebay

import (
	"context"
	"net/url"
	"sync"
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
	refs   *storedRefs
}

// storedRefs stand for the refs the store keeps of imported listings,
// which the client reads through channel.Options.StoredRefs.
type storedRefs struct {
	mu   sync.Mutex
	byID map[string]string
}

func (s *storedRefs) keep(externalID, ref string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.byID[externalID] = ref
}

func (s *storedRefs) lookup(_ context.Context, externalIDs []string) (map[string]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]string{}
	for _, id := range externalIDs {
		if ref, ok := s.byID[id]; ok {
			out[id] = ref
		}
	}
	return out, nil
}

// newTestAccount starts a fake account and a client on it. Both read one
// clock, which the client's waits move on, so token lifetimes pass without
// waiting.
func newTestAccount(t *testing.T, mutate ...func(*fake.Options, *channel.Options)) *testAccount {
	t.Helper()
	clock := testkit.NewClock()
	sleeps := &testkit.Sleeps{Clock: clock}
	fopts := fake.Options{Now: clock.Now}
	refs := &storedRefs{byID: map[string]string{}}
	copts := channel.Options{Sleep: sleeps.Sleep, Addresses: channel.AddressPolicy{Sandbox: true}, Now: clock.Now, StoredRefs: refs.lookup}
	for _, m := range mutate {
		m(&fopts, &copts)
	}
	srv := fake.New(fopts)
	t.Cleanup(srv.Close)
	client, err := New(srv.Credentials(), copts)
	if err != nil {
		t.Fatal(err)
	}
	return &testAccount{fake: srv, client: client, sleeps: sleeps, clock: clock, opts: copts, refs: refs}
}

func intp(n int) *int { return &n }

func urlUnescape(s string) (string, error) { return url.QueryUnescape(s) }
