package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/lib/pq"

	"stocksync/internal/catalogue"
	"stocksync/internal/channel"
	"stocksync/internal/store"
)

const (
	ingestListings  = 1_000_000
	ingestItems     = 500_000
	ingestBatchSize = 20_000
)

// benchIngest imports 1,000,000 generated listings against 500,000 items
// through the import the sync uses (catalogue.Prepare, then
// store.ImportListings a batch at a time), then imports them again
// unchanged. The import runs in a child process so its peak memory is its
// own.
func benchIngest(ctx context.Context, env *benchEnv) error {
	dbURL, err := env.newDatabase(ctx)
	if err != nil {
		return err
	}
	if err := seedIngestItems(ctx, dbURL); err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, self, "-child", "ingest", "-db", dbURL)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	return cmd.Run()
}

// seedIngestItems adds the existing items by COPY: every second listing's
// SKU is an item's, and every tenth of the rest matches an item by name.
func seedIngestItems(ctx context.Context, dbURL string) error {
	db, err := sql.Open("postgres", dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	stmt, err := tx.Prepare(pq.CopyIn("items", "name", "sku"))
	if err != nil {
		return err
	}
	for i := 0; i < ingestItems; i++ {
		sku, name := listingSKU(2*i), fmt.Sprintf("Existing item %d", i)
		if i%10 == 0 {
			sku, name = fmt.Sprintf("OTHER-%d", i), listingName(2*i+1)
		}
		if _, err := stmt.Exec(name, sku); err != nil {
			return err
		}
	}
	if _, err := stmt.Exec(); err != nil {
		return err
	}
	if err := stmt.Close(); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	_, err = db.ExecContext(ctx, `ANALYZE items`)
	return err
}

func listingSKU(i int) string  { return fmt.Sprintf("LST-%07d", i) }
func listingName(i int) string { return fmt.Sprintf("Listing product %d", i) }

// generatedPage makes listings [from, to) as a channel would send them.
func generatedPage(from, to int) []channel.Listing {
	ls := make([]channel.Listing, 0, to-from)
	for i := from; i < to; i++ {
		q := i % 50
		sku := listingSKU(i)
		if i%2 == 1 && (i/2)%10 == 0 {
			sku = "" // matched by name instead
		}
		ls = append(ls, channel.Listing{
			ExternalID: fmt.Sprintf("gid://shopify/ProductVariant/%d", 1_000_000+i), ProductID: fmt.Sprintf("gid://shopify/Product/%d", i/2),
			SKU: sku, Name: listingName(i), Price: fmt.Sprintf("%d.%02d", 1+i%90, i%100), Quantity: &q,
			InventoryRef: fmt.Sprintf("gid://shopify/InventoryItem/%d", i), UpdatedAt: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
		})
	}
	return ls
}

// ingestChild is the child process: two full imports, timed.
func ingestChild(ctx context.Context, dbURL string) error {
	st, err := store.Open(ctx, dbURL)
	if err != nil {
		return err
	}
	defer st.Close()
	channelID, err := st.CreateChannel(ctx, store.NewChannel{Kind: "shopify", Name: "Bench", Credentials: []byte{0}, SyncInterval: 15 * time.Minute})
	if err != nil {
		return err
	}
	importAll := func() (time.Duration, catalogue.Counts, error) {
		var total catalogue.Counts
		runID, err := st.StartRun(ctx, channelID, "full_catalogue", "manual", 0)
		if err != nil {
			return 0, total, err
		}
		start := time.Now()
		for from := 0; from < ingestListings; from += ingestBatchSize {
			rows, failures := catalogue.Prepare(generatedPage(from, min(from+ingestBatchSize, ingestListings)))
			c, err := st.ImportListings(ctx, store.ImportBatch{ChannelID: channelID, RunID: runID, Pages: ingestBatchSize / 250, Rows: rows, Failures: failures})
			if err != nil {
				return 0, total, err
			}
			total.Add(c)
		}
		return time.Since(start), total, st.FinishRun(ctx, runID, "", nil)
	}
	took, first, err := importAll()
	if err != nil {
		return err
	}
	if first.New != ingestListings || first.Failed != 0 {
		return fmt.Errorf("first import counted %+v", first)
	}
	report("ingest_listings_per_s", float64(ingestListings)/took.Seconds(), "listings/s")
	report("ingest_linked", float64(first.Synced), "listings")
	took, again, err := importAll()
	if err != nil {
		return err
	}
	if again.Unchanged != ingestListings {
		return fmt.Errorf("unchanged re-import counted %+v", again)
	}
	report("resync_unchanged_listings_per_s", float64(ingestListings)/took.Seconds(), "listings/s")
	report("ingest_peak_rss_mb", peakRSSMB(), "MB")
	return nil
}

// peakRSSMB is this process's high-water resident memory.
func peakRSSMB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			var kb float64
			fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(line, "VmHWM:")), "%f", &kb)
			return kb / 1024
		}
	}
	return -1
}
