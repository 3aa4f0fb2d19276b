package channelsync_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"stocksync/internal/catalogue"
	"stocksync/internal/channel"
	"stocksync/internal/store"
)

// listingsTables is what the database holds of a channel's listings: the
// partition attached to channel_items (empty if none), its indexes, and any
// other table named for the channel (a load never attached).
func listingsTables(t *testing.T, st *store.Store, ch int64) (partition string, indexes []string, others []string) {
	t.Helper()
	st.DB.Get(&partition, `SELECT COALESCE(max(c.relname), '') FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
		WHERE i.inhparent = 'channel_items'::regclass AND c.relname = 'channel_items_' || $1`, ch)
	if partition != "" {
		if err := st.DB.Select(&indexes, `SELECT indexdef FROM pg_indexes WHERE tablename = $1 ORDER BY 1`, partition); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.DB.Select(&others, `SELECT relname FROM pg_class WHERE relkind = 'r' AND relname LIKE 'channel_items\_' || $1 || '\_%'`, ch); err != nil {
		t.Fatal(err)
	}
	return partition, indexes, others
}

func TestFirstImportLoadsInBulkAndBecomesTheChannelsListings(t *testing.T) {
	svc, st := newService(t)
	svc.BatchSize, svc.ImportWorkers = 2, 2
	shop := newShop()
	defer shop.Close()
	ch := connectShop(t, svc, shop)
	seedItems(t, st, "MUG-1")
	st.DB.MustExec(`INSERT INTO items (name) VALUES ('Blue plate')`)

	if partition, _, _ := listingsTables(t, st, ch); partition != "" {
		t.Fatalf("a channel never imported has a listings partition: %s", partition)
	}
	run := importRun(t, svc, st, ch,
		shopListing("1", "MUG-1", "Mug"),          // linked by SKU
		shopListing("2", "", "Blue plate"),        // linked by name
		shopListing("3", "NEW-3", "Bowl"),         // unconfirmed
		shopListing("4", "NEW-3", "Bowl again"),   // the SKU of 3 again: fails, 3 stays
		shopListing("5", "NEW-5", "Jug"),          // unconfirmed
		shopListing("5", "NEW-5", "Jug, renamed"), // paged over twice: the later copy wins
		channel.Listing{ExternalID: "6"},          // no SKU and no name: fails
	)
	if run.Records != 7 || run.New != 4 || run.Updated != 1 || run.Failed != 2 || run.Synced != 2 || run.NewUnconfirmed != 2 {
		t.Fatalf("run: %+v", run)
	}
	fs, _ := st.RunFailures(context.Background(), run.ID, 0, 0)
	causes := ""
	for _, f := range fs {
		causes += f.ExternalID + ": " + f.Cause + "\n"
	}
	if len(fs) != 2 || !strings.Contains(causes, "4: SKU NEW-3 appears twice in this channel: listings 3 and 4") {
		t.Fatalf("failures:\n%s", causes)
	}

	partition, indexes, others := listingsTables(t, st, ch)
	if partition == "" || len(others) != 0 {
		t.Fatalf("after the first import: partition %q, other tables %v", partition, others)
	}
	// Each of channel_items' nine indexes once: built on the load, not
	// built again by the attach.
	if len(indexes) != 9 {
		t.Fatalf("the partition's indexes:\n%s", strings.Join(indexes, "\n"))
	}
	var stored []struct {
		ExternalID string `db:"external_id"`
		Name       string `db:"name"`
		Source     string `db:"source"`
	}
	st.DB.Select(&stored, `SELECT external_id, name, COALESCE(link_source, '') AS source FROM channel_items WHERE channel_id = $1 ORDER BY external_id`, ch)
	got := ""
	for _, s := range stored {
		got += s.ExternalID + " " + s.Name + " " + s.Source + "\n"
	}
	if want := "1 Mug sku\n2 Blue plate name\n3 Bowl \n5 Jug, renamed \n"; got != want {
		t.Fatalf("stored:\n%swant:\n%s", got, want)
	}
	// Loaded or imported after the attach, each listing knows its run.
	var ofRun, withRaw int
	st.DB.QueryRow(`SELECT count(*) FILTER (WHERE first_seen_run = $2), count(raw) FROM channel_items WHERE channel_id = $1`, ch, run.ID).Scan(&ofRun, &withRaw)
	if ofRun != 4 || withRaw != 4 {
		t.Fatalf("%d listings of the run, %d with their record; want 4 and 4", ofRun, withRaw)
	}
	// The load fills the search text, and gives the partition the search
	// text's statistics target and its statistics.
	var searchable, target, sampled int
	st.DB.QueryRow(`SELECT count(*) FROM channel_items WHERE channel_id = $1
		AND search_text = lower((sku COLLATE "default") || ' ' || name)`, ch).Scan(&searchable)
	st.DB.QueryRow(`SELECT attstattarget FROM pg_attribute WHERE attrelid = $1::regclass AND attname = 'search_text'`, partition).Scan(&target)
	st.DB.QueryRow(`SELECT count(*) FROM pg_stats WHERE tablename = $1 AND attname = 'search_text'`, partition).Scan(&sampled)
	if searchable != 4 || target != 300 || sampled != 1 {
		t.Fatalf("search text: %d of 4 listings, statistics target %d, statistics %d", searchable, target, sampled)
	}
	var listings, unconfirmed int
	st.DB.QueryRow(`SELECT listings, unconfirmed FROM channels WHERE id = $1`, ch).Scan(&listings, &unconfirmed)
	if listings != 4 || unconfirmed != 2 {
		t.Fatalf("channel counts %d listings, %d unconfirmed; want 4, 2", listings, unconfirmed)
	}

	// The next import writes through channel_items and its indexes, by the
	// same rule: the first listing met with a SKU keeps it.
	again := importRun(t, svc, st, ch, shopListing("1", "MUG-1", "Mug"), shopListing("7", "NEW-5", "Clash"),
		shopListing("8", "NEW-8", "Cup"), shopListing("9", "NEW-9", "Saucer"), shopListing("10", "NEW-9", "Saucer too"))
	if again.New != 2 || again.Unchanged != 1 || again.Failed != 2 {
		t.Fatalf("second import: %+v", again)
	}
	fs, _ = st.RunFailures(context.Background(), again.ID, 0, 0)
	causes = ""
	for _, f := range fs {
		causes += f.ExternalID + ": " + f.Cause + "\n"
	}
	if !strings.Contains(causes, "7: SKU NEW-5 appears twice in this channel: listings 5 and 7") ||
		!strings.Contains(causes, "10: SKU NEW-9 appears twice in this channel: listings 10 and 9") {
		t.Fatalf("second import's failures:\n%s", causes)
	}
	st.DB.QueryRow(`SELECT listings, unconfirmed FROM channels WHERE id = $1`, ch).Scan(&listings, &unconfirmed)
	if listings != 6 || unconfirmed != 4 {
		t.Fatalf("after the second import the channel counts %d listings, %d unconfirmed; want 6, 4", listings, unconfirmed)
	}
}

func TestABulkLoadLeftByACrashIsStartedAfresh(t *testing.T) {
	svc, st := newService(t)
	shop := newShop()
	defer shop.Close()
	ch := connectShop(t, svc, shop)
	ctx := context.Background()
	ls := []channel.Listing{shopListing("1", "A", "One"), shopListing("2", "B", "Two"), shopListing("3", "C", "Three")}

	// A first import that wrote a batch and never finished.
	crashed, _ := st.StartRun(ctx, ch, "full_catalogue", "manual", 0)
	load, err := st.BeginBulkLoad(ctx, ch, crashed)
	if err != nil {
		t.Fatal(err)
	}
	defer load.Close()
	rows, _ := catalogue.Prepare(ls[:2])
	for i := range rows {
		rows[i].New, rows[i].SKUNew = true, true
	}
	if _, err := load.Import(ctx, store.ImportBatch{ChannelID: ch, RunID: crashed, Pages: 1, Rows: rows}); err != nil {
		t.Fatal(err)
	}
	if _, _, others := listingsTables(t, st, ch); len(others) != 1 {
		t.Fatalf("the crashed load's table: %v", others)
	}
	var visible int
	st.DB.Get(&visible, `SELECT count(*) FROM channel_items WHERE channel_id = $1`, ch)
	if visible != 0 {
		t.Fatalf("%d listings of an unfinished load are visible", visible)
	}

	run := importRun(t, svc, st, ch, ls...)
	if run.Records != 3 || run.New != 3 {
		t.Fatalf("the import after the crash: %+v", run)
	}
	st.DB.Get(&visible, `SELECT count(*) FROM channel_items WHERE channel_id = $1`, ch)
	partition, _, others := listingsTables(t, st, ch)
	if visible != 3 || partition == "" || len(others) != 0 {
		t.Fatalf("%d listings stored, partition %q, tables left %v", visible, partition, others)
	}
}

func TestABulkLoadTakesOnlyListingsVouchedForAsNew(t *testing.T) {
	_, st := newService(t)
	ctx := context.Background()
	ch, err := st.CreateChannel(ctx, store.NewChannel{Kind: "shopify", Name: "Shop", Credentials: []byte{0}})
	if err != nil {
		t.Fatal(err)
	}
	run, _ := st.StartRun(ctx, ch, "catalogue", "manual", 0)
	load, err := st.BeginBulkLoad(ctx, ch, run)
	if err != nil {
		t.Fatal(err)
	}
	defer load.Close()
	rows, _ := catalogue.Prepare([]channel.Listing{shopListing("1", "A", "One")})
	if _, err := load.Import(ctx, store.ImportBatch{ChannelID: ch, RunID: run, Rows: rows}); err == nil {
		t.Fatal("a bulk load took a listing nobody vouched for as new")
	}
}

func TestABulkLoadHoldingBackTooManyListingsEndsEarly(t *testing.T) {
	svc, st := newService(t)
	svc.BatchSize, svc.ImportWorkers, svc.BulkWaitLimit, svc.ProgressEvery = 2, 2, 3, time.Nanosecond
	shop := newShop()
	defer shop.Close()
	ch := connectShop(t, svc, shop)
	ctx := context.Background()
	im, runID := startImport(t, svc, st, ch)
	// Listings 0-19 use five SKUs four times each: 5 are loaded, 15 wait,
	// more than the load may hold back. Listings 20-29 have SKUs of their own.
	page := func(from, to int) []channel.Listing {
		var ls []channel.Listing
		for n := from; n < to; n++ {
			sku := fmt.Sprintf("S-%d", n%5)
			if n >= 20 {
				sku = fmt.Sprintf("U-%d", n)
			}
			ls = append(ls, shopListing(fmt.Sprint(n), sku, "L"))
		}
		return ls
	}
	// The first five are loaded, out of sight until the load ends.
	if err := im.Add(1, nil, page(0, 5)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the first page to be imported", func() bool {
		run, _ := st.Run(ctx, runID)
		return run.Records == 5
	})
	var visible int
	st.DB.Get(&visible, `SELECT count(*) FROM channel_items WHERE channel_id = $1`, ch)
	if partitioned, _ := st.HasListingsPartition(ctx, ch); partitioned || visible != 0 {
		im.Close()
		t.Fatalf("a first import wrote through channel_items (partition %v, %d listings visible) instead of loading in bulk", partitioned, visible)
	}
	if err := im.Add(1, nil, page(5, 20)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the load to end, with 15 listings held back and room for 3", func() bool {
		partitioned, _ := st.HasListingsPartition(ctx, ch)
		return partitioned
	})
	if err := im.Add(1, nil, page(20, 30)); err != nil {
		t.Fatal(err)
	}
	if err := im.Close(); err != nil {
		t.Fatal(err)
	}
	run, _ := st.Run(ctx, runID)
	var twice []string
	st.DB.Select(&twice, `SELECT sku FROM channel_items WHERE channel_id = $1 GROUP BY sku HAVING count(*) > 1`, ch)
	var stored []string
	st.DB.Select(&stored, `SELECT external_id FROM channel_items WHERE channel_id = $1 ORDER BY id`, ch)
	if run.Records != 30 || run.New != 15 || run.Failed != 15 || run.PagesDone != 3 || len(twice) > 0 || len(stored) != 15 {
		t.Fatalf("run %+v; SKUs stored twice %v; stored %v", run, twice, stored)
	}
	if c, _ := st.Channel(ctx, ch); c.Listings != 15 || c.Unconfirmed != 15 {
		t.Fatalf("the channel counts %d listings, %d unconfirmed; want 15, 15", c.Listings, c.Unconfirmed)
	}
}

// waitFor polls cond for up to ten seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("waited 10 s for %s", what)
		}
	}
}
