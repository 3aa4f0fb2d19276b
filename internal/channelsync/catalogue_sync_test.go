package channelsync_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"stocksync/internal/channel"
	_ "stocksync/internal/channel/shopify"
	shopifyfake "stocksync/internal/channel/shopify/fake"
	"stocksync/internal/channelsync"
	"stocksync/internal/store"
	"stocksync/internal/testkit/testdb"
)

var secretKey = bytes.Repeat([]byte{3}, 32)

// virtualClock is shared by the client's Sleep and the fake's clock, so
// throttling resolves at once and tests never wait.
type virtualClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *virtualClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *virtualClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
	return ctx.Err()
}

var clock = &virtualClock{now: time.Now()}

func newShop() *shopifyfake.Server { return shopifyfake.New(shopifyfake.Options{Now: clock.Now}) }

func newService(t *testing.T) (*channelsync.Service, *store.Store) {
	st := testdb.New(t)
	return serviceOn(t, st), st
}

// serviceOn is another Service on st's database: a new server process,
// with nothing in memory from the others.
func serviceOn(t *testing.T, st *store.Store) *channelsync.Service {
	t.Helper()
	svc, err := channelsync.NewService(st, secretKey, channel.Options{
		Sleep:      clock.Sleep,
		Now:        clock.Now,
		MaxRetries: 3,
		Addresses:  channel.AddressPolicy{Sandbox: true}, // the fakes listen on loopback
	}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	svc.BatchSize = 500
	return svc
}

// connectFake connects a channel to a fake, synced every 15 minutes, the
// first time after firstSync.
func connectFake(t *testing.T, svc *channelsync.Service, kind, name string, creds map[string]string, firstSync time.Duration) int64 {
	t.Helper()
	id, err := svc.Connect(context.Background(), channelsync.ConnectRequest{Kind: kind, Name: name, Credentials: creds,
		SyncInterval: 15 * time.Minute, FirstSyncDelay: firstSync})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func connectShop(t *testing.T, svc *channelsync.Service, shop *shopifyfake.Server) int64 {
	t.Helper()
	return connectFake(t, svc, "shopify", "Test shop",
		map[string]string{"shop_url": shop.URL(), "access_token": shopifyfake.DefaultAccessToken}, 30*time.Minute)
}

// pageThrough makes the channel's next sync incremental from long ago, so
// it pages through the whole catalogue instead of asking for an export.
func pageThrough(t *testing.T, st *store.Store, channelID int64) {
	t.Helper()
	st.DB.MustExec(`UPDATE channels SET listings_since = '2000-01-01' WHERE id = $1`, channelID)
}

func seedItems(t *testing.T, st *store.Store, skus ...string) {
	for _, sku := range skus {
		st.DB.MustExec(`INSERT INTO items (name, sku) VALUES ($1, $2)`, "Item "+sku, sku)
	}
}

func TestConnectSealsCredentialsAndSchedulesTheFirstSync(t *testing.T) {
	svc, st := newService(t)
	shop := newShop()
	defer shop.Close()
	id := connectShop(t, svc, shop)
	var sealed []byte
	var delay float64
	st.DB.QueryRow(`SELECT credentials, extract(epoch FROM next_sync_at - created_at) FROM channels WHERE id = $1`, id).Scan(&sealed, &delay)
	if bytes.Contains(sealed, []byte(shopifyfake.DefaultAccessToken)) || bytes.Contains(sealed, []byte("shop_url")) {
		t.Fatal("credentials are stored in the clear")
	}
	if delay < 1799 || delay > 1801 {
		t.Fatalf("first sync in %v s, want 1800", delay)
	}
	// Wrong credentials are refused before anything is stored.
	_, err := svc.Connect(context.Background(), channelsync.ConnectRequest{
		Kind: "shopify", Name: "Wrong", SyncInterval: 15 * time.Minute,
		Credentials: map[string]string{"shop_url": shop.URL(), "access_token": "shpat_wrong"},
	})
	if err == nil || !strings.Contains(err.Error(), "rejected the credentials") {
		t.Fatalf("wrong token: %v", err)
	}
	var n int
	st.DB.Get(&n, `SELECT count(*) FROM channels`)
	if n != 1 {
		t.Fatalf("%d channels stored", n)
	}
}

func TestCatalogueSyncImportsEveryPageWithExactCounts(t *testing.T) {
	svc, st := newService(t)
	shop := newShop()
	defer shop.Close()
	shop.Generate(600, 1)
	listings := shop.Listings()
	shop.SetBrokenField(listings[10].ID) // price that does not parse
	var matching []string
	for _, l := range listings[:100] {
		if l.SKU != "" {
			matching = append(matching, l.SKU)
		}
	}
	seedItems(t, st, matching...)
	ch := connectShop(t, svc, shop)
	pageThrough(t, st, ch)

	// Throttling, a 500 and a retried page on the way still end in exact counts.
	shop.ThrottleNext(2)
	shop.FailNext(1, 500)
	runID, err := svc.SyncCatalogue(context.Background(), ch, false, "manual", 1)
	if err != nil {
		t.Fatal(err)
	}
	run, _ := st.Run(context.Background(), runID)
	if run.Status != "succeeded" || run.Records != 600 || run.Failed != 1 || run.New != 599 || run.PagesDone != 4 || run.Kind != "catalogue" {
		t.Fatalf("run: %+v (error %v)", run, run.Error)
	}
	wantLinked := len(matching)
	if contains(matching, listings[10].SKU) { // the broken listing is not imported
		wantLinked--
	}
	if run.Synced != wantLinked || run.NewUnconfirmed != 599-wantLinked {
		t.Fatalf("synced %d (want %d), new unconfirmed %d", run.Synced, wantLinked, run.NewUnconfirmed)
	}
	fs, _ := st.RunFailures(context.Background(), runID, 0, 0)
	if len(fs) != 1 || !strings.Contains(fs[0].Cause, "is not a number") {
		t.Fatalf("failures: %+v", fs)
	}
	// The schedule now runs from this sync, not from the first-sync delay.
	var next time.Time
	st.DB.Get(&next, `SELECT next_sync_at FROM channels WHERE id = $1`, ch)
	if until := time.Until(next); until < 14*time.Minute || until > 16*time.Minute {
		t.Fatalf("next sync in %v, want the 15 minute interval after this sync", until)
	}

	// Re-running it as a full sync (an export, not paging) duplicates nothing.
	runID2, err := svc.SyncCatalogue(context.Background(), ch, true, "manual", 2)
	if err != nil {
		t.Fatal(err)
	}
	run2, _ := st.Run(context.Background(), runID2)
	if run2.Status != "succeeded" || run2.New != 0 || run2.Unchanged != 599 || run2.Failed != 1 || run2.Kind != "full_catalogue" || run2.PagesDone != 1 {
		t.Fatalf("re-run: %+v", run2)
	}
	var stored int
	st.DB.Get(&stored, `SELECT count(*) FROM channel_items WHERE channel_id = $1`, ch)
	if stored != 599 {
		t.Fatalf("%d listings stored, want 599", stored)
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func TestMalformedPageEndsTheRunCleanly(t *testing.T) {
	svc, st := newService(t)
	shop := newShop()
	defer shop.Close()
	shop.Generate(600, 2)
	ch := connectShop(t, svc, shop)
	pageThrough(t, st, ch)
	// The first page arrives; every try of the second is cut short.
	shop.MalformedNext(0)
	runID, err := svc.SyncCatalogue(context.Background(), ch, false, "manual", 1)
	if err != nil {
		t.Fatal(err)
	}
	run, _ := st.Run(context.Background(), runID)
	if run.Status != "succeeded" {
		t.Fatalf("without faults: %+v %s", run, *run.Error)
	}
	// Now with a malformed page: the run fails with its cause, recorded.
	shop.Generate(10, 3)
	shop.MalformedNext(10)
	pageThrough(t, st, ch)
	runID, err = svc.SyncCatalogue(context.Background(), ch, false, "manual", 2)
	if err != nil {
		t.Fatal(err)
	}
	run, _ = st.Run(context.Background(), runID)
	if run.Status != "failed" || run.Error == nil || !strings.Contains(*run.Error, "page 1") {
		t.Fatalf("malformed: %+v %v", run, run.Error)
	}
	fs, _ := st.RunFailures(context.Background(), runID, 0, 0)
	if len(fs) != 1 || fs[0].Label != "page 1" || !strings.Contains(fs[0].Cause, "could not be read") {
		t.Fatalf("failures: %+v", fs)
	}
	var since time.Time
	st.DB.Get(&since, `SELECT listings_since FROM channels WHERE id = $1`, ch)
	if since.Year() != 2000 {
		t.Fatalf("a failed run moved the cursor to %v", since)
	}
}

func TestRejectedCredentialsMarkTheChannel(t *testing.T) {
	svc, st := newService(t)
	shop := newShop()
	defer shop.Close()
	shop.Generate(5, 4)
	ch := connectShop(t, svc, shop)
	shop.DenyAccess("productVariants")
	runID, err := svc.SyncCatalogue(context.Background(), ch, false, "manual", 1)
	if err != nil {
		t.Fatal(err)
	}
	run, _ := st.Run(context.Background(), runID)
	c, _ := st.Channel(context.Background(), ch)
	if run.Status != "failed" || !strings.Contains(*run.Error, "reconnect") || c.NeedsAttention == nil {
		t.Fatalf("run %+v, channel attention %v", run, c.NeedsAttention)
	}
	shop.DenyAccess()
	if _, err := svc.SyncCatalogue(context.Background(), ch, false, "manual", 2); err != nil {
		t.Fatal(err)
	}
	c, _ = st.Channel(context.Background(), ch)
	if c.NeedsAttention != nil {
		t.Fatalf("a good run did not clear the attention flag: %v", *c.NeedsAttention)
	}
}

func TestTransientFailuresEndTheRunWithTheCause(t *testing.T) {
	svc, st := newService(t)
	shop := newShop()
	defer shop.Close()
	shop.Generate(5, 5)
	ch := connectShop(t, svc, shop)
	shop.FailNext(100, 503)
	runID, err := svc.SyncCatalogue(context.Background(), ch, false, "manual", 1)
	if err != nil {
		t.Fatal(err)
	}
	run, _ := st.Run(context.Background(), runID)
	if run.Status != "failed" || !strings.Contains(*run.Error, "after several tries") {
		t.Fatalf("run: %+v %v", run, fmt.Sprint(run.Error))
	}
}

func TestAFullSyncUsesTheCatalogueExport(t *testing.T) {
	svc, st := newService(t)
	shop := newShop()
	defer shop.Close()
	shop.Generate(2500, 13)
	shop.SetBrokenField(shop.Listings()[42].ID)
	ch := connectShop(t, svc, shop)
	runID, err := svc.SyncCatalogue(context.Background(), ch, false, "first", 1)
	if err != nil {
		t.Fatal(err)
	}
	run, _ := st.Run(context.Background(), runID)
	if run.Status != "succeeded" || run.Kind != "full_catalogue" || run.Records != 2500 || run.New != 2499 || run.Failed != 1 || run.PagesDone != 3 {
		t.Fatalf("run: %+v %v", run, run.Error)
	}
	if n := shop.CallCount("productVariants"); n != 0 {
		t.Fatalf("a full sync paged %d times instead of exporting", n)
	}
	// The next sync is incremental: it pages, and finds nothing new.
	runID, _ = svc.SyncCatalogue(context.Background(), ch, false, "schedule", 2)
	run, _ = st.Run(context.Background(), runID)
	if run.Status != "succeeded" || run.Kind != "catalogue" || run.New != 0 {
		t.Fatalf("incremental run: %+v", run)
	}
}

func TestAFailedExportFallsBackToPaging(t *testing.T) {
	svc, st := newService(t)
	shop := newShop()
	defer shop.Close()
	shop.Generate(300, 14)
	ch := connectShop(t, svc, shop)
	shop.FailNextBulk("INTERNAL_SERVER_ERROR")
	runID, err := svc.SyncCatalogue(context.Background(), ch, true, "manual", 1)
	if err != nil {
		t.Fatal(err)
	}
	run, _ := st.Run(context.Background(), runID)
	if run.Status != "succeeded" || run.Records != 300 || run.New != 300 {
		t.Fatalf("run: %+v %v", run, run.Error)
	}
	if shop.CallCount("productVariants") == 0 {
		t.Fatal("the sync did not page after the export failed")
	}
}

func TestAnItemAddedLaterLinksOnTheNextFullSync(t *testing.T) {
	svc, st := newService(t)
	shop := newShop()
	defer shop.Close()
	l := shop.AddListing(shopifyfake.Listing{ProductTitle: "Walnut Tray", SKU: "WT-1", Price: "20.00"})
	ch := connectShop(t, svc, shop)
	if _, err := svc.SyncCatalogue(context.Background(), ch, false, "first", 1); err != nil {
		t.Fatal(err)
	}
	var item *int64
	st.DB.Get(&item, `SELECT item_id FROM channel_items WHERE external_id = $1`, l.ID)
	if item != nil {
		t.Fatal("linked with no item to link to")
	}
	// Nothing changed among the items: an unchanged listing is not matched again.
	svc.SyncCatalogue(context.Background(), ch, true, "manual", 2)
	st.DB.MustExec(`INSERT INTO items (name, sku) VALUES ('Walnut Tray', 'OTHER')`)
	if _, err := svc.SyncCatalogue(context.Background(), ch, true, "manual", 3); err != nil {
		t.Fatal(err)
	}
	st.DB.Get(&item, `SELECT item_id FROM channel_items WHERE external_id = $1`, l.ID)
	if item == nil {
		t.Fatal("the listing did not link to the item added since the last sync")
	}
}
