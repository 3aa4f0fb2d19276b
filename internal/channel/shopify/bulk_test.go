package shopify

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"stocksync/internal/channel"
	"stocksync/internal/channel/shopify/fake"
)

// exportAll runs FetchAllListings and returns the listings and chunk sizes.
func exportAll(t *testing.T, c *Client, chunk int) ([]channel.Listing, []int) {
	t.Helper()
	var all []channel.Listing
	var sizes []int
	err := c.FetchAllListings(context.Background(), chunk, func(ls []channel.Listing) error {
		sizes = append(sizes, len(ls))
		all = append(all, ls...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return all, sizes
}

func withBulkDelay(d time.Duration) func(*fake.Options, *channel.Options) {
	return func(o *fake.Options, _ *channel.Options) { o.BulkDelay = d }
}

// beforeDownload runs hook before every request for an export file, to
// switch the fake's faults on exactly there.
func beforeDownload(hook func(*http.Request)) func(*fake.Options, *channel.Options) {
	return func(_ *fake.Options, o *channel.Options) {
		o.HTTPClient = &http.Client{Transport: roundTripper(func(r *http.Request) (*http.Response, error) {
			if strings.HasPrefix(r.URL.Path, "/bulk/") {
				hook(r)
			}
			return http.DefaultTransport.RoundTrip(r)
		})}
	}
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func sameListing(a, b channel.Listing) bool {
	qa, qb := a.Quantity, b.Quantity
	return a.ExternalID == b.ExternalID && a.ProductID == b.ProductID && a.SKU == b.SKU && a.Name == b.Name &&
		a.Price == b.Price && a.InventoryRef == b.InventoryRef && a.UpdatedAt.Equal(b.UpdatedAt) && a.Problem == b.Problem &&
		(qa == nil) == (qb == nil) && (qa == nil || *qa == *qb)
}

func TestBulkExportReadsListingsAsPagingDoes(t *testing.T) {
	s := newTestShop(t, func(o *fake.Options, _ *channel.Options) { o.MaximumAvailable = 1e6 })
	s.fake.Generate(300, 11)
	s.fake.AddListing(fake.Listing{ProductTitle: "Gift card", Price: "25.00", Untracked: true})
	odd := s.fake.AddListing(fake.Listing{ProductTitle: "Odd", Title: "Red", Price: "1.00", Quantity: -3})
	s.fake.SetBrokenField(odd.ID)
	paged, _ := fetchAll(t, s.client, time.Time{})
	bulk, _ := exportAll(t, s.client, 0)
	if len(bulk) != len(paged) || len(bulk) != 302 {
		t.Fatalf("bulk gave %d listings, paging %d", len(bulk), len(paged))
	}
	for i := range paged {
		if !sameListing(paged[i], bulk[i]) {
			t.Fatalf("listing %d differs:\npaged %+v\nbulk  %+v", i, paged[i], bulk[i])
		}
	}
	if last := bulk[301]; last.Name != "Odd - Red" || last.Price != "abc" || *last.Quantity != -3 || bulk[300].Quantity != nil {
		t.Fatalf("special listings %+v %+v", bulk[300], last)
	}
}

func TestBulkExportSizes(t *testing.T) {
	for _, n := range []int{0, 1, 2500} {
		s := newTestShop(t)
		s.fake.Generate(n, 3)
		all, sizes := exportAll(t, s.client, 1000)
		if len(all) != n {
			t.Fatalf("%d listings, want %d", len(all), n)
		}
		seen := map[string]bool{}
		for _, l := range all {
			if seen[l.ExternalID] || l.ExternalID == "" || l.Problem != "" || l.InventoryRef == "" {
				t.Fatalf("bad or repeated listing %+v", l)
			}
			seen[l.ExternalID] = true
		}
		want := map[int]string{0: "[]", 1: "[1]", 2500: "[1000 1000 500]"}[n]
		if got := fmt.Sprint(sizes); got != want {
			t.Fatalf("%d listings came in chunks %s, want %s", n, got, want)
		}
		if c := s.fake.CallCount("bulkOperationRunQuery"); c != 1 {
			t.Fatalf("%d bulk queries run", c)
		}
	}
}

func TestBulkExportOfAHundredThousand(t *testing.T) {
	if testing.Short() {
		t.Skip("100,000 listings")
	}
	s := newTestShop(t)
	s.fake.Generate(100_000, 5)
	start := time.Now()
	seen := make(map[string]bool, 100_000)
	err := s.client.FetchAllListings(context.Background(), 5000, func(ls []channel.Listing) error {
		if len(ls) > 5000 {
			t.Errorf("a chunk of %d", len(ls))
		}
		for _, l := range ls {
			if seen[l.ExternalID] || l.Problem != "" {
				t.Fatalf("bad or repeated listing %+v", l)
			}
			seen[l.ExternalID] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("100,000 listings in %s, %d file requests", time.Since(start), s.fake.CallCount("bulkDownload"))
	if len(seen) != 100_000 {
		t.Fatalf("%d listings", len(seen))
	}
	// The file is larger than one range, so it must have come in several.
	if n := s.fake.CallCount("bulkDownload"); n < 2 {
		t.Fatalf("%d file requests", n)
	}
}

func TestBulkExportWaitsForTheOperation(t *testing.T) {
	s := newTestShop(t, withBulkDelay(5*time.Second))
	s.fake.Generate(10, 1)
	all, _ := exportAll(t, s.client, 0)
	if len(all) != 10 {
		t.Fatalf("%d listings", len(all))
	}
	want := []time.Duration{200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond, 1600 * time.Millisecond, 2 * time.Second}
	if got := s.sleeps.Waits(); !slices.Equal(got, want) {
		t.Fatalf("waits %v, want %v", got, want)
	}
}

func TestBulkExportFailures(t *testing.T) {
	s := newTestShop(t)
	s.fake.Generate(5, 1)
	s.fake.FailNextBulk("INTERNAL_SERVER_ERROR")
	err := s.client.FetchAllListings(context.Background(), 0, func([]channel.Listing) error { return nil })
	var transient *channel.TransientError
	if !errors.As(err, &transient) || !strings.Contains(err.Error(), "INTERNAL_SERVER_ERROR") {
		t.Fatalf("failed export gave %v", err)
	}
	s.fake.FailNextBulk("SOMETHING_NEW")
	err = s.client.FetchAllListings(context.Background(), 0, func([]channel.Listing) error { return nil })
	if err == nil || !strings.HasPrefix(err.Error(), "shopify: bulk export: ") || !strings.Contains(err.Error(), "SOMETHING_NEW") {
		t.Fatalf("failed export gave %v", err)
	}
	if all, _ := exportAll(t, s.client, 0); len(all) != 5 {
		t.Fatalf("after failures: %d listings", len(all))
	}
}

func TestBulkExportAccessDenied(t *testing.T) {
	s := newTestShop(t)
	s.fake.Generate(5, 1)
	for _, field := range []string{"productVariants", "bulkOperationRunQuery"} {
		s.fake.DenyAccess(field)
		err := s.client.FetchAllListings(context.Background(), 0, func([]channel.Listing) error { return nil })
		if !errors.Is(err, channel.ErrUnauthorized) {
			t.Fatalf("denied %s gave %v", field, err)
		}
	}
}

func TestBulkDownloadRetriesWithoutTheToken(t *testing.T) {
	var s *testShop
	var mu sync.Mutex
	downloads := 0
	s = newTestShop(t, beforeDownload(func(r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if r.Header.Get("X-Shopify-Access-Token") != "" {
			t.Error("the access token was sent with the file download")
		}
		switch downloads++; downloads {
		case 1:
			s.fake.FailNext(1, http.StatusInternalServerError)
		case 2:
			s.fake.MalformedNext(1) // the body stops halfway
		}
	}))
	s.fake.Generate(50, 2)
	all, _ := exportAll(t, s.client, 0)
	if len(all) != 50 || downloads != 3 {
		t.Fatalf("%d listings after %d downloads", len(all), downloads)
	}
	if w := s.sleeps.Waits(); len(w) != 2 || w[0] != 200*time.Millisecond || w[1] != 400*time.Millisecond {
		t.Fatalf("waits %v", w)
	}
}

func TestBulkLineThatCannotBeRead(t *testing.T) {
	s := newTestShop(t)
	s.fake.Generate(10, 1)
	bad := s.fake.Listings()[4].ID
	s.fake.CutBulkLines(bad)
	all, _ := exportAll(t, s.client, 0)
	if len(all) != 10 {
		t.Fatalf("%d listings", len(all))
	}
	for i, l := range all {
		if (i == 4) != (l.Problem != "") {
			t.Fatalf("listing %d: %+v", i, l)
		}
	}
	if !strings.HasPrefix(all[4].Problem, "the variant could not be read") || !strings.Contains(string(all[4].Raw), bad) {
		t.Fatalf("cut line read as %+v", all[4])
	}
}

func TestBulkExportWaitsForARunningOne(t *testing.T) {
	s := newTestShop(t, withBulkDelay(3*time.Second))
	s.fake.Generate(10, 1)
	if _, err := s.client.startBulkExport(context.Background(), bulkVariantsQuery(s.fake.PrimaryLocation().ID)); err != nil { // another sync's
		t.Fatal(err)
	}
	all, _ := exportAll(t, s.client, 0)
	if len(all) != 10 {
		t.Fatalf("%d listings", len(all))
	}
	if n := s.fake.CallCount("bulkOperationCancel"); n != 0 {
		t.Fatalf("the other export was cancelled")
	}
	var waited time.Duration
	for _, w := range s.sleeps.Waits() {
		waited += w
	}
	// 3 s for the other export, 3 s for ours.
	runs := s.fake.CallCount("bulkOperationRunQuery")
	t.Logf("%d runs, waited %s: %v", runs, waited, s.sleeps.Waits())
	if runs < 3 || waited < 6*time.Second || waited > 8*time.Second {
		t.Fatalf("%d runs, waited %s", runs, waited)
	}
}

func TestBulkExportStopsWhenFnFails(t *testing.T) {
	s := newTestShop(t)
	s.fake.Generate(2500, 1)
	stop := errors.New("stop")
	calls := 0
	err := s.client.FetchAllListings(context.Background(), 1000, func([]channel.Listing) error {
		calls++
		if calls == 2 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || calls != 2 {
		t.Fatalf("got %v after %d calls", err, calls)
	}
}

func TestAbandonedBulkExportIsCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := newTestShop(t, withBulkDelay(time.Hour))
	polls := 0
	s.client.caller = channel.NewCaller(channel.Options{Sleep: func(ctx context.Context, d time.Duration) error {
		if polls++; polls == 3 {
			cancel()
		}
		return s.sleeps.Sleep(ctx, d)
	}, Addresses: channel.AddressPolicy{Sandbox: true}})
	s.fake.Generate(5, 1)
	err := s.client.FetchAllListings(ctx, 0, func([]channel.Listing) error { return nil })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
	if n := s.fake.CallCount("bulkOperationCancel"); n != 1 {
		t.Fatalf("%d cancels", n)
	}
	// The slot is free again.
	if _, err := s.client.startBulkExport(context.Background(), bulkVariantsQuery(s.fake.PrimaryLocation().ID)); err != nil {
		t.Fatal(err)
	}
}

func TestReadRange(t *testing.T) {
	whole := &channel.Response{Status: 200, Body: []byte("abcdef")}
	if p, err := readRange(whole, 2); err != nil || string(p.body) != "cdef" || !p.last {
		t.Fatalf("a server ignoring Range: %q %v", p.body, err)
	}
	part := &channel.Response{Status: 206, Header: http.Header{"Content-Range": {"bytes 4-6/10"}}, Body: []byte("efg")}
	if p, err := readRange(part, 4); err != nil || string(p.body) != "efg" || p.last {
		t.Fatalf("a middle range: %q %v", p.body, err)
	}
	part.Body = []byte("ef")
	if _, err := readRange(part, 4); err == nil {
		t.Fatal("a short range was accepted")
	}
	part.Body = []byte("efg")
	if _, err := readRange(part, 0); err == nil {
		t.Fatal("the wrong range was accepted")
	}
	part.Header.Set("Content-Range", "bytes 4-6/7")
	if p, _ := readRange(part, 4); !p.last {
		t.Fatal("the last range was not recognised")
	}
}

func TestSlotTakenInEveryWording(t *testing.T) {
	for _, e := range []bulkUserError{
		{Code: "OPERATION_IN_PROGRESS", Message: "A bulk operation is already in progress."},
		{Code: "LIMIT_REACHED", Message: "Bulk operations limit reached. Please try again later."},
		{Message: "A bulk query operation for this app and shop is already in progress: gid://shopify/BulkOperation/1."},
	} {
		if !slotTaken(e) {
			t.Errorf("%+v not recognised", e)
		}
	}
	if slotTaken(bulkUserError{Code: "INVALID", Message: "Invalid bulk query"}) {
		t.Error("an invalid query taken for a busy slot")
	}
}

func TestRefusedBulkQuery(t *testing.T) {
	s := newTestShop(t)
	_, err := s.client.startBulkExport(context.Background(), `{ productVariants { nodes { id colour } } }`)
	if err == nil || !strings.HasPrefix(err.Error(), "shopify: starting the bulk export: Shopify refused the bulk query: ") ||
		!strings.Contains(err.Error(), "colour") || !strings.HasSuffix(err.Error(), "(INVALID)") {
		t.Fatalf("got %v", err)
	}
}

func TestThrottledBulkCallsAreWaitedOut(t *testing.T) {
	s := newTestShop(t, withBulkDelay(time.Second))
	s.fake.Generate(3, 1)
	s.knowLocation(t)
	s.fake.ThrottleNext(2)
	if all, _ := exportAll(t, s.client, 0); len(all) != 3 {
		t.Fatalf("%d listings", len(all))
	}
	// Twice the 10 points of the mutation at 100 a second, then the poll
	// backoff until the export's second has passed.
	want := []time.Duration{100 * time.Millisecond, 100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond}
	if got := s.sleeps.Waits(); !slices.Equal(got, want) {
		t.Fatalf("waits %v, want %v", got, want)
	}
}
