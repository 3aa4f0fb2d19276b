package channelsync_test

import (
	"context"
	"strings"
	"testing"
	"time"

	shopifyfake "stocksync/internal/channel/shopify/fake"
	woofake "stocksync/internal/channel/woocommerce/fake"
	"stocksync/internal/channelsync"
	"stocksync/internal/store"
)

// assertNamedFailures checks that a run succeeded, that exactly the given
// listings failed, each with a cause naming the fault, and that the rest of
// the catalogue was imported.
func assertNamedFailures(t *testing.T, st *store.Store, channelID, runID int64, imported int, want map[string]string) {
	t.Helper()
	run, err := st.Run(context.Background(), runID)
	if err != nil {
		t.Fatal(err)
	}
	if run.Status != "succeeded" || run.Failed != len(want) {
		t.Fatalf("run: %s, %d failed, error %v", run.Status, run.Failed, run.Error)
	}
	var failures []struct {
		ExternalID string `db:"external_id"`
		Label      string `db:"label"`
		Cause      string `db:"cause"`
	}
	if err := st.DB.Select(&failures, `SELECT external_id, label, cause FROM sync_failures WHERE run_id = $1`, runID); err != nil {
		t.Fatal(err)
	}
	if len(failures) != len(want) {
		t.Fatalf("failures: %+v", failures)
	}
	for _, f := range failures {
		if w, ok := want[f.ExternalID]; !ok || !strings.Contains(f.Cause, w) || !strings.Contains(f.Cause, "on the channel") || f.Label == "" {
			t.Errorf("failure %+v, want a cause with %q", f, w)
		}
	}
	var n int
	st.DB.Get(&n, `SELECT count(*) FROM channel_items WHERE channel_id = $1`, channelID)
	if n != imported {
		t.Fatalf("%d listings imported, want %d", n, imported)
	}
}

func TestShopifyListingsWithUnfitTextAreNamedFailures(t *testing.T) {
	for _, paged := range []bool{false, true} {
		svc, st := newService(t)
		shop := newShop()
		defer shop.Close()
		shop.Generate(20, 7)
		nul := shop.AddListing(shopifyfake.Listing{ProductTitle: "Cup", SKU: "CUP\x00-1", Price: "3.00"})
		bad := shop.AddListing(shopifyfake.Listing{ProductTitle: "Bowl \xff\xfe", SKU: "BWL-1", Price: "4.00"})
		id := connectShop(t, svc, shop)
		if paged {
			pageThrough(t, st, id)
		}
		runID, err := svc.SyncCatalogue(context.Background(), id, false, "first", 1)
		if err != nil {
			t.Fatal(err)
		}
		assertNamedFailures(t, st, id, runID, 20, map[string]string{
			nul.ID: "the SKU contains a character that is not allowed (NUL)",
			bad.ID: "the name contains bytes that are not valid text (UTF-8)",
		})
	}
}

func TestWooCommerceListingsWithUnfitTextAreNamedFailures(t *testing.T) {
	svc, st := newService(t)
	store := woofake.New(woofake.Options{Now: time.Now})
	defer store.Close()
	store.Generate(12, 3)
	old := time.Now().Add(-24 * time.Hour)
	nul := store.AddListing(woofake.Product{Name: "Cup\x00", SKU: "CUP-1", Price: "3.00", DateModified: old})
	bad := store.AddListing(woofake.Product{Name: "Jumper", Type: "variable", DateModified: old, Variations: []woofake.Variation{
		{SKU: "JMP-\xff", Price: "45.00", Attributes: []woofake.Attribute{{Name: "Size", Option: "S"}}},
		{SKU: "JMP-M", Price: "45.00", Attributes: []woofake.Attribute{{Name: "Size", Option: "M"}}},
	}})
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
	badID := strings.Join([]string{itoaID(bad.ID), itoaID(bad.Variations[0].ID)}, "/")
	want := map[string]string{
		itoaID(nul.ID): "the name contains a character that is not allowed (NUL)",
		badID:          "the SKU contains bytes that are not valid text (UTF-8)",
	}
	assertNamedFailures(t, st, id, runID, 12+1, want)
	// The next sync reads nothing new and checks the failing listings again
	// as last read: they fail the same way, and nothing is imported.
	runID, err = svc.SyncCatalogue(context.Background(), id, false, "manual", 2)
	if err != nil {
		t.Fatal(err)
	}
	assertNamedFailures(t, st, id, runID, 12+1, want)
}
