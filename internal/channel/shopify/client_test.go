package shopify

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"stocksync/internal/channel"
	"stocksync/internal/channel/internal/testkit"
	"stocksync/internal/channel/shopify/fake"
)

func fetchAll(t *testing.T, c *Client, since time.Time) ([]channel.Listing, int) {
	t.Helper()
	return testkit.FetchAll(t, c, since)
}

func TestPagingThroughTheCatalogueWaitsOutTheBucket(t *testing.T) {
	s := newTestShop(t)
	s.fake.Generate(1000, 7)
	all, pages := fetchAll(t, s.client, time.Time{})
	if want := (1000 + variantsPageSize - 1) / variantsPageSize; len(all) != 1000 || pages != want {
		t.Fatalf("%d listings in %d pages, want 1000 in %d", len(all), pages, want)
	}
	seen := map[string]bool{}
	for _, l := range all {
		if seen[l.ExternalID] || l.Quantity == nil || l.InventoryRef == "" || l.Price == "" {
			t.Fatalf("bad or repeated listing %+v", l)
		}
		seen[l.ExternalID] = true
	}
	// A page asks for 752 points (a variant costs 5 with its product and
	// its level at the managed location), and the location lookup 1. Two
	// pages leave 495 of 2000 points; the third must wait for the 257 it
	// lacks, each later one for all 752, at 100 points a second.
	want := []time.Duration{2570 * time.Millisecond, 7520 * time.Millisecond, 7520 * time.Millisecond, 7520 * time.Millisecond, 7520 * time.Millisecond}
	if w := s.sleeps.Waits(); !slices.Equal(w, want) {
		t.Fatalf("waits %v, want %v", w, want)
	}
}

func TestListingsSinceOnlyReturnsChanges(t *testing.T) {
	s := newTestShop(t)
	old := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s.fake.AddListing(fake.Listing{ProductTitle: "Old", SKU: "OLD", Price: "1.00", UpdatedAt: old})
	changed := s.fake.AddListing(fake.Listing{ProductTitle: "Shirt", Title: "Red / M", SKU: "NEW", Price: "2.00", UpdatedAt: old.Add(48 * time.Hour)})
	s.fake.AddListing(fake.Listing{ProductTitle: "Tag", Price: "3.00", Untracked: true, UpdatedAt: old.Add(72 * time.Hour)})
	all, _ := fetchAll(t, s.client, old.Add(time.Hour))
	if len(all) != 2 || all[0].ExternalID != changed.ID {
		t.Fatalf("got %+v", all)
	}
	if all[0].Name != "Shirt - Red / M" || all[1].Name != "Tag" || all[1].Quantity != nil {
		t.Fatalf("names or quantities wrong: %+v", all)
	}
}

func TestBrokenPriceArrivesAsSent(t *testing.T) {
	s := newTestShop(t)
	l := s.fake.AddListing(fake.Listing{ProductTitle: "Odd", Price: "9.99"})
	s.fake.SetBrokenField(l.ID)
	all, _ := fetchAll(t, s.client, time.Time{})
	if all[0].Price != "abc" {
		t.Fatalf("price %q, want abc for the importer to reject", all[0].Price)
	}
}

func TestThrottledAnswersAreWaitedOut(t *testing.T) {
	s := newTestShop(t)
	s.fake.Generate(10, 1)
	s.knowLocation(t)
	s.fake.ThrottleNext(2)
	all, _ := fetchAll(t, s.client, time.Time{})
	if len(all) != 10 {
		t.Fatalf("%d listings", len(all))
	}
	// The fake reports an empty bucket: 752 points at 100 a second.
	if w := s.sleeps.Waits(); len(w) != 2 || w[0] != 7520*time.Millisecond || w[1] != 7520*time.Millisecond {
		t.Fatalf("waits %v, want two of 7.52s", w)
	}
}

func TestServerErrorsThenSuccess(t *testing.T) {
	s := newTestShop(t)
	s.fake.Generate(5, 1)
	s.knowLocation(t)
	s.fake.FailNext(2, 503)
	all, _ := fetchAll(t, s.client, time.Time{})
	if len(all) != 5 {
		t.Fatalf("%d listings", len(all))
	}
	if w := s.sleeps.Waits(); len(w) != 2 || w[0] != 200*time.Millisecond || w[1] != 400*time.Millisecond {
		t.Fatalf("waits %v", w)
	}
}

func TestServerErrorsUntilTransient(t *testing.T) {
	s := newTestShop(t)
	s.knowLocation(t)
	s.fake.FailNext(100, 502)
	_, err := s.client.FetchListings(context.Background(), time.Time{}, "")
	var transient *channel.TransientError
	if !errors.As(err, &transient) || transient.Attempts != 5 || !strings.Contains(err.Error(), "shopify: productVariants page: HTTP 502") {
		t.Fatalf("got %v", err)
	}
	if n := s.fake.CallCount("productVariants"); n != 5 {
		t.Fatalf("%d calls, want 5", n)
	}
}

func TestTimeoutsBecomeTransient(t *testing.T) {
	s := newTestShop(t, withClientTimeout(30*time.Millisecond), func(_ *fake.Options, o *channel.Options) { o.MaxRetries = 1 })
	s.knowLocation(t)
	s.fake.TimeoutNext(2)
	_, err := s.client.FetchListings(context.Background(), time.Time{}, "")
	var transient *channel.TransientError
	if !errors.As(err, &transient) || transient.Attempts != 2 {
		t.Fatalf("got %v", err)
	}
	// The hang is over: the next call goes through.
	if _, err := s.client.FetchListings(context.Background(), time.Time{}, ""); err != nil {
		t.Fatal(err)
	}
}

func TestSlowAnswersStillArrive(t *testing.T) {
	s := newTestShop(t)
	s.fake.Generate(3, 1)
	s.fake.Slow(20 * time.Millisecond)
	if all, _ := fetchAll(t, s.client, time.Time{}); len(all) != 3 {
		t.Fatalf("%d listings", len(all))
	}
}

func TestMalformedAnswer(t *testing.T) {
	s := newTestShop(t)
	s.fake.Generate(3, 1)
	s.knowLocation(t)
	s.fake.MalformedNext(1)
	_, err := s.client.FetchListings(context.Background(), time.Time{}, "")
	var malformed *channel.MalformedError
	if !errors.As(err, &malformed) || !strings.HasPrefix(err.Error(), "shopify: productVariants page: unexpected end of JSON input") {
		t.Fatalf("got %v", err)
	}
}

func TestRejectedTokenAndMissingScope(t *testing.T) {
	s := newTestShop(t)
	c, err := New(map[string]string{"shop_url": s.fake.URL(), "access_token": "shpat_wrong"}, sandbox)
	if err != nil {
		t.Fatal(err)
	}
	err = c.Verify(context.Background())
	if !errors.Is(err, channel.ErrUnauthorized) || strings.Contains(err.Error(), "shpat_wrong") {
		t.Fatalf("wrong token gave %v", err)
	}
	if err := s.client.Verify(context.Background()); err != nil {
		t.Fatalf("right token: %v", err)
	}
	s.fake.DenyAccess("orders")
	if _, err := s.client.FetchOrders(context.Background(), time.Time{}, ""); !errors.Is(err, channel.ErrUnauthorized) {
		t.Fatalf("denied orders gave %v", err)
	}
}

func TestNewChecksCredentials(t *testing.T) {
	kind, ok := channel.Lookup("shopify")
	if !ok {
		t.Fatal("shopify is not registered")
	}
	_, err := kind.New(map[string]string{"shop_url": "https://acme.myshopify.com"}, channel.Options{})
	if err == nil || err.Error() != "shopify: Admin API access token is required" {
		t.Fatalf("got %v", err)
	}
	_, err = kind.New(map[string]string{"shop_url": "http://acme.myshopify.com", "access_token": "shpat_x"}, channel.Options{})
	if err == nil || !strings.Contains(err.Error(), "https://") {
		t.Fatalf("plain http accepted: %v", err)
	}
	_, err = kind.New(map[string]string{"shop_url": "acme.myshopify.com", "access_token": "shpat x"}, channel.Options{})
	if err == nil || strings.Contains(err.Error(), "shpat") {
		t.Fatalf("token with a space: %v", err)
	}
	c, err := kind.New(map[string]string{"shop_url": "acme.myshopify.com", "access_token": "shpat_x"}, channel.Options{})
	if err != nil || c.Limits() != (channel.Limits{PageSize: 150, QuantityBatchSize: 250}) {
		t.Fatalf("got %v, %v", c, err)
	}
}

func TestKindNewReturnsAnUntypedNilOnError(t *testing.T) {
	kind, _ := channel.Lookup("shopify")
	if c, err := kind.New(nil, channel.Options{}); err == nil || c != nil {
		t.Fatalf("got %v, %v", c, err)
	}
}

func notShopify(t *testing.T, answer http.HandlerFunc) map[string]string {
	srv := httptest.NewServer(answer)
	t.Cleanup(srv.Close)
	return map[string]string{"shop_url": srv.URL, "access_token": "shpat_x"}
}

func TestVerifyRefusesWhatIsNotTheAdminAPI(t *testing.T) {
	jsonAnswer := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(body))
		}
	}
	for name, tc := range map[string]struct {
		answer http.HandlerFunc
		want   string
	}{
		"HTML page": {func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte("<!doctype html><p>Welcome"))
		}, "answered with an HTML page, not Shopify's Admin API: check the Shop URL"},
		"redirect to a login page": {func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/login" {
				http.Redirect(w, r, "/login", http.StatusFound)
				return
			}
			w.Write([]byte("<html>sign in</html>"))
		}, "an HTML page (after a redirect to /login)"},
		"JSON that is not GraphQL": {jsonAnswer(`{"status":"ok"}`), "JSON that is not an answer to a GraphQL query"},
		"JSON of a list":           {jsonAnswer(`[1,2]`), "JSON that is not an answer to a GraphQL query"},
		"GraphQL without a shop":   {jsonAnswer(`{"data":{"viewer":{"login":"x"}}}`), "JSON without the shop"},
	} {
		c, err := New(notShopify(t, tc.answer), sandbox)
		if err != nil {
			t.Fatal(err)
		}
		err = c.Verify(context.Background())
		var notAPI *channel.NotAPIError
		if !errors.As(err, &notAPI) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", name, err, tc.want)
		}
	}
}

func TestVerifyRefusesARedirectToAnotherHost(t *testing.T) {
	s := newTestShop(t)
	c, _ := New(notShopify(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, s.fake.URL()+r.URL.RequestURI(), http.StatusTemporaryRedirect)
	}), sandbox)
	var redirect *channel.RedirectError
	if err := c.Verify(context.Background()); !errors.As(err, &redirect) {
		t.Fatalf("got %v", err)
	}
	if n := len(s.fake.Calls()); n != 0 {
		t.Fatalf("the token was sent on to the other host (%d calls)", n)
	}
}
