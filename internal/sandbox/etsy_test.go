package sandbox

import (
	"context"
	"strconv"
	"testing"
	"time"

	"stocksync/internal/channel"
	"stocksync/internal/channel/etsy"
	etsyfake "stocksync/internal/channel/etsy/fake"
)

// Sandbox Etsy, as the preset connects to it: its catalogue comes in with
// variations, a listing without SKUs and broken records, and its receipts
// with one cancelled; the preset's refresh token keeps working.
func TestSandboxEtsyThroughTheConnector(t *testing.T) {
	shop := etsyfake.New(etsyfake.Options{PermanentRefreshToken: EtsyRefreshToken})
	defer shop.Close()
	shop.SetListings(etsyCatalogue(DemoItems()))
	if err := seedEtsyReceipts(shop); err != nil {
		t.Fatal(err)
	}
	creds := map[string]string{"keystring": etsyfake.DefaultKeystring, "shared_secret": etsyfake.DefaultSharedSecret,
		"shop_id": strconv.Itoa(etsyfake.DefaultShopID), "refresh_token": EtsyRefreshToken, "api_url": shop.URL()}
	opts := channel.Options{Addresses: channel.AddressPolicy{Sandbox: true}, Sleep: func(context.Context, time.Duration) error { return nil }}
	c, err := etsy.New(creds, opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var all []channel.Listing
	for cursor := ""; ; {
		page, err := c.FetchListings(ctx, time.Time{}, cursor)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, page.Listings...)
		if !page.HasMore {
			break
		}
		cursor = page.NextCursor
	}
	shared, noSKU, problems := 0, 0, 0
	for _, l := range all {
		switch {
		case l.Problem != "":
			problems++
		case l.SKU == "":
			noSKU++
		case len(l.SKU) == 7 && l.SKU[:3] == "SB-":
			shared++
		}
	}
	// 40 shared, 4 beanies × 3, the towel's 3, 30 new, 4 broken.
	if len(all) != 89 || shared != 40 || noSKU != 4 || problems != 1 {
		t.Fatalf("%d listings: %d shared, %d without SKU, %d with a problem", len(all), shared, noSKU, problems)
	}
	orders, err := c.FetchOrders(ctx, time.Time{}, "")
	if err != nil || len(orders.Orders) != 4 || !orders.Orders[3].Cancelled || len(orders.Orders[0].Lines) != 2 {
		t.Fatalf("orders %+v %v", orders, err)
	}
	c2, _ := etsy.New(creds, opts)
	if err := c2.Verify(ctx); err != nil {
		t.Fatalf("the preset's refresh token stopped working: %v", err)
	}
}
