package woocommerce

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"stocksync/internal/channel"
	"stocksync/internal/channel/internal/testkit"
	"stocksync/internal/channel/woocommerce/fake"
)

func fetchAll(t *testing.T, c *Client, since time.Time) ([]channel.Listing, int) {
	t.Helper()
	return testkit.FetchAll(t, c, since)
}

func TestPagingThroughTheCatalogue(t *testing.T) {
	s := newTestStore(t)
	s.fake.Generate(600, 7)
	all, pages := fetchAll(t, s.client, time.Time{})
	if len(all) != 600 {
		t.Fatalf("%d listings, want 600", len(all))
	}
	products := s.fake.Products()
	if want := (len(products) + 99) / 100; pages != want {
		t.Fatalf("%d pages for %d products", pages, len(products))
	}
	seen := map[string]bool{}
	variations := 0
	for _, l := range all {
		if seen[l.ExternalID] || l.Quantity == nil || l.Problem != "" {
			t.Fatalf("bad or repeated listing %+v", l)
		}
		seen[l.ExternalID] = true
		if strings.Contains(l.ExternalID, "/") {
			variations++
			if q, _ := s.fake.Quantity(l.ExternalID); q != *l.Quantity {
				t.Fatalf("%s: quantity %d, fake has %d", l.ExternalID, *l.Quantity, q)
			}
		}
	}
	if variations == 0 || s.fake.CallCount("GET /products/{id}/variations") == 0 {
		t.Fatal("no variable products were expanded")
	}
	for _, c := range s.fake.Calls() {
		if strings.Contains(c.Query, "per_page=100") == false {
			t.Fatalf("call without per_page=100: %+v", c)
		}
	}
}

func TestManyVariationsArePaged(t *testing.T) {
	s := newTestStore(t)
	p := fake.Product{Name: "Poster", Type: "variable"}
	for i := range 150 {
		q := i
		p.Variations = append(p.Variations, fake.Variation{SKU: fmt.Sprint("P-", i), Price: "5", ManageStock: true, StockQuantity: &q,
			Attributes: []fake.Attribute{{Name: "Design", Option: fmt.Sprint("No. ", i)}}})
	}
	s.fake.AddListing(p)
	all, _ := fetchAll(t, s.client, time.Time{})
	if len(all) != 150 || s.fake.CallCount("GET /products/{id}/variations") != 2 || all[149].Name != "Poster - No. 149" {
		t.Fatalf("%d listings in %d variation calls; last %+v", len(all), s.fake.CallCount("GET /products/{id}/variations"), all[len(all)-1])
	}
}

func TestListingsSinceOnlyReturnsChanges(t *testing.T) {
	s := newTestStore(t)
	old := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s.fake.AddListing(fake.Product{Name: "Old", Price: "1", DateModified: old})
	fresh := s.fake.AddListing(fake.Product{Name: "Fresh", Price: "2", DateModified: old.Add(48 * time.Hour)})
	all, _ := fetchAll(t, s.client, old.Add(time.Hour))
	if len(all) != 1 || all[0].ExternalID != fmt.Sprint(fresh.ID) {
		t.Fatalf("got %+v", all)
	}
}

func TestBrokenPriceArrivesAsSent(t *testing.T) {
	s := newTestStore(t)
	p := s.fake.AddListing(fake.Product{Name: "Odd", Price: "3"})
	s.fake.SetBrokenField(fmt.Sprint(p.ID))
	if all, _ := fetchAll(t, s.client, time.Time{}); all[0].Price != "abc" {
		t.Fatalf("price %q", all[0].Price)
	}
}

func TestTooManyRequestsHonoursRetryAfter(t *testing.T) {
	s := newTestStore(t, func(f *fake.Options, _ *channel.Options) { f.RetryAfter = 1500 * time.Millisecond })
	s.fake.Generate(5, 1)
	s.fake.ThrottleNext(2)
	if all, _ := fetchAll(t, s.client, time.Time{}); len(all) != 5 {
		t.Fatalf("%d listings", len(all))
	}
	if w := s.sleeps.Waits(); fmt.Sprint(w) != "[1.5s 1.5s]" {
		t.Fatalf("waits %v, want the 1.5 s Retry-After twice", w)
	}
}

func TestHostRateLimitEveryFewRequests(t *testing.T) {
	s := newTestStore(t, func(f *fake.Options, _ *channel.Options) { f.ThrottleEvery = 3 })
	s.fake.Generate(400, 2)
	if all, _ := fetchAll(t, s.client, time.Time{}); len(all) != 400 {
		t.Fatalf("%d listings", len(all))
	}
	if len(s.sleeps.Waits()) == 0 {
		t.Fatal("no 429 was met")
	}
}

func TestServerErrorsThenSuccessAndUntilTransient(t *testing.T) {
	s := newTestStore(t)
	s.fake.Generate(5, 1)
	s.fake.FailNext(2, 500)
	if all, _ := fetchAll(t, s.client, time.Time{}); len(all) != 5 {
		t.Fatalf("%d listings", len(all))
	}
	if w := s.sleeps.Waits(); fmt.Sprint(w) != "[200ms 400ms]" {
		t.Fatalf("waits %v", w)
	}
	s.fake.FailNext(100, 503)
	_, err := s.client.FetchOrders(context.Background(), time.Time{}, "")
	var transient *channel.TransientError
	if !errors.As(err, &transient) || transient.Attempts != 5 || !strings.Contains(err.Error(), "woocommerce: orders page 1: HTTP 503") ||
		!strings.Contains(err.Error(), "There has been a critical error on this website.") {
		t.Fatalf("got %v", err)
	}
}

func TestTimeoutsBecomeTransient(t *testing.T) {
	s := newTestStore(t, withClientTimeout(30*time.Millisecond), func(_ *fake.Options, o *channel.Options) { o.MaxRetries = 1 })
	s.fake.TimeoutNext(2)
	_, err := s.client.FetchListings(context.Background(), time.Time{}, "")
	var transient *channel.TransientError
	if !errors.As(err, &transient) || transient.Attempts != 2 {
		t.Fatalf("got %v", err)
	}
}

func TestMalformedAnswer(t *testing.T) {
	s := newTestStore(t)
	s.fake.Generate(5, 1)
	s.fake.MalformedNext(1)
	_, err := s.client.FetchListings(context.Background(), time.Time{}, "")
	var malformed *channel.MalformedError
	if !errors.As(err, &malformed) || !strings.HasPrefix(err.Error(), "woocommerce: products page 1: unexpected end of JSON input") {
		t.Fatalf("got %v", err)
	}
}

func TestRejectedKeys(t *testing.T) {
	s := newTestStore(t)
	creds := credsFor(s.fake.URL())
	creds["consumer_secret"] = "cs_wrongwrongwrong"
	c, err := New(creds, sandbox)
	if err != nil {
		t.Fatal(err)
	}
	err = c.Verify(context.Background())
	if !errors.Is(err, channel.ErrUnauthorized) || strings.Contains(err.Error(), "cs_wrong") || strings.Contains(err.Error(), fake.DefaultConsumerKey) {
		t.Fatalf("got %v", err)
	}
	_, err = c.SetQuantities(context.Background(), []channel.QuantityUpdate{{ExternalID: "1", Quantity: 1}}, "")
	if !errors.Is(err, channel.ErrUnauthorized) {
		t.Fatalf("push with rejected keys: %v", err)
	}
	if err := s.client.Verify(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestVerifyNamesAMissingAPI(t *testing.T) {
	s := newTestStore(t)
	c, _ := New(credsFor(s.fake.URL()+"/not-wordpress"), sandbox)
	if err := c.Verify(context.Background()); err == nil || !strings.Contains(err.Error(), "check the Store URL") {
		t.Fatalf("got %v", err)
	}
}

func TestNewChecksCredentials(t *testing.T) {
	kind, ok := channel.Lookup("woocommerce")
	if !ok {
		t.Fatal("woocommerce is not registered")
	}
	for creds, want := range map[[3]string]string{
		{"https://shop.example.com", "", ""}:                 "Consumer key and Consumer secret are required",
		{"https://shop.example.com", "abc", "cs_1"}:          "Consumer key should start with ck_",
		{"https://shop.example.com", "ck_1", "cs_1 2"}:       "Consumer secret should start with cs_",
		{"http://shop.example.com", "ck_1", "cs_1"}:          "https://",
		{"shop.example.com/wordpress", "ck_1", "cs_secret1"}: "",
	} {
		c, err := kind.New(map[string]string{"site_url": creds[0], "consumer_key": creds[1], "consumer_secret": creds[2]}, channel.Options{})
		if want == "" {
			if err != nil || c.(interface{ Unwrap() channel.Connector }).Unwrap().(*Client).base != "https://shop.example.com/wordpress/wp-json/wc/v3" {
				t.Errorf("%v: %v", creds, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "cs_1") {
			t.Errorf("%v: error %v, want %q", creds, err, want)
		}
	}
}

func TestKindNewReturnsAnUntypedNilOnError(t *testing.T) {
	kind, _ := channel.Lookup("woocommerce")
	if c, err := kind.New(nil, channel.Options{}); err == nil || c != nil {
		t.Fatalf("got %v, %v", c, err)
	}
}

// notWooCommerce answers like a web server that is not WooCommerce: the
// page asked for, or any other path, is answered by answer.
func notWooCommerce(t *testing.T, answer http.HandlerFunc) string {
	srv := httptest.NewServer(answer)
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestVerifyRefusesWhatIsNotTheRESTAPI(t *testing.T) {
	htmlPage := func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte("<!doctype html><title>Sign in</title>"))
	}
	for name, tc := range map[string]struct {
		answer http.HandlerFunc
		want   string
	}{
		"HTML page": {htmlPage, "answered with an HTML page, not the WooCommerce REST API: check the Store URL"},
		"redirect to a login page": {func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/login" {
				htmlPage(w, r)
				return
			}
			http.Redirect(w, r, "/login", http.StatusSeeOther)
		}, "an HTML page (after a redirect to /login)"},
		"JSON of another shape": {func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"status":"ok"}`))
		}, "JSON that is not a list of products"},
		"a list without ids": {func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`[{"name":"x"}]`))
		}, "JSON that is not a list of products"},
		"a web server's own 401": {func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte("<h1>401</h1>"))
		}, "an HTML page (HTTP 401)"},
	} {
		c, err := New(credsFor(notWooCommerce(t, tc.answer)), sandbox)
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
	s := newTestStore(t)
	away := notWooCommerce(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, s.fake.URL()+r.URL.RequestURI(), http.StatusMovedPermanently)
	})
	c, _ := New(credsFor(away), sandbox)
	var redirect *channel.RedirectError
	if err := c.Verify(context.Background()); !errors.As(err, &redirect) {
		t.Fatalf("got %v", err)
	}
	if n := len(s.fake.Calls()); n != 0 {
		t.Fatalf("the keys were sent on to the other host (%d calls)", n)
	}
}
