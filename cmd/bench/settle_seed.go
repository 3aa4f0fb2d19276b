package main

// settleSeed is the shared data of issue 10's figures (the Unconfirmed Items
// list, the listing page with its suggestions, bulk confirm and bulk link):
//
//	dbURL, err := settleSeed(ctx, env)
//
// returns a database of the scenario's own, cloned from a template built
// once per bench run (the first call builds it, in four to six minutes on
// the shared machine; later calls clone it in about twenty seconds). The
// clone is dropped after the scenario like any other (env.dropDatabases);
// the template when the run ends. With BENCH_KEEP_DB set the template is
// kept, and BENCH_SETTLE_SEED=<its name> makes a later run clone it instead
// of building another: only while migrations and the bulk load's indexes
// are as they were when it was built.
//
// What it holds:
//   - 500,000 items, as the items scenario seeds them (seedCatalogue): item i
//     is named seedName(i) ("Rustic Oak Chair 1234"), has SKU "SKU-%07d" and
//     price seedPrice(i), five movements and its balances.
//   - the bench user (benchEmail / benchPassword): signIn works on a clone.
//   - three channels, made in this order (ids settleChannelIDs gives):
//     settleChannels, 1,000,000 listings in all. Each channel's listings
//     are its partition of channel_items, loaded as a first import loads
//     them (store.BulkLoad: a table of its own, its indexes built once,
//     attached), and its counts and a succeeded sync run are recorded.
//   - 200,000 unconfirmed listings: every fifth of each channel (listing k
//     with k%5 == 4). The other 800,000 are linked, by SKU or by name, each
//     to an item no other listing of its channel links to.
//   - each unconfirmed listing is about an item not linked in its channel
//     (settleListing says which), in one of these ways, by u%8 where u is
//     its rank among the channel's unconfirmed listings:
//     0–1 the item's SKU apart from case, spaces or punctuation
//     ("sku0412345", "SKU 0412345", "Sku.0412345");
//     2–3 the item's name apart from case or spacing, with the shop's own SKU
//     or none;
//     4 a very similar name (" Large" added) at the item's price;
//     5 a similar name (the noun in the plural) at another price;
//     6–7 a product the catalogue does not have ("Royal Velvet Cushion Set
//     of 3"), with the shop's own SKU.
//
// Scenarios that change listings do so on their clone only.

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"log"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/lib/pq"

	"stocksync/internal/catalogue"
	"stocksync/internal/store"
)

const settleItems = 500_000

type settleChannel struct {
	kind, name, skuPrefix string
	listings              int
}

// settleChannels are the seed's channels; the first holds half the
// listings and is the one the list figures filter by.
var settleChannels = []settleChannel{
	{"shopify", "Main Shopify store", "MS-", 500_000},
	{"shopify", "Outlet Shopify store", "OUT-", 300_000},
	{"woocommerce", "WooCommerce shop", "WC", 200_000},
}

// settleSeedTemplate is the template database of this run, once built.
type settleSeedTemplate struct {
	name string
	err  error
	made bool // built by this run, so dropped at its end
}

// settleSeed returns a fresh clone of the seed described at the top of
// this file, building the template on first use.
func settleSeed(ctx context.Context, env *benchEnv) (string, error) {
	if env.settle == nil {
		env.settle = &settleSeedTemplate{}
		if name := os.Getenv("BENCH_SETTLE_SEED"); name != "" {
			env.settle.name = name
			log.Printf("settle seed: cloning %s (BENCH_SETTLE_SEED)", name)
		} else {
			start := time.Now()
			env.settle.name, env.settle.err = buildSettleSeed(ctx, env)
			env.settle.made = env.settle.name != ""
			if env.settle.err == nil {
				report("settle_seed_s", time.Since(start).Seconds(), "s")
			}
		}
	}
	if env.settle.err != nil {
		return "", env.settle.err
	}
	return env.cloneDatabase(ctx, env.settle.name)
}

// settleChannelIDs are the seed's channels' ids, in settleChannels order.
func settleChannelIDs(ctx context.Context, db *sql.DB) ([]int64, error) {
	var ids []int64
	for _, c := range settleChannels {
		var id int64
		if err := db.QueryRowContext(ctx, `SELECT id FROM channels WHERE name = $1`, c.name).Scan(&id); err != nil {
			return nil, fmt.Errorf("settle seed: channel %q: %w", c.name, err)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func buildSettleSeed(ctx context.Context, env *benchEnv) (string, error) {
	dbURL, err := env.newDatabase(ctx)
	if err != nil {
		return "", err
	}
	// The template outlives the scenario that asked for it first.
	name := env.dbs[len(env.dbs)-1]
	env.dbs = env.dbs[:len(env.dbs)-1]
	if err := seedSettle(ctx, dbURL); err != nil {
		env.dropDatabase(name)
		return "", fmt.Errorf("settle seed: %w", err)
	}
	// A template nobody connects to: CREATE DATABASE … TEMPLATE refuses
	// while anyone is connected, and autovacuum has nothing left to do.
	if err := env.adminExec(ctx, `ALTER DATABASE `+pq.QuoteIdentifier(name)+` WITH ALLOW_CONNECTIONS false`); err != nil {
		return "", err
	}
	return name, nil
}

func seedSettle(ctx context.Context, dbURL string) error {
	db, err := sql.Open("postgres", dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	userID, err := addBenchUser(ctx, db)
	if err != nil {
		return err
	}
	var wh int64
	if err := db.QueryRowContext(ctx, `SELECT id FROM warehouses WHERE name = $1`, seedWarehouseLabel).Scan(&wh); err != nil {
		return err
	}
	if err := seedCatalogue(ctx, dbURL, userID, wh, settleItems); err != nil {
		return err
	}
	st, err := store.Open(ctx, dbURL)
	if err != nil {
		return err
	}
	defer st.Close()
	start := time.Now()
	var firstID int64
	for c, ch := range settleChannels {
		id, err := st.CreateChannel(ctx, store.NewChannel{Kind: ch.kind, Name: ch.name, Credentials: []byte{0},
			SyncInterval: 7 * 24 * time.Hour, FirstSyncDelay: 7 * 24 * time.Hour, CreatedBy: userID})
		if err != nil {
			return err
		}
		if err := loadSettleChannel(ctx, st, db, c, id, firstID); err != nil {
			return fmt.Errorf("channel %q: %w", ch.name, err)
		}
		firstID += int64(ch.listings)
	}
	if _, err := db.ExecContext(ctx, `SELECT setval('channel_items_id_seq', $1)`, firstID); err != nil {
		return err
	}
	log.Printf("settle seed: loaded %d listings in %s", firstID, time.Since(start).Round(time.Millisecond))
	for _, q := range []string{`VACUUM ANALYZE channel_items`, `VACUUM ANALYZE channels`, `VACUUM ANALYZE sync_runs`, `CHECKPOINT`} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	var listings, unconfirmed int
	if err := db.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE item_id IS NULL) FROM channel_items`).Scan(&listings, &unconfirmed); err != nil {
		return err
	}
	if listings != 1_000_000 || unconfirmed != 200_000 {
		return fmt.Errorf("seeded %d listings, %d unconfirmed", listings, unconfirmed)
	}
	return nil
}

// loadSettleChannel loads channel c's listings as its first import would:
// into the bulk load's table by COPY, then Finish builds the indexes and
// attaches it. Listing k gets id firstID+k+1.
func loadSettleChannel(ctx context.Context, st *store.Store, db *sql.DB, c int, channelID, firstID int64) error {
	runID, err := st.StartRun(ctx, channelID, "full_catalogue", "manual", 0)
	if err != nil {
		return err
	}
	load, err := st.BeginBulkLoad(ctx, channelID, runID)
	if err != nil {
		return err
	}
	n := settleChannels[c].listings
	seen := time.Now().Add(-30 * 24 * time.Hour)
	err = copyRows(ctx, db, load.Table(), []string{"id", "channel_id", "external_id", "product_id", "sku", "name", "price", "quantity",
		"inventory_ref", "channel_updated_at", "item_id", "link_source", "linked_at", "first_seen_at", "updated_at", "listing_key"},
		n, func(i int, emit func(...any) error) error {
			l := settleListing(c, i-1)
			at := seen.Add(time.Duration(i) * 2 * time.Second)
			var itemID, source, linkedAt any
			if l.itemID != 0 {
				itemID, source, linkedAt = l.itemID, l.source, at
			}
			return emit(firstID+int64(i), channelID, l.externalID, l.productID, l.sku, l.name, l.price, (i*7)%50,
				l.inventoryRef, at, itemID, source, linkedAt, at, at, catalogue.ListingKey(l.externalID))
		})
	if err != nil {
		load.Close()
		return err
	}
	if err := load.Finish(ctx); err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, `UPDATE channels SET listings = $2, unconfirmed = $3 WHERE id = $1`, channelID, n, n/5); err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, `UPDATE sync_runs SET records = $2, records_total = $2, new_records = $2, synced = $3,
		new_unconfirmed = $4 WHERE id = $1`, runID, n, n-n/5, n/5); err != nil {
		return err
	}
	return st.FinishRun(ctx, runID, "", nil)
}

// settleListingRow is one generated listing; itemID is the item it is
// linked to (0: unconfirmed), about is the item an unconfirmed one is
// about (0: a product the catalogue does not have).
type settleListingRow struct {
	externalID, productID, inventoryRef string
	sku, name, price, source            string
	itemID, about                       int64
}

var (
	settleColours  = strings.Fields("Black White Grey Natural Blue Green")
	settleSKUCases = []string{"sku%07d", "SKU %07d", "Sku.%07d", "sku-%07d"}
)

func seedPrice(i int) string { return fmt.Sprintf("%d.%02d", 5+i%200, i%100) }

// settleListing is listing k (from 0) of channel c.
func settleListing(c, k int) settleListingRow {
	ch := settleChannels[c]
	offset := []int{0, 123_457, 345_679}[c]
	var l settleListingRow
	if ch.kind == "shopify" {
		l.externalID = "gid://shopify/ProductVariant/" + strconv.Itoa(40_000_000+c*2_000_000+k)
		l.productID = "gid://shopify/Product/" + strconv.Itoa(7_000_000+c*1_000_000+k/2)
		l.inventoryRef = "gid://shopify/InventoryItem/" + strconv.Itoa(50_000_000+c*2_000_000+k)
	} else {
		l.externalID = strconv.Itoa(1000 + k)
		l.productID = l.externalID
	}
	if k%5 != 4 {
		j := k/5*4 + k%5 // rank among the channel's linked listings
		item := 1 + (j+offset)%settleItems
		l.itemID, l.about = int64(item), int64(item)
		l.sku, l.name, l.price, l.source = fmt.Sprintf("SKU-%07d", item), seedName(item), seedPrice(item), "sku"
		if j%20 == 7 {
			l.sku, l.source = ch.skuPrefix+strconv.Itoa(100_000+j), "name"
		}
		return l
	}
	u := k / 5 // rank among the channel's unconfirmed listings
	item := 1 + (ch.listings*4/5+u+offset)%settleItems
	name := seedName(item)
	own := ch.skuPrefix + strconv.Itoa(500_000+u)
	l.about, l.price = int64(item), seedPrice(item+1)
	switch u % 8 {
	case 0, 1:
		l.sku = fmt.Sprintf(settleSKUCases[(u/8)%len(settleSKUCases)], item)
		l.name = name + " (" + settleColours[u%len(settleColours)] + ")"
		l.price = seedPrice(item)
	case 2:
		l.sku, l.name = own, strings.ToLower(name)
	case 3:
		l.name = strings.Replace(name, " ", "  ", 1) + " "
	case 4:
		l.sku, l.name, l.price = own, name+" Large", seedPrice(item)
	case 5:
		w := strings.Fields(name)
		w[2] += "s"
		l.sku, l.name = own, strings.Join(w, " ")
	default:
		a, m, n := len(adjectives), len(materials), len(nouns)
		v := u * 7919
		l.sku = own
		l.name = fmt.Sprintf("%s %s %s Set of %d", adjectives[v%a], materials[(v/a)%m], nouns[(v/(a*m))%n], 2+u%5)
		l.about = 0
	}
	return l
}

// cloneDatabase makes a database from a template, dropped with the
// scenario's others. FILE_COPY copies the files after a checkpoint, far
// faster for gigabytes than the default, which writes every page to WAL.
func (e *benchEnv) cloneDatabase(ctx context.Context, template string) (string, error) {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	name := "stocksync_bench_" + hex.EncodeToString(b)
	start := time.Now()
	q := `CREATE DATABASE ` + pq.QuoteIdentifier(name) + ` TEMPLATE ` + pq.QuoteIdentifier(template) + ` STRATEGY = FILE_COPY`
	var err error
	for try := 0; try < 20; try++ {
		// A session just closed may not have left the template yet.
		if err = e.adminExec(ctx, q); err == nil || !strings.Contains(err.Error(), "being accessed by other users") {
			break
		}
		time.Sleep(250 * time.Millisecond)
	}
	if err != nil {
		return "", fmt.Errorf("clone %s: %w", template, err)
	}
	e.dbs = append(e.dbs, name)
	log.Printf("cloned %s in %s", template, time.Since(start).Round(time.Millisecond))
	u, _ := url.Parse(e.adminURL)
	u.Path = "/" + name
	return u.String(), nil
}

// dropSettleSeed drops the template this run built, unless BENCH_KEEP_DB
// keeps it for BENCH_SETTLE_SEED.
func (e *benchEnv) dropSettleSeed() {
	if e.settle == nil || !e.settle.made {
		return
	}
	if os.Getenv("BENCH_KEEP_DB") != "" {
		log.Printf("keeping the settle seed %s: BENCH_SETTLE_SEED=%s reuses it", e.settle.name, e.settle.name)
		return
	}
	e.dropDatabase(e.settle.name)
}
