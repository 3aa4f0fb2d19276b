package main

import (
	"context"

	"stocksync/internal/channel"
	_ "stocksync/internal/channel/all"
	shopifyfake "stocksync/internal/channel/shopify/fake"
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
	st, _, err := env.newStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	opts := shopifyfake.ModelledExport(shopifyfake.Options{RestoreRate: 1000, MaximumAvailable: 20000})
	shop := shopifyfake.New(opts)
	defer shop.Close()
	shop.Generate(syncListings, 42)
	svc, err := sandboxService(st, make([]byte, 32), channel.Options{})
	if err != nil {
		return err
	}
	id, err := connectSandbox(ctx, svc, "shopify", "Sandbox Shopify",
		map[string]string{"shop_url": shop.URL(), "access_token": shopifyfake.DefaultAccessToken})
	if err != nil {
		return err
	}
	took, err := timeFullSync(ctx, st, svc, id, syncListings)
	if err != nil {
		return err
	}
	report("sync_100k_shopify_s", took.Seconds(), "s")
	report("sync_100k_shopify_modelled_export_s", opts.ExportDuration(syncListings).Seconds(), "s")
	report("sync_100k_shopify_calls", float64(len(shop.Calls())), "calls")
	return nil
}
