package channelsync_test

import (
	"context"
	"strings"
	"testing"
	"time"

	_ "stocksync/internal/channel/woocommerce"
	woofake "stocksync/internal/channel/woocommerce/fake"
	"stocksync/internal/channelsync"
)

func TestWooCommerceSyncImportsVariationsAndCountsFailures(t *testing.T) {
	svc, st := newService(t)
	store := woofake.New(woofake.Options{ThrottleEvery: 3, RetryAfter: 1500 * time.Millisecond, Now: clock.Now})
	defer store.Close()
	qty := func(n int) *int { return &n }
	store.SetListings([]woofake.Product{
		{Name: "Mug", SKU: "MUG-1", Price: "9.50", ManageStock: true, StockQuantity: qty(4)},
		{Name: "Jumper", Type: "variable", Variations: []woofake.Variation{
			{SKU: "JMP-S", Price: "45.00", ManageStock: true, StockQuantity: qty(2), Attributes: []woofake.Attribute{{Name: "Size", Option: "S"}}},
			{SKU: "JMP-M", Price: "45.00", ManageStock: true, StockQuantity: qty(3), Attributes: []woofake.Attribute{{Name: "Size", Option: "M"}}},
		}},
		{Name: "Bowl", SKU: "BWL-1", Price: "twelve"},
	})
	seedItems(t, st, "JMP-M")
	id, err := svc.Connect(context.Background(), channelsync.ConnectRequest{Kind: "woocommerce", Name: "Woo",
		Credentials:  map[string]string{"site_url": store.URL(), "consumer_key": woofake.DefaultConsumerKey, "consumer_secret": woofake.DefaultConsumerSecret},
		SyncInterval: 15 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	runID, err := svc.SyncCatalogue(context.Background(), id, false, "first", 1)
	if err != nil {
		t.Fatal(err)
	}
	run, _ := st.Run(context.Background(), runID)
	if run.Status != "succeeded" || run.Records != 4 || run.New != 3 || run.Failed != 1 || run.Synced != 1 || run.NewUnconfirmed != 2 {
		t.Fatalf("run: %+v %v", run, run.Error)
	}
	var names []string
	st.DB.Select(&names, `SELECT name FROM channel_items WHERE channel_id = $1 ORDER BY name`, id)
	if strings.Join(names, "|") != "Jumper - M|Jumper - S|Mug" {
		t.Fatalf("listings: %q", names)
	}
	var linked string
	st.DB.Get(&linked, `SELECT external_id FROM channel_items WHERE item_id IS NOT NULL`)
	if !strings.Contains(linked, "/") {
		t.Fatalf("the variation's id %q is not product/variation", linked)
	}
}
