package ebay

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"stocksync/internal/channel"
	"stocksync/internal/channel/ebay/fake"
	"stocksync/internal/channel/internal/testkit"
)

func TestNewChecksTheCredentials(t *testing.T) {
	good := map[string]string{"client_id": "App-1", "client_secret": "s", "refresh_token": "r", "marketplace": "ebay_gb"}
	c, err := New(good, channel.Options{})
	if err != nil || c.base != productionAPI || c.marketplace != "EBAY_GB" || c.language != "en-GB" {
		t.Fatalf("%v %+v", err, c)
	}
	for field, want := range map[string]string{"marketplace": "not one eBay lists", "refresh_token": "Refresh token is required", "api_url": "https://"} {
		bad := map[string]string{}
		for k, v := range good {
			bad[k] = v
		}
		bad[field] = map[string]string{"marketplace": "EBAY_MARS", "refresh_token": " ", "api_url": "http://api.example.com"}[field]
		if _, err := New(bad, channel.Options{}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", field, err, want)
		}
	}
	// The loopback fake is refused outside the sandbox.
	if _, err := New(map[string]string{"client_id": "a", "client_secret": "b", "refresh_token": "c", "marketplace": "EBAY_US", "api_url": "http://127.0.0.1:9"}, channel.Options{}); !errors.Is(err, channel.ErrUnreachable) {
		t.Fatalf("loopback allowed: %v", err)
	}
}

func TestVerify(t *testing.T) {
	a := newTestAccount(t)
	if err := a.client.Verify(context.Background()); err != nil {
		t.Fatal(err)
	}
	if a.fake.TokenCalls() != 1 || a.fake.CallCount("GET "+fake.InventoryPath+"/inventory_item") != 1 {
		t.Fatalf("calls %v", a.fake.Calls())
	}
	creds := a.fake.Credentials()
	creds["refresh_token"] = "v^1.1#revoked"
	c, _ := New(creds, channel.Options{Addresses: channel.AddressPolicy{Sandbox: true}})
	err := c.Verify(context.Background())
	if !errors.Is(err, channel.ErrUnauthorized) || !strings.Contains(err.Error(), "eBay refused the refresh token") || strings.Contains(err.Error(), "revoked") {
		t.Fatalf("revoked refresh token: %v", err)
	}
	creds = a.fake.Credentials()
	creds["client_secret"] = "PRD-wrong"
	c, _ = New(creds, channel.Options{Addresses: channel.AddressPolicy{Sandbox: true}})
	if err := c.Verify(context.Background()); !errors.Is(err, channel.ErrUnauthorized) || !strings.Contains(err.Error(), "invalid_client") {
		t.Fatalf("wrong secret: %v", err)
	}
	// A web page at the address is not eBay.
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<html>parked</html>"))
	}))
	defer page.Close()
	creds["api_url"], creds["client_secret"] = page.URL, fake.DefaultClientSecret
	c, _ = New(creds, channel.Options{Addresses: channel.AddressPolicy{Sandbox: true}})
	var notAPI *channel.NotAPIError
	if err := c.Verify(context.Background()); !errors.As(err, &notAPI) || notAPI.Field != "API address" {
		t.Fatalf("HTML page: %v", err)
	}
}

func TestTokenIsSharedRefreshedBeforeExpiryAndAfterRevocation(t *testing.T) {
	a := newTestAccount(t, func(o *fake.Options, _ *channel.Options) { o.TokenLifetime = time.Hour })
	a.fake.Generate(30, 1)
	ctx := context.Background()
	// Connectors are built per job: many at once share one token, minted once.
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := New(a.fake.Credentials(), a.opts)
			if err == nil {
				err = c.Verify(ctx)
			}
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := a.fake.TokenCalls(); n != 1 {
		t.Fatalf("%d token grants for 8 connectors, want 1", n)
	}
	// Five minutes before the hour is up, the token is replaced first.
	a.clock.Advance(54 * time.Minute)
	if err := a.client.Verify(ctx); err != nil || a.fake.TokenCalls() != 1 {
		t.Fatalf("early refresh: %v %d", err, a.fake.TokenCalls())
	}
	a.clock.Advance(2 * time.Minute)
	if err := a.client.Verify(ctx); err != nil || a.fake.TokenCalls() != 2 {
		t.Fatalf("refresh before expiry: %v %d", err, a.fake.TokenCalls())
	}
	// eBay revokes the token in the middle of a catalogue read: the
	// client mints another and carries on.
	page, err := a.client.FetchListings(ctx, time.Time{}, "")
	if err != nil || len(page.Listings) != 30 {
		t.Fatal(err, len(page.Listings))
	}
	a.fake.ExpireTokens()
	page, err = a.client.FetchListings(ctx, time.Time{}, "")
	if err != nil || len(page.Listings) != 30 || a.fake.TokenCalls() != 3 {
		t.Fatalf("after revocation: %v %d listings, %d grants", err, len(page.Listings), a.fake.TokenCalls())
	}
	for _, c := range a.fake.Calls() {
		if strings.Contains(c.Query, "refresh_token") || strings.Contains(c.Query, fake.DefaultClientSecret) {
			t.Fatalf("a secret travels in a URL: %+v", c)
		}
	}
}

func TestFetchListingsPagesAndMapsOffers(t *testing.T) {
	a := newTestAccount(t)
	a.fake.Generate(450, 2)
	a.fake.AddItem(fake.Item{SKU: "MULTI", Title: "Two markets", Quantity: 9, Offers: []fake.Offer{
		{Price: "10.00", AvailableQuantity: intp(4)},
		{MarketplaceID: "EBAY_GB", Price: "8.00", Currency: "GBP"},
	}})
	a.fake.AddItem(fake.Item{SKU: "DRAFT", Title: "Not listed yet", Quantity: 2, Offers: []fake.Offer{{Price: "5.00", Status: "UNPUBLISHED"}}})
	a.fake.AddItem(fake.Item{SKU: "NOOFFER", Title: "No offer", Quantity: 2})
	a.fake.AddItem(fake.Item{Raw: []byte(`{"product":{"title":"Lost its SKU"}}`)})
	a.fake.AddItem(fake.Item{Raw: []byte(`{"sku":42,"product":{"title":"A number for a SKU"}}`)})
	a.fake.AddItem(fake.Item{SKU: "WORDS", Offers: []fake.Offer{{Price: "3.00"}}, Raw: []byte(`{"sku":"WORDS","product":{"title":"Wordy"},"availability":{"shipToLocationAvailability":{"quantity":"lots"}}}`)})
	all, pages := testkit.FetchAll(t, a.client, time.Time{})
	if pages != 3 || len(all) != 450+1+1+1+1+1+1 {
		t.Fatalf("%d listings in %d pages", len(all), pages)
	}
	by := map[string]channel.Listing{}
	for _, l := range all {
		by[l.ExternalID] = l
	}
	// The channel is EBAY_US: the SKU's offer on EBAY_GB belongs to another.
	us := by["EBAY_US:MULTI"]
	if _, gb := by["EBAY_GB:MULTI"]; gb || us.Price != "10.00" || *us.Quantity != 4 || us.NotForSale || us.ProductID == "" {
		t.Fatalf("two markets: %+v %v", us, by)
	}
	ref, ok := parseRef(us.InventoryRef)
	if !ok || ref.SKU != "MULTI" || len(ref.Offers) != 1 || ref.Listing != us.ProductID {
		t.Fatalf("ref %q", us.InventoryRef)
	}
	if !by["EBAY_US:DRAFT"].NotForSale || !by["EBAY_US:NOOFFER"].NotForSale {
		t.Fatal("unpublished or offerless items taken as for sale")
	}
	if w := by["EBAY_US:WORDS"]; w.Problem == "" || w.Quantity != nil {
		t.Fatalf("quantity in words: %+v", w)
	}
	var noSKU, unreadable int
	for _, l := range all {
		switch {
		case l.ExternalID != "":
		case l.Problem == "the inventory item has no SKU" && l.Name == "Lost its SKU":
			noSKU++
		case strings.HasPrefix(l.Problem, "the inventory item could not be read: json: cannot unmarshal number"):
			unreadable++
		}
	}
	if noSKU != 1 || unreadable != 1 {
		t.Fatalf("%d without SKU, %d unreadable", noSKU, unreadable)
	}
	// One a SKU, but for DRAFT and NOOFFER: the full sync's new report
	// names no listing of theirs, so they are not for sale, unread.
	if n := a.fake.CallCount("GET " + fake.InventoryPath + "/offer"); n != 452 {
		t.Fatalf("%d offer reads, want one per SKU with a live listing", n)
	}
}

func TestThrottlingAndFaultsAreWaitedOutOrNamed(t *testing.T) {
	a := newTestAccount(t)
	a.fake.Generate(5, 3)
	ctx := context.Background()
	a.fake.ThrottleNext(3)
	if _, err := a.client.FetchListings(ctx, time.Time{}, ""); err != nil {
		t.Fatal(err)
	}
	// Three throttled calls waited out, then the report's two polls.
	if w := a.sleeps.Waits(); len(w) != 5 || w[0] != time.Second || w[2] != time.Second || w[3] != 250*time.Millisecond {
		t.Fatalf("waits %v", w)
	}
	// The token is minted first, so the next fault falls on an API call.
	if err := a.client.Verify(ctx); err != nil {
		t.Fatal(err)
	}
	// An incremental sync's first call, the list of reports, is cut short.
	a.fake.MalformedNext(1)
	var bad *channel.MalformedError
	if _, err := a.client.FetchListings(ctx, time.Now(), ""); !errors.As(err, &bad) {
		t.Fatalf("cut page: %v", err)
	}
	a.fake.FailNext(10, 500)
	var transient *channel.TransientError
	if _, err := a.client.FetchListings(ctx, time.Time{}, ""); !errors.As(err, &transient) || !strings.Contains(err.Error(), "eBay error 25001") {
		t.Fatalf("server errors: %v", err)
	}
}
