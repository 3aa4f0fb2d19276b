package main

import (
	"context"
	"fmt"
	"time"

	"stocksync/internal/channel"
	amazonfake "stocksync/internal/channel/amazon/fake"
)

const (
	amazonSyncListings = 50_000
	amazonPushListings = 10_000
)

// amazonPlans are the documented usage plans (rate per second, burst) of
// the operations a sync or push makes, for the lower bound they allow.
var amazonPlans = map[string][2]float64{
	"createReport": {0.0167, 15}, "getReport": {2, 15}, "getReportDocument": {0.0167, 15},
	"searchListingsItems": {5, 5}, "getOrders": {0.0167, 20}, "getOrderItems": {0.5, 30},
	"createFeedDocument": {0.5, 15}, "createFeed": {0.0083, 15}, "getFeed": {2, 15}, "getFeedDocument": {0.0222, 10},
}

// rateBound is the least time the usage plans allow for the calls made,
// each operation's burst spent first.
func rateBound(calls []amazonfake.Call) float64 {
	n := map[string]int{}
	for _, c := range calls {
		n[c.Operation]++
	}
	bound := 0.0
	for op, k := range n {
		if p, ok := amazonPlans[op]; ok && float64(k) > p[1] {
			bound = max(bound, (float64(k)-p[1])/p[0])
		}
	}
	return bound
}

// benchAmazon syncs a 50,000-listing Amazon account from the fake at
// Amazon's documented rate limits, through the merchant listings report
// and the real import, then pushes 10,000 changed quantities through the
// connector: one JSON_LISTINGS_FEED. The fake processes reports and feeds
// as soon as they have been seen in progress once; Amazon's own processing
// time is not modelled, as Amazon publishes none.
func benchAmazon(ctx context.Context, env *benchEnv) error {
	st, _, err := env.newStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	seller := amazonfake.New(amazonfake.Options{})
	defer seller.Close()
	seller.Generate(amazonSyncListings, 42)
	opts := channel.Options{Addresses: channel.AddressPolicy{Sandbox: true}}
	took, err := timeFakeSync(ctx, st, "amazon", "Sandbox Amazon", seller, opts, amazonSyncListings)
	if err != nil {
		return err
	}
	calls := seller.Calls()
	report("amazon_sync_50k_s", took.Seconds(), "s")
	report("amazon_sync_50k_calls", float64(len(calls)), "calls")
	report("amazon_sync_50k_min_s", rateBound(calls), "s")

	seller.Generate(amazonPushListings*10/9+10, 43) // one in ten is FBA, which is never pushed
	kind, _ := channel.Lookup("amazon")
	conn, err := kind.New(seller.Credentials(), opts)
	if err != nil {
		return err
	}
	var updates []channel.QuantityUpdate
	for _, l := range seller.Listings() {
		if !l.FBA && len(updates) < amazonPushListings {
			ref := l.Marketplace + "/" + l.SKU
			updates = append(updates, channel.QuantityUpdate{ExternalID: ref, InventoryRef: ref, Quantity: l.Quantity + 1})
		}
	}
	seller.ResetCalls()
	start := time.Now()
	res, err := conn.SetQuantities(ctx, updates, "bench")
	if err != nil {
		return err
	}
	took = time.Since(start)
	for i, r := range res {
		if r.Err != nil {
			return fmt.Errorf("push: %s: %v", updates[i].ExternalID, r.Err)
		}
	}
	submit := seller.CallCount("createFeedDocument") + seller.CallCount("uploadDocument") + seller.CallCount("createFeed") + seller.CallCount("patchListingsItem")
	report("amazon_push_10k_calls", float64(submit), "calls")
	report("amazon_push_10k_listings", float64(len(updates)), "listings")
	report("amazon_push_10k_s", took.Seconds(), "s")
	return nil
}
