package amazon

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"stocksync/internal/channel"
	"stocksync/internal/channel/amazon/fake"
	"stocksync/internal/channel/internal/testkit"
)

func TestTokenIsSharedByConnectorsAndRefreshedBeforeItExpires(t *testing.T) {
	ts := newTestSeller(t)
	ts.fake.Generate(30, 1)
	ctx := context.Background()
	for range 3 {
		// A connector per job, as the sync builds them.
		if _, err := ts.newClient(t, ts.fake.Credentials()).FetchListings(ctx, time.Time{}, ""); err != nil {
			t.Fatal(err)
		}
	}
	if n := ts.fake.TokensMinted(); n != 1 {
		t.Fatalf("%d tokens minted for three connectors, want 1", n)
	}
	ts.clock.Advance(56 * time.Minute) // inside the five minutes before expiry
	if _, err := ts.client.FetchListings(ctx, time.Time{}, ""); err != nil {
		t.Fatal(err)
	}
	if n := ts.fake.TokensMinted(); n != 2 {
		t.Fatalf("%d tokens minted, want a second one before the first expired", n)
	}
	for _, c := range ts.fake.Calls() {
		if strings.Contains(c.Query, "Atza") || strings.Contains(c.Query, "Atzr") {
			t.Fatal("a token travelled in a query")
		}
	}
}

func TestTokenExpiringMidSyncIsRefreshedOnce(t *testing.T) {
	ts := newTestSeller(t)
	ts.fake.Generate(200, 1)
	ctx := context.Background()
	cursor, seen := "", 0
	for page := 0; ; page++ {
		if page == 3 {
			ts.fake.ExpireTokens() // Amazon ends the token early
		}
		p, err := ts.client.FetchListings(ctx, time.Time{}, cursor)
		if err != nil {
			t.Fatal(err)
		}
		seen += len(p.Listings)
		if !p.HasMore {
			break
		}
		cursor = p.NextCursor
	}
	if seen != 200 || ts.fake.TokensMinted() != 2 {
		t.Fatalf("%d listings with %d tokens minted, want 200 with 2", seen, ts.fake.TokensMinted())
	}
}

func TestConcurrentConnectorsRefreshOneAtATime(t *testing.T) {
	ts := newTestSeller(t)
	ts.fake.Generate(5, 1)
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			_, err := ts.newClient(t, ts.fake.Credentials()).FetchListings(context.Background(), time.Time{}, "")
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if n := ts.fake.TokensMinted(); n != 1 {
		t.Fatalf("%d tokens minted by 8 concurrent connectors, want 1", n)
	}
}

func TestVerifyNamesTheProblem(t *testing.T) {
	ts := newTestSeller(t)
	ctx := context.Background()
	if err := ts.client.Verify(ctx); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		change func(map[string]string)
		want   string
	}{
		{"unknown seller", func(c map[string]string) { c["seller_id"] = "A9OTHERSELLER" }, "check the Seller ID"},
		{"wrong secret", func(c map[string]string) { c["client_secret"] = "nope" }, "client ID or client secret is wrong"},
		{"foreign marketplace", func(c map[string]string) { c["marketplace_ids"] = "A2EUQ1WTGCTBG2" }, "check the Marketplace IDs"},
	}
	for _, tc := range cases {
		creds := ts.fake.Credentials()
		tc.change(creds)
		err := ts.newClient(t, creds).Verify(ctx)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Fatalf("%s: %v", tc.name, err)
		}
	}
	ts.fake.RevokeRefreshToken()
	creds := ts.fake.Credentials()
	creds["refresh_token"] = "Atzr|another"
	err := ts.newClient(t, creds).Verify(ctx)
	if !errors.Is(err, channel.ErrUnauthorized) || !strings.Contains(err.Error(), "refresh token was revoked") {
		t.Fatalf("revoked: %v", err)
	}
	if strings.Contains(err.Error(), "Atzr|") || strings.Contains(err.Error(), fake.DefaultClientSecret) {
		t.Fatal("the error shows a secret")
	}
}

func TestNewRefusesAMarketplaceOfAnotherRegion(t *testing.T) {
	creds := map[string]string{"region": "EU", "seller_id": "A1", "marketplace_ids": "ATVPDKIKX0DER", "client_id": "x", "client_secret": "y", "refresh_token": "z"}
	_, err := New(creds, channel.Options{})
	if err == nil || !strings.Contains(err.Error(), "belongs to the NA region, not EU") {
		t.Fatalf("got %v", err)
	}
	creds["region"] = "XX"
	if _, err := New(creds, channel.Options{}); err == nil || !strings.Contains(err.Error(), "NA, EU or FE") {
		t.Fatalf("got %v", err)
	}
}

func TestQuotaExceededBurstsAreWaitedOut(t *testing.T) {
	ts := newTestSeller(t)
	ts.fake.Generate(50, 1)
	ts.fake.ThrottleNext(4)
	got, _ := testkit.FetchAll(t, ts.client, time.Time{})
	if len(got) != 50 {
		t.Fatalf("%d listings", len(got))
	}
	if len(ts.sleeps.Waits()) < 4 {
		t.Fatalf("waits %v: the 429s were not waited out", ts.sleeps.Waits())
	}
}

func TestClientKeepsToTheDocumentedRates(t *testing.T) {
	ts := newTestSeller(t, rateLimited)
	ts.fake.Generate(400, 1) // 20 search pages at 5 a second, burst 5
	start := ts.clock.Now()
	got, _ := testkit.FetchAll(t, ts.client, time.Time{})
	if len(got) != 400 {
		t.Fatalf("%d listings", len(got))
	}
	for _, c := range ts.fake.Calls() {
		if c.Operation == "searchListingsItems" && c.At.Before(start) {
			t.Fatal("clock went backwards")
		}
	}
	// The fake answered no 429: one call per page, and 15 of them waited
	// their turn (3 s at 5 a second).
	if n := ts.fake.CallCount("searchListingsItems"); n != 20 {
		t.Fatalf("%d searches for 20 pages: some were refused", n)
	}
	if el := ts.clock.Now().Sub(start); el < 3*time.Second-10*time.Millisecond {
		t.Fatalf("20 searches took %s of virtual time, less than the rate allows", el)
	}
}

func TestAQuotaSpentForMinutesIsAQuotaError(t *testing.T) {
	ts := newTestSeller(t)
	b := ts.client.bucket(opCreateFeed)
	for range 15 {
		if _, err := b.reserve(opCreateFeed, ts.clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := b.reserve(opCreateFeed, ts.clock.Now()); err != nil {
		t.Fatalf("the 16th feed should wait two minutes, not fail: %v", err)
	}
	_, err := b.reserve(opCreateFeed, ts.clock.Now())
	var quota *channel.QuotaError
	if !errors.As(err, &quota) || quota.Until.Sub(ts.clock.Now()) < 3*time.Minute {
		t.Fatalf("got %v", err)
	}
}
