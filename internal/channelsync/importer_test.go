package channelsync_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"stocksync/internal/channel"
	shopifyfake "stocksync/internal/channel/shopify/fake"
	"stocksync/internal/channelsync"
	"stocksync/internal/store"
)

// bothImportModes runs test on a channel's first import (a bulk load) and
// on a later one, which writes through channel_items' indexes.
func bothImportModes(t *testing.T, test func(t *testing.T, first bool)) {
	t.Run("first import", func(t *testing.T) { test(t, true) })
	t.Run("later import", func(t *testing.T) { test(t, false) })
}

// connectShopFor connects a shop whose next import is its first, or not.
func connectShopFor(t *testing.T, svc *channelsync.Service, st *store.Store, shop *shopifyfake.Server, first bool) int64 {
	t.Helper()
	ch := connectShop(t, svc, shop)
	if !first {
		importRun(t, svc, st, ch) // an empty catalogue: the channel still has no listings
	}
	return ch
}

// startImport starts a run of the channel and its importer.
func startImport(t *testing.T, svc *channelsync.Service, st *store.Store, ch int64) (*channelsync.Importer, int64) {
	t.Helper()
	runID, err := st.StartRun(context.Background(), ch, "catalogue", "manual", 1)
	if err != nil {
		t.Fatal(err)
	}
	im, err := svc.NewImporter(context.Background(), ch, runID)
	if err != nil {
		t.Fatal(err)
	}
	return im, runID
}

func TestParallelImportStillCatchesADuplicateSKUAcrossBatches(t *testing.T) {
	bothImportModes(t, parallelImportStillCatchesADuplicateSKUAcrossBatches)
}

func parallelImportStillCatchesADuplicateSKUAcrossBatches(t *testing.T, first bool) {
	svc, st := newService(t)
	svc.BatchSize, svc.ImportWorkers = 3, 2
	shop := newShop()
	defer shop.Close()
	ch := connectShopFor(t, svc, st, shop, first)
	ctx := context.Background()
	im, runID := startImport(t, svc, st, ch)
	// 40 pages of 5 listings; the first and the last listing share a SKU,
	// so they land in batches far apart, possibly on different workers'
	// turns, but always on the same worker.
	for p := 0; p < 40; p++ {
		var page []channel.Listing
		for i := 0; i < 5; i++ {
			n := p*5 + i
			sku := fmt.Sprintf("S-%03d", n)
			if n == 199 {
				sku = "S-000"
			}
			page = append(page, channel.Listing{ExternalID: fmt.Sprint(n), SKU: sku, Name: "L", Price: "1.00"})
		}
		if err := im.Add(1, nil, page); err != nil {
			t.Fatal(err)
		}
	}
	if err := im.Close(); err != nil {
		t.Fatal(err)
	}
	run, _ := st.Run(ctx, runID)
	if run.Records != 200 || run.New != 199 || run.Failed != 1 || run.PagesDone != 40 {
		t.Fatalf("run: %+v", run)
	}
	fs, _ := st.RunFailures(ctx, runID, 0, 0)
	if len(fs) != 1 || fs[0].ExternalID != "199" || !strings.Contains(fs[0].Cause, "listings 0 and 199") {
		t.Fatalf("failures: %+v", fs)
	}
}

func TestASlowChannelsRunShowsProgressBeforeABatchFills(t *testing.T) {
	svc, st := newService(t)
	svc.BatchSize, svc.ProgressEvery = 10000, time.Millisecond
	shop := newShop()
	defer shop.Close()
	ch := connectShop(t, svc, shop)
	ctx := context.Background()
	runID, _ := st.StartRun(ctx, ch, "catalogue", "manual", 1)
	im, err := svc.NewImporter(ctx, ch, runID)
	if err != nil {
		t.Fatal(err)
	}
	defer im.Close()
	time.Sleep(5 * time.Millisecond)
	if err := im.Add(1, nil, []channel.Listing{{ExternalID: "1", SKU: "A", Price: "1"}}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		run, _ := st.Run(ctx, runID)
		if run.Records == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("one page of a 10,000-listing batch never showed as progress")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestWorkersNeverStoreOneSKUTwice(t *testing.T) {
	bothImportModes(t, workersNeverStoreOneSKUTwice)
}

func workersNeverStoreOneSKUTwice(t *testing.T, first bool) {
	svc, st := newService(t)
	svc.BatchSize, svc.ImportWorkers = 2, 3
	shop := newShop()
	defer shop.Close()
	ch := connectShopFor(t, svc, st, shop, first)
	ctx := context.Background()
	im, runID := startImport(t, svc, st, ch)
	// Every SKU twice in a row, offset by one from the batches, so each pair
	// straddles two batches that different workers would import at once.
	for p := 0; p < 60; p++ {
		var page []channel.Listing
		for i := 0; i < 10; i++ {
			n := p*10 + i
			page = append(page, channel.Listing{ExternalID: fmt.Sprint(n), SKU: fmt.Sprintf("S-%03d", (n+1)/2), Name: "L", Price: "1.00"})
		}
		if err := im.Add(1, nil, page); err != nil {
			t.Fatal(err)
		}
	}
	if err := im.Close(); err != nil {
		t.Fatal(err)
	}
	var twice []string
	if err := st.DB.Select(&twice, `SELECT sku FROM channel_items WHERE channel_id = $1 GROUP BY sku HAVING count(*) > 1`, ch); err != nil {
		t.Fatal(err)
	}
	run, _ := st.Run(ctx, runID)
	var stored int
	st.DB.Get(&stored, `SELECT count(*) FROM channel_items WHERE channel_id = $1`, ch)
	if len(twice) > 0 || run.Records != 600 || run.New+run.Failed != 600 || run.New != stored || run.Failed < 299 {
		t.Fatalf("SKUs stored twice: %v; run %+v with %d stored", twice, run, stored)
	}
}
