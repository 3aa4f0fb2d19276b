package shopify

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"stocksync/internal/channel"
	"stocksync/internal/channel/internal/testkit"
	"stocksync/internal/channel/shopify/fake"
)

type testShop struct {
	fake   *fake.Server
	client *Client
	sleeps *testkit.Sleeps
	clock  *testkit.Clock
}

// newTestShop starts a fake shop whose clock moves only when the client
// sleeps, so throttling plays out exactly and instantly.
func newTestShop(t *testing.T, mutate ...func(*fake.Options, *channel.Options)) *testShop {
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
	client, err := New(map[string]string{"shop_url": srv.URL(), "access_token": fake.DefaultAccessToken}, copts)
	if err != nil {
		t.Fatal(err)
	}
	client.now = clock.Now
	return &testShop{fake: srv, client: client, sleeps: sleeps, clock: clock}
}

// knowLocation has the client look up the managed location, so that a
// fault switched on next meets the call under test.
func (s *testShop) knowLocation(t *testing.T) {
	t.Helper()
	if _, err := s.client.location(t.Context()); err != nil {
		t.Fatal(err)
	}
}

func withClientTimeout(d time.Duration) func(*fake.Options, *channel.Options) {
	return func(_ *fake.Options, o *channel.Options) {
		o.Timeout = d
	}
}

// sandbox lets a client reach the fakes, which listen on loopback.
var sandbox = channel.Options{Addresses: channel.AddressPolicy{Sandbox: true}}

// scripted answers requests in order with the given testdata files and
// keeps the request bodies.
type scripted struct {
	mu     sync.Mutex
	bodies []map[string]any
	steps  []step
}

type step struct {
	status int
	file   string
}

func serveScript(t *testing.T, steps ...step) (*scripted, *Client, *testkit.Sleeps) {
	t.Helper()
	s := &scripted{steps: steps}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		_ = json.NewDecoder(r.Body).Decode(&body)
		s.mu.Lock()
		n := len(s.bodies)
		s.bodies = append(s.bodies, body)
		s.mu.Unlock()
		if n >= len(s.steps) {
			t.Errorf("unexpected request %d: %v", n+1, body["query"])
			w.WriteHeader(http.StatusTeapot)
			return
		}
		data, err := os.ReadFile(filepath.Join("testdata", s.steps[n].file))
		if err != nil {
			t.Error(err)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(s.steps[n].status)
		_, _ = w.Write(data)
	}))
	t.Cleanup(srv.Close)
	sleeps := &testkit.Sleeps{}
	c, err := New(map[string]string{"shop_url": srv.URL, "access_token": "shpat_recorded"}, channel.Options{Sleep: sleeps.Sleep, Addresses: channel.AddressPolicy{Sandbox: true}})
	if err != nil {
		t.Fatal(err)
	}
	return s, c, sleeps
}

func (s *scripted) body(n int) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bodies[n]
}
