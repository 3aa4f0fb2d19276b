package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"stocksync/internal/auth"
	"stocksync/internal/catalogue"
	"stocksync/internal/channel"
	"stocksync/internal/store"
	"stocksync/internal/testkit/webtest"
)

// Every price names its currency: the base currency, USD until an admin
// sets one (even when the setting is missing), on items, listings and the
// rate column of document forms.
func TestPricesNameTheCurrency(t *testing.T) {
	s := webtest.NewServer(t)
	s.Store.DB.MustExec(`DELETE FROM settings WHERE key = 'base_currency'`)
	admin, _ := s.SignedIn(t, auth.RoleAdmin)
	createItem(t, admin, url.Values{"name": {"Lamp"}, "selling_price": {"3"}})
	if r := admin.Get("/items"); r.Status != 200 || !strings.Contains(r.Body, "USD 3.00") {
		t.Fatalf("without a currency setting: %d, USD 3.00 shown: %v", r.Status, strings.Contains(r.Body, "USD 3.00"))
	}

	admin.Get("/settings/general")
	if r := admin.Post("/settings/general", url.Values{"currency": {"EUR"}}); r.Status != 303 {
		t.Fatalf("set EUR: %d", r.Status)
	}
	ctx := context.Background()
	chID, err := s.Store.CreateChannel(ctx, store.NewChannel{Kind: "shopify", Name: "Shop", Credentials: []byte{1}, SyncInterval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	runID, err := s.Store.StartRun(ctx, chID, "full_catalogue", "manual", 1)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := catalogue.Prepare([]channel.Listing{{ExternalID: "1", SKU: "MUG-9", Name: "Mug", Price: "12.5"}})
	if _, err := s.Store.ImportListings(ctx, store.ImportBatch{ChannelID: chID, RunID: runID, Pages: 1, Rows: rows}); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"/items":                 "EUR 3.00",
		"/channel-items":         "EUR 12.50",
		"/purchase-receives/new": "Rate (EUR)",
		"/sales-orders/new":      "Rate (EUR)",
	} {
		if r := admin.Get(path); !strings.Contains(r.Body, want) {
			t.Errorf("%s does not show %q", path, want)
		}
	}
}
