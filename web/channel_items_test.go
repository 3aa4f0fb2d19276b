package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"stocksync/internal/auth"
	"stocksync/internal/catalogue"
	"stocksync/internal/channel"
	"stocksync/internal/store"
	"stocksync/internal/testkit/webtest"
)

func TestChannelItemsListAndDashboardCounts(t *testing.T) {
	s := webtest.NewServer(t)
	c, _ := s.SignedIn(t, auth.RoleStaff)
	if r := c.Get("/channel-items"); !strings.Contains(r.Body, "No listing has come in yet.") {
		t.Fatalf("empty state: %d", r.Status)
	}
	ctx := context.Background()
	s.Store.DB.MustExec(`INSERT INTO items (name, sku) VALUES ('Red mug', 'RM-1')`)
	ch, err := s.Store.CreateChannel(ctx, store.NewChannel{Kind: "shopify", Name: "Main shop", Credentials: []byte{1}, SyncInterval: 15 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	runID, _ := s.Store.StartRun(ctx, ch, "catalogue", "manual", 0)
	rows, failures := catalogue.Prepare([]channel.Listing{
		{ExternalID: "1", SKU: "RM-1", Name: "Red mug online", Price: "9.00"},
		{ExternalID: "2", SKU: "NEW-2", Name: "Blue <b>bowl</b>", Price: "4.00"},
	})
	if _, err := s.Store.ImportListings(ctx, store.ImportBatch{ChannelID: ch, RunID: runID, Rows: rows, Failures: failures, Rematch: true}); err != nil {
		t.Fatal(err)
	}
	s.Store.FinishRun(ctx, runID, "The channel rejected the credentials.", nil)

	all := c.Get("/channel-items")
	if !strings.Contains(all.Body, "Red mug online") || !strings.Contains(all.Body, "9.00<") || !strings.Contains(all.Body, "by SKU") || !strings.Contains(all.Body, "Blue &lt;b&gt;bowl&lt;/b&gt;") {
		t.Fatalf("list: %.2000s", all.Body)
	}
	unconfirmed := c.Get("/channel-items?status=unconfirmed")
	if strings.Contains(unconfirmed.Body, "Red mug online") || !strings.Contains(unconfirmed.Body, "NEW-2") {
		t.Fatal("the unconfirmed filter shows a linked listing or hides an unconfirmed one")
	}
	if r := c.Get("/channel-items?q=red"); !strings.Contains(r.Body, "RM-1") || strings.Contains(r.Body, "NEW-2") {
		t.Fatal("search by name")
	}
	home := c.Get("/")
	for _, want := range []string{"1 connected", "Unconfirmed Items: 1", "1 failed syncs today"} {
		if !strings.Contains(home.Body, want) {
			t.Errorf("dashboard lacks %q", want)
		}
	}
}
