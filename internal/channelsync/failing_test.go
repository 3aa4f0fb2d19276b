package channelsync_test

import (
	"context"
	"testing"
	"time"

	shopifyfake "stocksync/internal/channel/shopify/fake"
	"stocksync/internal/store"
	"stocksync/internal/syncrun"
)

func syncRun(t *testing.T, svc interface {
	SyncCatalogue(context.Context, int64, bool, string, int64) (int64, error)
}, st *store.Store, ch int64, full bool, job int64) syncrun.Run {
	t.Helper()
	runID, err := svc.SyncCatalogue(context.Background(), ch, full, "manual", job)
	if err != nil {
		t.Fatal(err)
	}
	run, err := st.Run(context.Background(), runID)
	if err != nil {
		t.Fatal(err)
	}
	if run.Status != "succeeded" {
		t.Fatalf("run %d: %s %v", run.ID, run.Status, run.Error)
	}
	return run
}

func failingNow(t *testing.T, st *store.Store, ch int64) []store.FailingListing {
	t.Helper()
	fs, err := st.FailingListings(context.Background(), ch, 100)
	if err != nil {
		t.Fatal(err)
	}
	c, err := st.Channel(context.Background(), ch)
	if err != nil {
		t.Fatal(err)
	}
	if c.Failing != len(fs) {
		t.Fatalf("the channel counts %d failing listings, %d are listed", c.Failing, len(fs))
	}
	return fs
}

// B fails because A holds its SKU. Fixing A on the channel, without
// touching B, must let the next incremental sync import B: nothing else
// would ever read B again.
func TestAFailureCausedByAnotherListingClearsWhenItsCauseDoes(t *testing.T) {
	svc, st := newService(t)
	shop := newShop()
	defer shop.Close()
	old := time.Now().Add(-time.Hour)
	a := shop.AddListing(shopifyfake.Listing{ProductTitle: "Oak Board", SKU: "OAK-1", Price: "30.00", UpdatedAt: old})
	b := shop.AddListing(shopifyfake.Listing{ProductTitle: "Oak Board Large", SKU: "OAK-1", Price: "45.00", UpdatedAt: old})
	ch := connectShop(t, svc, shop)

	first := syncRun(t, svc, st, ch, false, 1)
	if first.Failed != 1 || first.New != 1 {
		t.Fatalf("first run: %+v", first)
	}
	fs := failingNow(t, st, ch)
	if len(fs) != 1 || fs[0].ExternalID != b.ID || fs[0].FirstRunID != first.ID {
		t.Fatalf("failing now after the first run: %+v", fs)
	}

	shop.SetSKU(a.ID, "OAK-1-S")
	next := syncRun(t, svc, st, ch, false, 2)
	if next.Kind != "catalogue" || next.Failed != 0 {
		t.Fatalf("incremental run: %+v", next)
	}
	var sku string
	if err := st.DB.Get(&sku, `SELECT sku FROM channel_items WHERE channel_id = $1 AND external_id = $2`, ch, b.ID); err != nil {
		t.Fatalf("B was not imported once A gave up its SKU: %v", err)
	}
	if fs := failingNow(t, st, ch); len(fs) != 0 {
		t.Fatalf("still failing now: %+v", fs)
	}
}

// A listing that stays broken is failing now in every run until it leaves
// the channel, and keeps the run that first found it.
func TestAListingFailsInEveryRunUntilItLeavesTheChannel(t *testing.T) {
	svc, st := newService(t)
	shop := newShop()
	defer shop.Close()
	old := time.Now().Add(-time.Hour)
	good := shop.AddListing(shopifyfake.Listing{ProductTitle: "Pine Box", SKU: "PINE-1", Price: "12.00", UpdatedAt: old})
	bad := shop.AddListing(shopifyfake.Listing{ProductTitle: "Elm Box", SKU: "ELM-1", Price: "twelve", UpdatedAt: old})
	ch := connectShop(t, svc, shop)

	first := syncRun(t, svc, st, ch, false, 1)
	for job := int64(2); job <= 3; job++ {
		run := syncRun(t, svc, st, ch, false, job)
		if run.Failed != 1 || run.New != 0 {
			t.Fatalf("incremental run %d: %+v", job, run)
		}
		fs := failingNow(t, st, ch)
		if len(fs) != 1 || fs[0].ExternalID != bad.ID || fs[0].FirstRunID != first.ID || fs[0].LastRunID != run.ID {
			t.Fatalf("failing now after run %d: %+v", job, fs)
		}
	}
	// A full run reads it again, and finds it failing still.
	full := syncRun(t, svc, st, ch, true, 4)
	if full.Failed != 1 {
		t.Fatalf("full run: %+v", full)
	}

	shop.SetListings([]shopifyfake.Listing{good})
	syncRun(t, svc, st, ch, true, 5)
	if fs := failingNow(t, st, ch); len(fs) != 0 {
		t.Fatalf("a listing gone from the channel is still failing now: %+v", fs)
	}
}
