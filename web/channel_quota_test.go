package web_test

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"testing"
	"time"

	"stocksync/internal/auth"
	"stocksync/internal/channel"
	etsyfake "stocksync/internal/channel/etsy/fake"
	shopifyfake "stocksync/internal/channel/shopify/fake"
	"stocksync/internal/channelsync"
	"stocksync/internal/testkit/webtest"
)

// The channel page of an Etsy shop whose day's budget a burst has spent
// shows the calls used of the day's limit and how many listings wait for
// the quota, with the first of them listed, and a 429's wait while it
// lasts; a Shopify channel's page,
// which has no day budget and nothing waiting, shows no such section.
func TestChannelPageShowsTheDayBudgetAndWhatWaits(t *testing.T) {
	s := webtest.NewServer(t, webtest.Options{ChannelOptions: channel.Options{Addresses: channel.AddressPolicy{Sandbox: true}}})
	c, _ := s.SignedIn(t, auth.RoleStaff)
	ctx := context.Background()
	const perDay, listings = 30, 60
	shop := etsyfake.New(etsyfake.Options{PerDay: perDay, PerSecond: 1000})
	defer shop.Close()
	for i := range listings {
		sku := fmt.Sprintf("BUDGET-%02d", i)
		shop.AddListing(etsyfake.Listing{Title: "Print " + sku, Products: []etsyfake.Product{{SKU: sku, Price: "9.00", Quantity: 2}}})
		s.Store.DB.MustExec(`INSERT INTO items (name, sku) VALUES ($1, $2)`, "Print "+sku, sku)
	}
	etsy, err := s.Channels.Connect(ctx, channelsync.ConnectRequest{Kind: "etsy", Name: "Prints on Etsy",
		Credentials: shop.Credentials(), SyncInterval: 15 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Channels.SyncCatalogue(ctx, etsy, true, "manual", 0); err != nil {
		t.Fatal(err)
	}
	puts := shop.Puts()
	if err := s.Channels.Push(ctx, etsy, "sync", 0); err != nil {
		t.Fatal(err)
	}
	sent := shop.Puts() - puts
	if sent == 0 || sent >= listings {
		t.Fatalf("%d of %d listings written", sent, listings)
	}
	body := c.Get("/channels/" + strconv.FormatInt(etsy, 10)).Body
	mustContain(t, "Etsy's page", body, `data-testid="channel-quota"`, "Etsy calls today",
		`<span data-testid="quota-used">30</span> of <span data-testid="quota-limit">30</span> (rolling 24 h).`,
		`<strong data-testid="quota-waiting-count">`+strconv.Itoa(listings-sent)+`</strong> listings' stock changes wait for the quota<span data-testid="quota-next-try">, next send about `, "The first 20 of "+strconv.Itoa(listings-sent)+" are listed.")
	if n := len(regexp.MustCompile(`data-testid="quota-waiting-listing"`).FindAllString(body, -1)); n != 20 {
		t.Fatalf("%d waiting listings listed, want the first 20", n)
	}
	if regexp.MustCompile(`data-testid="quota-throttled"`).MatchString(body) {
		t.Fatal("throttling shown without a 429")
	}
	// A 429 asking to wait a minute shows while it lasts.
	until := time.Now().Add(time.Minute)
	if err := s.Store.SaveThrottle(ctx, etsy, until); err != nil {
		t.Fatal(err)
	}
	mustContain(t, "Etsy's page while throttled", c.Get("/channels/"+strconv.FormatInt(etsy, 10)).Body,
		"Throttled by the channel until "+until.Local().Format("15:04:05")+".")

	store := shopifyfake.New(shopifyfake.Options{})
	defer store.Close()
	store.AddListing(shopifyfake.Listing{ProductTitle: "Print", SKU: "BUDGET-00", Price: "9.00", Quantity: 2})
	shopify, err := s.Channels.Connect(ctx, channelsync.ConnectRequest{Kind: "shopify", Name: "Shop",
		Credentials:  map[string]string{"shop_url": store.URL(), "access_token": shopifyfake.DefaultAccessToken},
		SyncInterval: 15 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Channels.SyncCatalogue(ctx, shopify, true, "manual", 0); err != nil {
		t.Fatal(err)
	}
	if body := c.Get("/channels/" + strconv.FormatInt(shopify, 10)).Body; regexp.MustCompile(`data-testid="(channel-)?quota`).MatchString(body) {
		t.Fatal("a Shopify channel's page shows a quota section")
	}
}
