package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"stocksync/internal/channel"
	_ "stocksync/internal/channel/all"
	shopifyfake "stocksync/internal/channel/shopify/fake"
	"stocksync/internal/channelsync"
	"stocksync/internal/store"
)

const syncListings = 100_000

// benchSync runs a full catalogue sync of a 100,000-listing Sandbox Shopify
// over loopback HTTP, through the real client (query costs charged as
// Shopify does, at the Plus plan's restore rate) and the real import. The
// shop's bulk export takes the modelled time of a real one
// (shopifyfake.ModelledExport: a 10 s queue, then 1,000 objects a second),
// so the figure is what a merchant waits for; the export's share is
// reported beside it.
func benchSync(ctx context.Context, env *benchEnv) error {
	dbURL, err := env.newDatabase(ctx)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, dbURL)
	if err != nil {
		return err
	}
	defer st.Close()
	opts := shopifyfake.ModelledExport(shopifyfake.Options{RestoreRate: 1000, MaximumAvailable: 20000})
	shop := shopifyfake.New(opts)
	defer shop.Close()
	shop.Generate(syncListings, 42)
	svc, err := channelsync.NewService(st, make([]byte, 32), channel.Options{Addresses: channel.AddressPolicy{Sandbox: true}}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return err
	}
	id, err := svc.Connect(ctx, channelsync.ConnectRequest{Kind: "shopify", Name: "Sandbox Shopify",
		Credentials:  map[string]string{"shop_url": shop.URL(), "access_token": shopifyfake.DefaultAccessToken},
		SyncInterval: 15 * time.Minute, FirstSyncDelay: 30 * time.Minute})
	if err != nil {
		return err
	}
	start := time.Now()
	runID, err := svc.SyncCatalogue(ctx, id, true, "manual", 0)
	if err != nil {
		return err
	}
	took := time.Since(start)
	run, err := st.Run(ctx, runID)
	if err != nil {
		return err
	}
	if run.Status != "succeeded" || run.Records != syncListings {
		return fmt.Errorf("sync ended %s with %d records: %v", run.Status, run.Records, run.Error)
	}
	report("sync_100k_shopify_s", took.Seconds(), "s")
	report("sync_100k_shopify_modelled_export_s", opts.ExportDuration(syncListings).Seconds(), "s")
	report("sync_100k_shopify_calls", float64(len(shop.Calls())), "calls")
	return nil
}
