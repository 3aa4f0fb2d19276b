package etsy

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"stocksync/internal/channel"
	"stocksync/internal/channel/etsy/fake"
	"stocksync/internal/channel/internal/testkit"
)

func TestFetchListingsOneListingPerProduct(t *testing.T) {
	for _, ignore := range []bool{false, true} {
		ts := newTestShop(t, fake.Options{IgnoreIncludes: ignore})
		jumper, noSKU, mug := seedShop(ts.fake)
		ts.fake.AddListing(fake.Listing{Title: "Draft", State: "draft", Products: []fake.Product{{SKU: "DRAFT", Price: "1.00", Quantity: 1}}})
		ls, pages := testkit.FetchAll(t, ts.client, time.Time{})
		if pages != 1 || len(ls) != 6 {
			t.Fatalf("ignore includes %v: %d listings in %d pages: %+v", ignore, len(ls), pages, ls)
		}
		byID := map[string]channel.Listing{}
		for _, l := range ls {
			byID[l.ExternalID] = l
		}
		m := byID[jumper.Key(jumper.Products[2])]
		if m.SKU != "JMP-L" || m.Name != "Knitted Jumper - L" || m.Price != "47.50" || *m.Quantity != 4 ||
			m.ProductID != itoa(jumper.ID) || m.InventoryRef != m.ExternalID || m.ExternalID != itoa(jumper.ID)+"/503" {
			t.Errorf("variation %+v", m)
		}
		red := byID[itoa(noSKU.ID)+"/1213"]
		if red.SKU != "" || red.Name != "Mom's Tea Towel - Red" || *red.Quantity != 5 || red.Problem != "" {
			t.Errorf("product without SKU (title unescaped) %+v", red)
		}
		if l := byID[itoa(mug.ID)]; l.SKU != "MUG-1" || l.Name != "Stoneware Mug" || l.Price != "18.25" {
			t.Errorf("plain listing %+v", l)
		}
		inventoryCalls := ts.fake.CallCount("GET /listings/{id}/inventory")
		if want := map[bool]int{false: 0, true: 3}[ignore]; inventoryCalls != want {
			t.Errorf("ignore includes %v: %d inventory reads, want %d", ignore, inventoryCalls, want)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestIncrementalListingsStopAtTheFirstUnchanged(t *testing.T) {
	for _, ignoreSort := range []bool{false, true} {
		ts := newTestShop(t, fake.Options{IgnoreSort: ignoreSort})
		ts.fake.Generate(450, 3)
		since := ts.clock.Now()
		ts.clock.Advance(time.Minute)
		all := ts.fake.Listings()
		changed := []int64{all[10].ID, all[200].ID}
		for _, id := range changed {
			ts.fake.Edit(id, func(l *fake.Listing) { l.Title += " (new)" })
		}
		ts.fake.ResetCalls()
		ls, pages := testkit.FetchAll(t, ts.client, since)
		got := map[string]bool{}
		for _, l := range ls {
			got[l.ProductID] = true
			if !strings.HasSuffix(l.Name, "(new)") && !strings.Contains(l.Name, "(new) - ") {
				t.Errorf("unchanged listing %q fetched", l.Name)
			}
		}
		if len(got) != 2 || !got[itoa(changed[0])] || !got[itoa(changed[1])] {
			t.Errorf("ignore sort %v: changed listings %v", ignoreSort, got)
		}
		// Sorted, the first page holds both and ends the fetch; unsorted,
		// every page must be read.
		if want := map[bool]int{false: 1, true: len(all)/100 + 1}[ignoreSort]; pages != want {
			t.Errorf("ignore sort %v: %d pages, want %d", ignoreSort, pages, want)
		}
	}
}

func TestFetchOrdersLinesAndCancellations(t *testing.T) {
	ts := newTestShop(t, fake.Options{})
	jumper, noSKU, mug := seedShop(ts.fake)
	kept, err := ts.fake.AddReceipt(fake.Receipt{Name: "Ann O'Neil", Lines: []fake.Transaction{
		{Key: jumper.Key(jumper.Products[1]), Quantity: 2},
		{Key: noSKU.Key(noSKU.Products[0]), Quantity: 1},
		{Key: itoa(mug.ID), Quantity: 1, Price: "15.00"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	ts.clock.Advance(time.Hour)
	cancelled, _ := ts.fake.AddReceipt(fake.Receipt{Name: "Bo", Lines: []fake.Transaction{{Key: itoa(mug.ID), Quantity: 3}}})
	if err := ts.fake.SetReceiptStatus(cancelled.ID, "canceled"); err != nil {
		t.Fatal(err)
	}
	page, err := ts.client.FetchOrders(context.Background(), time.Time{}, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Orders) != 2 || page.HasMore {
		t.Fatalf("page %+v", page)
	}
	o := page.Orders[0]
	if o.ExternalID != itoa(kept.ID) || o.Cancelled || o.Status != "paid" || o.Customer != "Ann O'Neil" || o.Currency != "USD" {
		t.Errorf("order %+v", o.Status)
	}
	want := []channel.OrderLine{
		{ListingExternalID: itoa(jumper.ID) + "/502", SKU: "JMP-M", Name: "Knitted Jumper - M", Quantity: 2, UnitPrice: "45.00"},
		{ListingExternalID: itoa(noSKU.ID) + "/1213", Name: "Mom's Tea Towel - Red", Quantity: 1, UnitPrice: "12.00"},
		{ListingExternalID: itoa(mug.ID), SKU: "MUG-1", Name: "Stoneware Mug", Quantity: 1, UnitPrice: "15.00"},
	}
	for i, l := range o.Lines {
		l.ExternalID = ""
		if l != want[i] {
			t.Errorf("line %d = %+v, want %+v", i, l, want[i])
		}
	}
	if !page.Orders[1].Cancelled {
		t.Errorf("a canceled receipt is a cancelled order: %+v", page.Orders[1])
	}
	// Incremental: only the receipt changed since.
	page, err = ts.client.FetchOrders(context.Background(), ts.clock.Now().Add(-time.Minute), "")
	if err != nil || len(page.Orders) != 1 || page.Orders[0].ExternalID != itoa(cancelled.ID) {
		t.Fatalf("incremental %+v %v", page, err)
	}
	if q := ts.fake.Calls()[len(ts.fake.Calls())-1].Query; !strings.Contains(q, "min_last_modified=") {
		t.Errorf("query %s", q)
	}
}

func TestSetQuantitiesWritesWholeInventoriesMergedPerListing(t *testing.T) {
	ts := newTestShop(t, fake.Options{})
	jumper, noSKU, mug := seedShop(ts.fake)
	ts.fake.ResetCalls()
	updates := []channel.QuantityUpdate{
		{ExternalID: jumper.Key(jumper.Products[0]), Quantity: 0},
		{ExternalID: itoa(mug.ID), Quantity: 1},
		{ExternalID: jumper.Key(jumper.Products[2]), Quantity: 7},
		{ExternalID: noSKU.Key(noSKU.Products[1]), Quantity: 2},
		{ExternalID: itoa(jumper.ID) + "/999", Quantity: 1},
		{ExternalID: "not-a-listing", Quantity: 1},
	}
	results, err := ts.client.SetQuantities(context.Background(), updates, "k")
	if err != nil {
		t.Fatal(err)
	}
	for i := range 4 {
		if results[i].Err != nil {
			t.Errorf("update %d: %v", i, results[i].Err)
		}
	}
	if results[4].Err == nil || !strings.Contains(results[4].Err.Error(), "no such product") || results[5].Err == nil {
		t.Errorf("bad references: %+v", results[4:])
	}
	if d := ts.fake.DeletedProducts(); len(d) != 0 {
		t.Fatalf("the PUTs deleted products: %v", d)
	}
	if reads, puts := ts.fake.CallCount("GET /listings/batch"), ts.fake.CallCount("PUT /listings/{id}/inventory"); reads != 1 || puts != 3 {
		t.Errorf("%d batch reads and %d PUTs, want 1 and 3 (one per listing)", reads, puts)
	}
	for key, want := range map[string]int{
		jumper.Key(jumper.Products[0]): 0, jumper.Key(jumper.Products[1]): 3, jumper.Key(jumper.Products[2]): 7,
		noSKU.Key(noSKU.Products[0]): 5, noSKU.Key(noSKU.Products[1]): 2, itoa(mug.ID): 1,
	} {
		if q, ok := ts.fake.Quantity(key); !ok || q != want {
			t.Errorf("%s: quantity %d (%v), want %d", key, q, ok, want)
		}
	}
	after := ts.fake.Listings()
	for _, l := range after {
		if l.ID == jumper.ID && (l.Products[2].Price != "47.50" || l.Products[0].SKU != "JMP-S") {
			t.Errorf("prices and SKUs must survive the write: %+v", l.Products)
		}
	}
}

func TestAccessTokenRenewedAndRotatedRefreshTokenStored(t *testing.T) {
	ts := newTestShop(t, fake.Options{AccessTTL: 20 * time.Minute})
	ts.fake.Generate(250, 9)
	first := ts.saved.last()
	if first != nil {
		t.Fatalf("nothing to store before a call: %v", first)
	}
	page, err := ts.client.FetchListings(context.Background(), time.Time{}, "")
	if err != nil {
		t.Fatal(err)
	}
	rt1 := ts.saved.last()["refresh_token"]
	if rt1 == "" || !ts.fake.ValidRefreshToken(rt1) {
		t.Fatalf("the rotated refresh token was not stored: %v", ts.saved.last())
	}
	// Mid-sync the access token nears its end: renewed before it expires.
	ts.clock.Advance(16 * time.Minute)
	if _, err := ts.client.FetchListings(context.Background(), time.Time{}, page.NextCursor); err != nil {
		t.Fatal(err)
	}
	rt2 := ts.saved.last()["refresh_token"]
	if ts.fake.Refreshes() != 2 || rt2 == rt1 || ts.fake.ValidRefreshToken(rt1) || !ts.fake.ValidRefreshToken(rt2) {
		t.Fatalf("refreshes %d, stored %q then %q", ts.fake.Refreshes(), rt1, rt2)
	}
	// Etsy voids a token early: one renewal, then the call goes through.
	ts.fake.RevokeAccessTokens()
	if _, err := ts.client.FetchListings(context.Background(), time.Time{}, ""); err != nil {
		t.Fatal(err)
	}
	if ts.fake.Refreshes() != 3 || !ts.fake.ValidRefreshToken(ts.saved.last()["refresh_token"]) {
		t.Fatalf("after a revoked token: %d refreshes", ts.fake.Refreshes())
	}
	// A connector built from the stored credentials shares the token.
	creds := ts.saved.last()
	c2, err := New(creds, channel.Options{Sleep: ts.sleeps.Sleep, Now: ts.clock.Now, Addresses: channel.AddressPolicy{Sandbox: true}})
	if err != nil {
		t.Fatal(err)
	}
	if err := c2.Verify(context.Background()); err != nil || ts.fake.Refreshes() != 3 {
		t.Fatalf("verify %v, refreshes %d", err, ts.fake.Refreshes())
	}
}

func TestVoidRefreshTokenIsUnauthorized(t *testing.T) {
	ts := newTestShop(t, fake.Options{})
	creds := ts.fake.Credentials()
	creds["refresh_token"] = "271828.void"
	c, err := New(creds, channel.Options{Sleep: ts.sleeps.Sleep, Now: ts.clock.Now, Addresses: channel.AddressPolicy{Sandbox: true}})
	if err != nil {
		t.Fatal(err)
	}
	err = c.Verify(context.Background())
	if !errors.Is(err, channel.ErrUnauthorized) || !strings.Contains(err.Error(), "already used") {
		t.Fatalf("got %v", err)
	}
	creds = ts.fake.Credentials()
	creds["shop_id"] = "99"
	c, _ = New(creds, channel.Options{Sleep: ts.sleeps.Sleep, Now: ts.clock.Now, Addresses: channel.AddressPolicy{Sandbox: true}})
	if err := c.Verify(context.Background()); err == nil || !strings.Contains(err.Error(), "another shop") {
		t.Fatalf("wrong shop: %v", err)
	}
}

func TestDayBudgetSpentLeavesTheRestPending(t *testing.T) {
	ts := newTestShop(t, fake.Options{PerDay: 1000})
	ts.fake.Generate(300, 4)
	var updates []channel.QuantityUpdate
	for _, l := range ts.fake.Listings()[:60] {
		updates = append(updates, channel.QuantityUpdate{ExternalID: l.Key(l.Products[0]), Quantity: 1})
	}
	// 1,000 a day keeps 20 for syncs: after the token and the read, 40
	// calls are left for PUTs once 61 are spent elsewhere.
	ts.fake.SetRemainingToday(61)
	results, err := ts.client.SetQuantities(context.Background(), updates, "k")
	if err != nil {
		t.Fatal(err)
	}
	sent, pending := 0, 0
	var quotaErr *channel.QuotaError
	for _, r := range results {
		switch {
		case r.Err == nil:
			sent++
		case errors.As(r.Err, &quotaErr):
			pending++
			if !quotaErr.Until.After(ts.clock.Now()) || !strings.Contains(quotaErr.Reason, "budget") {
				t.Errorf("quota error %+v", quotaErr)
			}
		default:
			t.Errorf("unexpected %v", r.Err)
		}
	}
	if sent == 0 || pending == 0 || sent+pending != 60 || ts.fake.Puts() != sent {
		t.Fatalf("sent %d, pending %d, puts %d", sent, pending, ts.fake.Puts())
	}
	if sent != 40 {
		t.Errorf("sent %d, want 40 (budget less the reserve)", sent)
	}
}

func TestPacedByThePerSecondLimit(t *testing.T) {
	ts := newTestShop(t, fake.Options{PerSecond: 5})
	ts.fake.Generate(50, 5)
	var updates []channel.QuantityUpdate
	for _, l := range ts.fake.Listings() {
		updates = append(updates, channel.QuantityUpdate{ExternalID: l.Key(l.Products[0]), Quantity: 2})
	}
	start := ts.clock.Now()
	results, err := ts.client.SetQuantities(context.Background(), updates[:min(len(updates), 100)], "k")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if r.Err != nil {
			t.Fatal(r.Err)
		}
	}
	calls := len(ts.fake.Calls())
	elapsed := ts.clock.Now().Sub(start)
	if min := time.Duration(calls-5) * time.Second / 5; elapsed < min {
		t.Errorf("%d calls in %s: faster than 5 a second", calls, elapsed)
	}
	for _, w := range ts.sleeps.Waits() {
		if w >= time.Second {
			t.Errorf("waited %s: a 429 was met instead of pacing", w)
		}
	}
}

func TestListingsWrittenMostUrgentFirst(t *testing.T) {
	ts := newTestShop(t, fake.Options{})
	jumper, towel, mug := seedShop(ts.fake)
	prev := func(n int) *int { return &n }
	ts.fake.ResetCalls()
	results, err := ts.client.SetQuantities(context.Background(), []channel.QuantityUpdate{
		{ExternalID: itoa(mug.ID), Quantity: 12, Previous: prev(9)},                  // rising
		{ExternalID: towel.Key(towel.Products[0]), Quantity: 3, Previous: prev(5)},   // falling
		{ExternalID: jumper.Key(jumper.Products[0]), Quantity: 5, Previous: prev(2)}, // rising …
		{ExternalID: jumper.Key(jumper.Products[1]), Quantity: 0, Previous: prev(3)}, // … and to zero: the jumper goes first
		{ExternalID: towel.Key(towel.Products[1]), Quantity: 9, Previous: prev(6)},   // rising, merged with the towel's fall
	}, "k")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if r.Err != nil {
			t.Fatal(r.Err)
		}
	}
	var order []string
	for _, c := range ts.fake.Calls() {
		if c.Method == "PUT" {
			order = append(order, strings.Split(c.Path, "/")[4])
		}
	}
	want := []string{itoa(jumper.ID), itoa(towel.ID), itoa(mug.ID)}
	if strings.Join(order, ",") != strings.Join(want, ",") {
		t.Fatalf("writes in order %v, want %v (zero, falling, rising)", order, want)
	}
}

func TestAQuantityThatMovedOnEtsyIsNotOverwritten(t *testing.T) {
	ts := newTestShop(t, fake.Options{})
	jumper, _, _ := seedShop(ts.fake)
	three, two := 3, 2
	ts.fake.ResetCalls()
	results, err := ts.client.SetQuantities(context.Background(), []channel.QuantityUpdate{
		{ExternalID: jumper.Key(jumper.Products[2]), Quantity: 9, Previous: &three}, // Etsy shows 4: a sale or an edit there
		{ExternalID: jumper.Key(jumper.Products[0]), Quantity: 7, Previous: &two},
	}, "k")
	if err != nil {
		t.Fatal(err)
	}
	if !errors.Is(results[0].Err, channel.ErrStaleQuantity) || results[1].Err != nil {
		t.Fatalf("results %+v", results)
	}
	if q, _ := ts.fake.Quantity(jumper.Key(jumper.Products[2])); q != 4 {
		t.Fatalf("the moved quantity was overwritten: %d", q)
	}
	if q, _ := ts.fake.Quantity(jumper.Key(jumper.Products[0])); q != 7 {
		t.Fatalf("the other product: %d", q)
	}
	// Only stale updates: nothing is written.
	results, _ = ts.client.SetQuantities(context.Background(), []channel.QuantityUpdate{
		{ExternalID: jumper.Key(jumper.Products[2]), Quantity: 9, Previous: &three}}, "k")
	if !errors.Is(results[0].Err, channel.ErrStaleQuantity) || ts.fake.Puts() != 1 {
		t.Fatalf("%+v, %d writes", results, ts.fake.Puts())
	}
}

// Two server processes share a channel: when the other one rotated the
// refresh token (and stored the new one), this one's refresh is refused;
// it reads the stored credentials again and carries on with theirs.
func TestRefreshTokenRotatedByAnotherProcess(t *testing.T) {
	clock := testkit.NewClock()
	srv := fake.New(fake.Options{Now: clock.Now})
	defer srv.Close()
	var mu sync.Mutex
	stored := srv.Credentials() // the channel's row
	opts := channel.Options{Sleep: (&testkit.Sleeps{Clock: clock}).Sleep, Now: clock.Now, Addresses: channel.AddressPolicy{Sandbox: true},
		SaveCredentials: func(_ context.Context, c map[string]string) error {
			mu.Lock()
			defer mu.Unlock()
			stored = maps.Clone(c)
			return nil
		},
		LoadCredentials: func(context.Context) (map[string]string, error) {
			mu.Lock()
			defer mu.Unlock()
			return maps.Clone(stored), nil
		}}
	c, err := New(maps.Clone(stored), opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Verify(context.Background()); err != nil {
		t.Fatal(err)
	}
	// The other process refreshes with the token both hold, and stores
	// the one it got.
	mu.Lock()
	theirs := anotherProcessRefreshes(t, srv, stored["refresh_token"])
	stored["refresh_token"] = theirs
	mu.Unlock()
	srv.RevokeAccessTokens()
	if _, err := c.FetchOrders(context.Background(), time.Time{}, ""); err != nil {
		t.Fatalf("after another process rotated the token: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if stored["refresh_token"] == theirs || !srv.ValidRefreshToken(stored["refresh_token"]) {
		t.Fatal("the token issued last is not the one stored")
	}
}

func anotherProcessRefreshes(t *testing.T, srv *fake.Server, refreshToken string) string {
	t.Helper()
	res, err := http.PostForm(srv.URL()+tokenPath, url.Values{"grant_type": {"refresh_token"}, "client_id": {fake.DefaultKeystring},
		"refresh_token": {refreshToken}})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out tokenAnswer
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || out.RefreshToken == "" {
		t.Fatalf("%d %v", res.StatusCode, err)
	}
	return out.RefreshToken
}
