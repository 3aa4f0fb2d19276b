package channelsync_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"stocksync/internal/channel"
	"stocksync/internal/channelsync"
	"stocksync/internal/store"
	"stocksync/internal/syncrun"
)

// importRun imports listings as one run through the sync's importer and
// closes the run as a sync would, moving the channel's cursor.
func importRun(t *testing.T, svc *channelsync.Service, st *store.Store, ch int64, listings ...channel.Listing) syncrun.Run {
	t.Helper()
	ctx := context.Background()
	runID, err := st.StartRun(ctx, ch, "catalogue", "manual", 0)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	im, err := svc.NewImporter(ctx, ch, runID)
	if err != nil {
		t.Fatal(err)
	}
	if err := im.Add(1, nil, listings); err != nil {
		t.Fatal(err)
	}
	if err := im.Close(); err != nil {
		t.Fatal(err)
	}
	if err := st.FinishRun(ctx, runID, "", &start); err != nil {
		t.Fatal(err)
	}
	run, err := st.Run(ctx, runID)
	if err != nil {
		t.Fatal(err)
	}
	return run
}

func shopListing(id, sku, name string) channel.Listing {
	return channel.Listing{ExternalID: id, SKU: sku, Name: name, Price: "9.50", Raw: rawOf(id, sku, name)}
}

func TestImporterCountsUnchangedListingsWithoutRewritingThem(t *testing.T) {
	svc, st := newService(t)
	shop := newShop()
	defer shop.Close()
	ch := connectShop(t, svc, shop)
	// created long before the channel, so re-syncs need not look for matches again
	st.DB.MustExec(`INSERT INTO items (name, sku, created_at, updated_at) VALUES ('Red mug', 'SKU-1', now() - interval '1 day', now() - interval '1 day')`)
	ls := []channel.Listing{shopListing("1", "SKU-1", "Red"), shopListing("2", "N-2", "Plate"), shopListing("3", "N-3", "Bowl")}

	first := importRun(t, svc, st, ch, ls...)
	if first.Records != 3 || first.New != 3 || first.Synced != 1 || first.NewUnconfirmed != 2 {
		t.Fatalf("first import: %+v", first)
	}
	var unprinted int
	st.DB.Get(&unprinted, `SELECT count(*) FROM channel_items WHERE fingerprint IS NULL OR listing_key IS NULL`)
	if unprinted != 0 {
		t.Fatalf("%d listings imported without key or fingerprint", unprinted)
	}

	// The importer trusts a matching fingerprint: a stored listing edited
	// behind its back (here, its name) is proof that it was not rewritten.
	st.DB.MustExec(`UPDATE channel_items SET name = 'edited behind the importer' WHERE external_id = '2'`)
	again := importRun(t, svc, st, ch, ls...)
	if again.Records != 3 || again.Unchanged != 3 || again.New+again.Updated+again.Failed != 0 || again.Synced != 1 {
		t.Fatalf("unchanged re-sync: %+v", again)
	}
	var name string
	st.DB.Get(&name, `SELECT name FROM channel_items WHERE external_id = '2'`)
	if name != "edited behind the importer" {
		t.Fatalf("an unchanged listing was rewritten (name %q)", name)
	}

	// A listing stored before fingerprints existed is checked the slow way
	// and gets one, without counting as changed.
	st.DB.MustExec(`UPDATE channel_items SET fingerprint = NULL WHERE external_id = '3'`)
	legacy := importRun(t, svc, st, ch, ls...)
	var printed bool
	st.DB.Get(&printed, `SELECT fingerprint IS NOT NULL FROM channel_items WHERE external_id = '3'`)
	if legacy.Unchanged != 3 || !printed {
		t.Fatalf("legacy listing: %+v, fingerprint written %v", legacy, printed)
	}

	// A change is written and counted as such.
	ls[1].Price = "10.00"
	changed := importRun(t, svc, st, ch, ls...)
	st.DB.Get(&name, `SELECT name FROM channel_items WHERE external_id = '2'`)
	if changed.Updated != 1 || changed.Unchanged != 2 || name != "Plate" {
		t.Fatalf("one changed: %+v, name %q", changed, name)
	}

	// Items changed since the last sync: unconfirmed listings look for a
	// match again even though they did not change.
	var bowl int64
	st.DB.Get(&bowl, `INSERT INTO items (name) VALUES ('Bowl') RETURNING id`)
	rematched := importRun(t, svc, st, ch, ls...)
	var linkedTo int64
	st.DB.Get(&linkedTo, `SELECT COALESCE(item_id, 0) FROM channel_items WHERE external_id = '3'`)
	if linkedTo != bowl || rematched.Unchanged != 3 || rematched.Synced != 2 {
		t.Fatalf("rematch: %+v, listing 3 linked to %d, want %d", rematched, linkedTo, bowl)
	}

	// A listing a person unlinked stays unlinked and unchanged.
	st.DB.MustExec(`UPDATE channel_items SET item_id = NULL, link_source = NULL, auto_link_blocked = true WHERE external_id = '1'`)
	st.DB.MustExec(`UPDATE items SET updated_at = now() WHERE sku = 'SKU-1'`)
	unlinked := importRun(t, svc, st, ch, ls...)
	st.DB.Get(&linkedTo, `SELECT COALESCE(item_id, 0) FROM channel_items WHERE external_id = '1'`)
	if linkedTo != 0 || unlinked.Unchanged != 3 || unlinked.Synced != 1 {
		t.Fatalf("unlinked: %+v, listing 1 linked to %d", unlinked, linkedTo)
	}
}

func TestImporterCatchesASKUTakenByAStoredListing(t *testing.T) {
	svc, st := newService(t)
	shop := newShop()
	defer shop.Close()
	ch := connectShop(t, svc, shop)
	importRun(t, svc, st, ch, shopListing("12", "X", "First"), shopListing("40", "Y", "Second"))
	run := importRun(t, svc, st, ch, shopListing("12", "X", "First"), shopListing("40", "X", "Second"), shopListing("77", "X", "Third"))
	if run.Failed != 2 || run.Unchanged != 1 || run.Records != 3 {
		t.Fatalf("run: %+v", run)
	}
	fs, _ := st.RunFailures(context.Background(), run.ID, 0, 0)
	if len(fs) != 2 || !strings.Contains(fs[0].Cause, "listings 12 and 40 and 77") {
		t.Fatalf("failures: %+v", fs)
	}
}

// rawOf is a variant's record about as long as a Shopify export's line
// (some 450 bytes), which the listing's row keeps.
func rawOf(id, sku, name string) []byte {
	return []byte(`{"id":"` + id + `","title":"Default Title","displayName":"` + name + `","sku":"` + sku +
		`","price":"9.50","inventoryQuantity":4,"updatedAt":"2026-11-01T00:00:00Z","inventoryItem":{"id":"gid://shopify/InventoryItem/` + id +
		`","tracked":true},"product":{"id":"gid://shopify/Product/1","title":"` + name +
		`","onlineStoreUrl":"https://shop.example/products/some-product-handle-that-is-long"},"__parentId":"gid://shopify/Product/1"}`)
}
