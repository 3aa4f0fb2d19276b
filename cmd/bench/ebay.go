package main

import (
	"context"
	"fmt"
	"time"

	"stocksync/internal/channel"
	_ "stocksync/internal/channel/all"
	ebayfake "stocksync/internal/channel/ebay/fake"
	"stocksync/internal/channelsync"
	"stocksync/internal/inventory"
)

const (
	ebayPushSKUs     = 10_000
	ebaySyncListings = 20_000
	// ebayBatch is bulk_update_price_quantity's 25 SKUs a call.
	ebayBatch = 25
)

// benchEbay: a burst of 10,000 changed SKUs pushed to a Sandbox eBay
// seller through the real push (calls made against the minimum of one per
// 25 SKUs, and how many SKUs the channel shows within the first hour), and
// a full catalogue sync of 20,000 listings from the fake over loopback HTTP
// through the real client and import.
//
// eBay documents daily quotas, not rates: the Inventory API's daily call
// limit and 250 revisions of a listing a day. Neither binds a single burst
// (10,000 SKUs are 400 calls, one revision each), so the first hour holds
// every SKU the push delivers; the figures are measured at loopback speed
// and the calls are reported beside them to price them at any latency.
func benchEbay(ctx context.Context, env *benchEnv) error {
	if err := benchEbayPush(ctx, env); err != nil {
		return err
	}
	return benchEbaySync(ctx, env)
}

func benchEbayPush(ctx context.Context, env *benchEnv) error {
	st, _, err := env.newStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	userID, err := addBenchUser(ctx, st.DB.DB)
	if err != nil {
		return err
	}
	seller := ebayfake.New(ebayfake.Options{})
	defer seller.Close()
	seller.Generate(ebayPushSKUs, 7)
	// Our items carry the seller's SKUs, so the first sync links them all.
	if _, err := st.DB.ExecContext(ctx, `INSERT INTO items (name, sku)
		SELECT 'Bench eBay item ' || g, 'SKU-' || lpad(g::text, 7, '0') FROM generate_series(1, $1) g`, ebayPushSKUs); err != nil {
		return err
	}
	svc, err := sandboxService(st, make([]byte, 32), channel.Options{})
	if err != nil {
		return err
	}
	ch, err := connectSandbox(ctx, svc, "ebay", "Sandbox eBay", seller.Credentials())
	if err != nil {
		return err
	}
	// Linking sends each item's quantity; that push is not the burst.
	if err := syncLinked(ctx, st, svc, ch, ebayPushSKUs); err != nil {
		return err
	}
	ids, wh, err := itemsInWarehouse(ctx, st)
	if err != nil {
		return err
	}
	// The burst: one receive changes all 10,000 SKUs.
	lines := make([]inventory.Line, len(ids))
	for i, id := range ids {
		lines[i] = inventory.Line{ItemID: id, WarehouseID: wh, Quantity: int64(1 + i%9), Rate: inventory.Money(100)}
	}
	if _, err := st.CreatePurchaseReceive(ctx, inventory.Receive{Vendor: "Bench", Date: time.Now(), Lines: lines}, userID); err != nil {
		return err
	}
	seller.ResetCalls()
	start := time.Now()
	if err := svc.Push(ctx, ch, "change", 0); err != nil {
		return err
	}
	took := time.Since(start)
	calls := seller.CallCount("POST " + ebayfake.InventoryPath + "/bulk_update_price_quantity")
	reached := 0
	for i := range ids {
		if q, ok := seller.Quantity(fmt.Sprintf("SKU-%07d", i+1), ebayfake.DefaultMarketplace); ok && q == 1+i%9 {
			reached++
		}
	}
	minimum := (ebayPushSKUs + ebayBatch - 1) / ebayBatch
	report("ebay_push_calls_ratio", float64(calls)/float64(minimum), "ratio")
	report("ebay_push_calls", float64(calls), "calls")
	if took <= time.Hour {
		report("ebay_push_first_hour", float64(reached), "skus")
	} else {
		report("ebay_push_first_hour", 0, "skus")
	}
	report("ebay_push_10k_s", took.Seconds(), "s")
	return nil
}

// benchEbaySync: full catalogue syncs of 20,000 listings, the channel's
// first (offers read once per SKU: the active inventory report does not
// carry the offer IDs a push addresses), a later one, one by a new Service
// on the same database (a restarted or second server process: the offer
// IDs come from the stored refs), and an incremental one within the hour
// (the same report read again), each with the calls it made (orders and
// tokens included).
func benchEbaySync(ctx context.Context, env *benchEnv) error {
	st, _, err := env.newStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	seller := ebayfake.New(ebayfake.Options{})
	defer seller.Close()
	seller.Generate(ebaySyncListings, 42)
	svc, err := sandboxService(st, make([]byte, 32), channel.Options{})
	if err != nil {
		return err
	}
	ch, err := connectSandbox(ctx, svc, "ebay", "Sandbox eBay", seller.Credentials())
	if err != nil {
		return err
	}
	restarted, err := sandboxService(st, make([]byte, 32), channel.Options{})
	if err != nil {
		return err
	}
	for _, sync := range []struct {
		name string
		svc  *channelsync.Service
	}{{"ebay_sync_20k", svc}, {"ebay_resync_20k", svc}, {"ebay_sync_20k_restart", restarted}} {
		seller.ResetCalls()
		took, err := timeFullSync(ctx, st, sync.svc, ch, ebaySyncListings)
		if err != nil {
			return err
		}
		report(sync.name+"_s", took.Seconds(), "s")
		report(sync.name+"_calls", float64(len(seller.Calls())), "calls")
	}
	seller.ResetCalls()
	start := time.Now()
	if _, err := svc.SyncCatalogue(ctx, ch, false, "schedule", 0); err != nil {
		return err
	}
	report("ebay_incremental_20k_s", time.Since(start).Seconds(), "s")
	report("ebay_incremental_20k_calls", float64(len(seller.Calls())), "calls")
	return nil
}
