package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"stocksync/internal/auth"
	"stocksync/internal/store"
	"stocksync/internal/testkit/webtest"
)

// The list says how many listings its filters match: without a search at
// once (the channels keep the counts), a search's after the page, from
// /channel-items/count, as counting a broad search costs more than its page.
func TestChannelItemsListCountsItsListings(t *testing.T) {
	s := webtest.NewServer(t)
	c, _ := s.SignedIn(t, auth.RoleStaff)
	ch, err := s.Store.CreateChannel(context.Background(), store.NewChannel{Kind: "shopify", Name: "Main shop", Credentials: []byte{1}, SyncInterval: 15 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	s.Store.DB.MustExec(`INSERT INTO items (name, sku) VALUES ('Oak chair', 'OAK-1')`)
	s.Store.DB.MustExec(`CREATE TABLE channel_items_` + itoa(ch) + ` PARTITION OF channel_items FOR VALUES IN (` + itoa(ch) + `)`)
	s.Store.DB.MustExec(`INSERT INTO channel_items (channel_id, external_id, listing_key, sku, name, item_id, link_source)
		SELECT $1, 'e' || g, g, 'OAK-' || g, 'Oak stool ' || g, CASE WHEN g = 1 THEN 1 END, CASE WHEN g = 1 THEN 'sku' END
		FROM generate_series(1, 1200) g`, ch)

	list := c.Get("/channel-items?status=unconfirmed").Body
	if !strings.Contains(list, "1,199 listings") || strings.Contains(list, "/channel-items/count") {
		t.Fatalf("the unconfirmed list does not count its listings itself:\n%.3000s", list)
	}
	if !strings.Contains(c.Get("/channel-items").Body, "1,200 listings") {
		t.Fatal("the whole list lost its count")
	}
	page := c.Get("/channel-items?status=unconfirmed&q=stool+11").Body
	want := `hx-get="/channel-items/count?q=stool+11&amp;status=unconfirmed"`
	if !strings.Contains(page, want) || strings.Contains(page, "11 listings") {
		t.Fatalf("the search page does not defer its count (%s):\n%.3000s", want, page)
	}
	c.Header.Set("HX-Request", "true")
	frag := c.Get("/channel-items/count?q=stool+11&status=unconfirmed").Body
	broad := c.Get("/channel-items/count?q=STOOL&status=unconfirmed").Body
	c.Header.Del("HX-Request")
	// 11, 110–119 and 1100–1199
	if !strings.Contains(frag, "111 listings") || strings.Contains(frag, "<html") {
		t.Fatalf("count fragment: %s", frag)
	}
	if !strings.Contains(broad, "1,000+ listings") {
		t.Fatalf("a broad search's count is not capped: %s", broad)
	}
	full := c.Get("/channel-items/count?q=stool+11&status=unconfirmed").Body
	if !strings.Contains(full, "111 listings") || !strings.Contains(full, "<html") || !strings.Contains(full, "Oak stool 11<") {
		t.Fatalf("without JavaScript the count link shows the list with its count: %.3000s", full)
	}
}
