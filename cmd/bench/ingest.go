package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/lib/pq"

	"stocksync/internal/channel"
	"stocksync/internal/channelsync"
	"stocksync/internal/store"
	"stocksync/internal/syncrun"
)

const (
	ingestListings = 1_000_000
	ingestItems    = 500_000
	ingestChunk    = 1_000 // listings per page handed to the importer, as an export's chunk
)

// benchIngest imports 1,000,000 generated listings against 500,000 items
// through the sync's own importer (catalogue.Prepare, then
// store.ImportListings in batches on its parallel workers), then imports
// them again unchanged. The import runs in a child process so its peak
// memory is its own.
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
	// The items were there before the channel was connected.
	before := time.Now().Add(-24 * time.Hour)
	stmt, err := tx.Prepare(pq.CopyIn("items", "name", "sku", "created_at", "updated_at"))
	if err != nil {
		return err
	}
	for i := 0; i < ingestItems; i++ {
		sku, name := listingSKU(2*i), fmt.Sprintf("Existing item %d", i)
		if i%10 == 0 {
			sku, name = fmt.Sprintf("OTHER-%d", i), listingName(2*i+1)
		}
		if _, err := stmt.Exec(name, sku, before, before); err != nil {
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
	// As long-standing items would be: vacuumed, so autovacuum does not
	// vacuum them in the middle of the measurement.
	_, err = db.ExecContext(ctx, `VACUUM ANALYZE items`)
	return err
}

func listingSKU(i int) string  { return fmt.Sprintf("LST-%07d", i) }
func listingName(i int) string { return "Listing product " + strconv.Itoa(i) }

// generatedPage makes listings [from, to) as a channel would send them. In
// edition 1 and later, every tenth listing has changed (stock, price and
// modified date), as between two syncs of a busy shop.
func generatedPage(from, to, edition int) []channel.Listing {
	ls := make([]channel.Listing, 0, to-from)
	updated := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for i := from; i < to; i++ {
		q, price := i%50, 1+i%90
		lupdated := updated
		if edition > 0 && i%10 == 0 {
			q, price, lupdated = (q+edition)%50, price+edition, updated.Add(time.Duration(edition)*time.Hour)
		}
		sku := listingSKU(i)
		if i%2 == 1 && (i/2)%10 == 0 {
			sku = "" // matched by name instead
		}
		// strconv rather than fmt: the generator is not what is measured
		l := channel.Listing{
			ExternalID: "gid://shopify/ProductVariant/" + strconv.Itoa(1_000_000+i), ProductID: "gid://shopify/Product/" + strconv.Itoa(i/2),
			SKU: sku, Name: listingName(i), Price: strconv.Itoa(price) + "." + strconv.Itoa(10+i%90), Quantity: &q,
			InventoryRef: "gid://shopify/InventoryItem/" + strconv.Itoa(i), UpdatedAt: lupdated,
		}
		l.Raw = benchRaw(l, i)
		ls = append(ls, l)
	}
	return ls
}

// benchRaw is the variant node a Shopify export sends for l (about 400
// bytes), which the import keeps as the listing's raw record.
func benchRaw(l channel.Listing, i int) []byte {
	b := make([]byte, 0, 448)
	b = append(b, `{"id":"`...)
	b = append(b, l.ExternalID...)
	b = append(b, `","sku":"`...)
	b = append(b, l.SKU...)
	b = append(b, `","title":"Default Title","price":"`...)
	b = append(b, l.Price...)
	b = append(b, `","inventoryQuantity":`...)
	b = strconv.AppendInt(b, int64(*l.Quantity), 10)
	b = append(b, `,"updatedAt":"`...)
	b = l.UpdatedAt.AppendFormat(b, time.RFC3339)
	b = append(b, `","inventoryItem":{"id":"`...)
	b = append(b, l.InventoryRef...)
	b = append(b, `"},"product":{"id":"`...)
	b = append(b, l.ProductID...)
	b = append(b, `","title":"`...)
	b = append(b, l.Name...)
	b = append(b, `","onlineStoreUrl":"https://bench.example/products/listing-product-`...)
	b = strconv.AppendInt(b, int64(i/2), 10)
	b = append(b, `"},"__parentId":"`...)
	b = append(b, l.ProductID...)
	b = append(b, `"}`...)
	return b
}

// ingestChild is the child process: three full imports, timed: the first,
// the same again unchanged, and one in which 10% of listings changed.
func ingestChild(ctx context.Context, dbURL string) error {
	if f := os.Getenv("BENCH_CPUPROFILE"); f != "" {
		out, err := os.Create(f)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(out); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	st, err := store.Open(ctx, dbURL)
	if err != nil {
		return err
	}
	defer st.Close()
	channelID, err := st.CreateChannel(ctx, store.NewChannel{Kind: "shopify", Name: "Bench", Credentials: []byte{0}, SyncInterval: 15 * time.Minute})
	if err != nil {
		return err
	}
	// The sync's own importer, as a full sync drives it from an export.
	svc, err := channelsync.NewService(st, make([]byte, 32), channel.Options{}, nil)
	if err != nil {
		return err
	}
	importAll := func(edition int) (time.Duration, syncrun.Run, error) {
		runID, err := st.StartRun(ctx, channelID, "full_catalogue", "manual", 0)
		if err != nil {
			return 0, syncrun.Run{}, err
		}
		start := time.Now()
		im, err := svc.NewImporter(ctx, channelID, runID)
		if err != nil {
			return 0, syncrun.Run{}, err
		}
		for from := 0; from < ingestListings; from += ingestChunk {
			if err := im.Add(1, nil, generatedPage(from, min(from+ingestChunk, ingestListings), edition)); err != nil {
				im.Close()
				return 0, syncrun.Run{}, err
			}
		}
		if err := im.Close(); err != nil {
			return 0, syncrun.Run{}, err
		}
		took := time.Since(start)
		if err := st.FinishRun(ctx, runID, "", &start); err != nil {
			return 0, syncrun.Run{}, err
		}
		run, err := st.Run(ctx, runID)
		return took, run, err
	}
	took, first, err := importAll(0)
	if err != nil {
		return err
	}
	if first.New != ingestListings || first.Failed != 0 || first.Records != ingestListings {
		return fmt.Errorf("first import counted %+v", first)
	}
	report("ingest_listings_per_s", float64(ingestListings)/took.Seconds(), "listings/s")
	report("ingest_linked", float64(first.Synced), "listings")
	took, again, err := importAll(0)
	if err != nil {
		return err
	}
	if again.Unchanged != ingestListings || again.Records != ingestListings {
		return fmt.Errorf("unchanged re-import counted %+v", again)
	}
	report("resync_unchanged_listings_per_s", float64(ingestListings)/took.Seconds(), "listings/s")
	// The common case: a re-sync that finds a tenth of the catalogue
	// changed, counted over all the listings it reads.
	took, changed, err := importAll(1)
	if err != nil {
		return err
	}
	if changed.Updated != ingestListings/10 || changed.Unchanged != ingestListings-ingestListings/10 || changed.Failed != 0 {
		return fmt.Errorf("10%%-changed re-import counted %+v", changed)
	}
	report("resync_10pct_changed_listings_per_s", float64(ingestListings)/took.Seconds(), "listings/s")
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
