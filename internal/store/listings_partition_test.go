package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/pressly/goose/v3"

	"stocksync/internal/catalogue"
	"stocksync/internal/channel"
	"stocksync/internal/store"
	"stocksync/internal/testkit/testdb"
	"stocksync/migrations"
)

// The migration to partitions keeps every stored listing, gives each
// channel its partition, and keeps the triggers working.
func TestListingsMovedIntoPartitionsKeepEverything(t *testing.T) {
	st := testdb.New(t)
	ctx := context.Background()
	p, err := goose.NewProvider(goose.DialectPostgres, st.DB.DB, migrations.FS)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.DownTo(ctx, 5); err != nil {
		t.Fatal(err)
	}
	var item int64
	st.DB.Get(&item, `INSERT INTO items (name, sku) VALUES ('Mug', 'MUG') RETURNING id`)
	st.DB.MustExec(`INSERT INTO channels (id, kind, name, credentials) VALUES (7, 'shopify', 'A', '\x00'), (9, 'woocommerce', 'B', '\x00')`)
	st.DB.MustExec(`INSERT INTO channel_items (channel_id, external_id, listing_key, sku, item_id, link_source)
		VALUES (7, 'a1', 1, 'MUG', $1, 'sku'), (7, 'a2', 2, 'X', NULL, NULL), (9, 'b1', 3, 'MUG', $1, 'sku')`, item)
	var before []string
	st.DB.Select(&before, `SELECT concat_ws(' ', id, channel_id, external_id, item_id) FROM channel_items ORDER BY id`)

	if _, err := p.Up(ctx); err != nil {
		t.Fatal(err)
	}
	var after []string
	st.DB.Select(&after, `SELECT concat_ws(' ', id, channel_id, external_id, item_id) FROM channel_items ORDER BY id`)
	if len(after) != 3 || len(after) != len(before) || after[0] != before[0] || after[2] != before[2] {
		t.Fatalf("listings before %v, after %v", before, after)
	}
	var partitions []string
	st.DB.Select(&partitions, `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
		WHERE i.inhparent = 'channel_items'::regclass ORDER BY 1`)
	if len(partitions) != 2 || partitions[0] != "channel_items_7" || partitions[1] != "channel_items_9" {
		t.Fatalf("partitions %v", partitions)
	}
	// The counting and link-checking triggers act on every partition.
	st.DB.MustExec(`UPDATE channel_items SET item_id = $1, link_source = 'manual' WHERE external_id = 'a2'`, item)
	var unconfirmed int
	st.DB.Get(&unconfirmed, `SELECT unconfirmed FROM channels WHERE id = 7`)
	if unconfirmed != 0 {
		t.Fatalf("channel 7 counts %d unconfirmed after its last one was linked", unconfirmed)
	}
	if _, err := st.DB.Exec(`UPDATE channel_items SET item_id = -1 WHERE external_id = 'b1'`); err == nil {
		t.Fatal("a listing was linked to an item that does not exist")
	}
	// And the way back.
	if _, err := p.DownTo(ctx, 5); err != nil {
		t.Fatal(err)
	}
	var back int
	st.DB.Get(&back, `SELECT count(*) FROM channel_items`)
	if back != 3 {
		t.Fatalf("%d listings after migrating back", back)
	}
}

// Two imports of a channel that has no partition yet, at once: one makes
// it, the other finds it made.
func TestConcurrentImportsMakeOnePartition(t *testing.T) {
	st := testdb.New(t)
	ctx := context.Background()
	ch, err := st.CreateChannel(ctx, store.NewChannel{Kind: "shopify", Name: "Shop", Credentials: []byte{0}})
	if err != nil {
		t.Fatal(err)
	}
	run, _ := st.StartRun(ctx, ch, "catalogue", "manual", 0)
	errs := make(chan error, 4)
	for i := range 4 {
		go func() {
			rows, _ := catalogue.Prepare([]channel.Listing{{ExternalID: fmt.Sprint(i), SKU: fmt.Sprint("S", i), Name: "L"}})
			_, err := st.ImportListings(ctx, store.ImportBatch{ChannelID: ch, RunID: run, Rows: rows})
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	var stored int
	st.DB.Get(&stored, `SELECT count(*) FROM channel_items WHERE channel_id = $1`, ch)
	if stored != 4 {
		t.Fatalf("%d listings stored, want 4", stored)
	}
}
