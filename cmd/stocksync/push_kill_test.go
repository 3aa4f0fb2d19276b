package main

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"stocksync/internal/auth"
	shopifyfake "stocksync/internal/channel/shopify/fake"
	"stocksync/internal/channelsync"
	"stocksync/internal/inventory"
	"stocksync/internal/jobs"
	"stocksync/internal/store"
	"stocksync/internal/testkit/shopifytap"
	"stocksync/internal/testkit/testdb"
)

// pushWorkedBy waits for the channel's stock push to be running on one of
// the live instances and returns it.
func pushWorkedBy(t *testing.T, st *store.Store, ch int64, live map[string]*serveProcess) string {
	t.Helper()
	var by string
	waitFor(t, "a running stock push", func() bool {
		var workers []string
		st.DB.Select(&workers, `SELECT attempted_by[array_length(attempted_by, 1)] FROM river_job WHERE kind = 'stock_push'
			AND state = 'running' AND (args->>'channel_id')::bigint = $1`, ch)
		for _, w := range workers {
			if live[w] != nil {
				by = w
			}
		}
		return by != ""
	})
	return by
}

func TestAServeKilledMidPushLeavesItsPushesToTheSurvivor(t *testing.T) {
	bin := buildStocksync(t)
	vals := serveEnv(t, testdb.URL(t))
	vals["STOCKSYNC_CHANNEL_ALLOW"] = "127.0.0.1" // the fake shop listens on loopback; no sandbox
	ctx := context.Background()
	// This process writes documents as a third instance would: it marks
	// and enqueues, and works no jobs.
	st, svc := testInstance(t, vals)
	reg := jobs.NewRegistry()
	var inserter *jobs.Client
	channelsync.Register(reg, svc, func() *jobs.Client { return inserter }, time.Hour)
	var err error
	if inserter, err = jobs.NewClient(st.DB.DB, reg, jobs.Options{InsertOnly: true}); err != nil {
		t.Fatal(err)
	}
	user, err := st.CreateUser(ctx, "clerk@example.com", auth.RoleStaff, "x")
	if err != nil {
		t.Fatal(err)
	}
	var wh int64
	st.DB.Get(&wh, `SELECT min(id) FROM warehouses`)
	shop := shopifyfake.New(shopifyfake.Options{})
	defer shop.Close()
	tap := shopifytap.New(shop.Handler())
	defer tap.Close()
	var items []int64
	var listings []shopifyfake.Listing
	for i := range 2 {
		it, err := st.CreateItem(ctx, inventory.ItemFields{Name: fmt.Sprintf("Item %d", i), SKU: fmt.Sprintf("SKU-%d", i), Unit: "pcs", OpeningQty: 10}, user.ID)
		if err != nil {
			t.Fatal(err)
		}
		items = append(items, it.ID)
		listings = append(listings, shop.AddListing(shopifyfake.Listing{ProductTitle: it.Name, SKU: it.SKU, Price: "5.00", Quantity: 10}))
	}
	ch, err := svc.Connect(ctx, channelsync.ConnectRequest{Kind: "shopify", Name: "Shop",
		Credentials:  map[string]string{"shop_url": tap.URL(), "access_token": shopifyfake.DefaultAccessToken},
		SyncInterval: 15 * time.Minute, FirstSyncDelay: 30 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SyncCatalogue(ctx, ch, true, "manual", 0); err != nil {
		t.Fatal(err)
	}
	receive := func(item int64, qty int64) {
		t.Helper()
		if _, err := st.CreatePurchaseReceive(ctx, inventory.Receive{Vendor: "Acme", Date: time.Now(),
			Lines: []inventory.Line{{ItemID: item, WarehouseID: wh, Quantity: qty, Rate: inventory.Money(100)}}}, user.ID); err != nil {
			t.Fatal(err)
		}
	}

	a, b := startServe(t, bin, vals), startServe(t, bin, vals)
	ids := map[string]*serveProcess{a.clientID(t): a, b.clientID(t): b}
	// killMidCall holds the next push in its call, runs during (changes
	// made meanwhile), kills the instance working the push and returns the
	// survivor's id, when the kill happened and the killed call's key.
	killMidCall := func(change func(), during func()) (survivor string, killed time.Time, key string) {
		t.Helper()
		tap.HoldNext(1, shopifytap.BeforeApply)
		change()
		waitFor(t, "the push's call to reach the shop", func() bool { return tap.Held() == 1 })
		by := pushWorkedBy(t, st, ch, ids)
		victim := ids[by]
		writes := tap.Writes()
		key = writes[len(writes)-1].Key
		during()
		victim.kill(t)
		killed = time.Now()
		delete(ids, by)
		for id := range ids {
			survivor = id
		}
		return survivor, killed, key
	}
	shows := func(killed time.Time, want ...int) {
		t.Helper()
		deadline := killed.Add(30 * time.Second)
		for {
			var got []int
			for _, l := range listings {
				q, _ := shop.Quantity(l.ID)
				got = append(got, q)
			}
			var waiting int
			st.DB.Get(&waiting, `SELECT count(*) FROM channel_items WHERE channel_id = $1
				AND (stock_push_pending OR push_sending IS NOT NULL OR push_error IS NOT NULL)`, ch)
			if slices.Equal(got, want) && waiting == 0 {
				break
			}
			if time.Now().After(deadline) {
				var jobs []string
				st.DB.Select(&jobs, `SELECT id || ' ' || state || ' ' || args::text || ' ' || attempted_by::text FROM river_job WHERE kind = 'stock_push' ORDER BY id`)
				t.Fatalf("30 s after the kill the shop shows %v, want %v, and %d listings wait; push jobs %v", got, want, waiting, jobs)
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Logf("the surviving instance sent the pushes %v after the kill", time.Since(killed).Round(100*time.Millisecond))
	}
	// sentUnder counts the calls under key and what they carried.
	sentUnder := func(key string) (calls int, quantities []int) {
		for _, w := range tap.Writes() {
			if w.Key == key {
				calls++
				for _, q := range w.Quantities {
					quantities = append(quantities, q.Quantity)
				}
			}
		}
		return calls, quantities
	}

	// finishedBy waits for a push completed since the kill by the survivor.
	finishedBy := func(survivor string, killed time.Time) {
		t.Helper()
		waitFor(t, "the surviving instance to complete a push", func() bool {
			var n int
			st.DB.Get(&n, `SELECT count(*) FROM river_job WHERE kind = 'stock_push' AND state = 'completed'
				AND finalized_at >= $1 AND attempted_by[array_length(attempted_by, 1)] = $2`, killed, survivor)
			return n > 0
		})
	}

	// 1. A receive's push is held; a second item changes meanwhile; the
	// instance working the push is killed.
	survivor, killed, key := killMidCall(func() { receive(items[0], 5) }, func() { receive(items[1], 4) })
	shows(killed, 15, 14)
	if calls, q := sentUnder(key); calls != 2 || !slices.Equal(q, []int{15, 15}) {
		t.Fatalf("the killed call's key went %d times with %v; want the call and one repeat, 15 each", calls, q)
	}
	sent := tap.Sent()
	if got := sent[listings[0].InventoryItemID]; !slices.Equal(got, []int{15, 15}) {
		t.Fatalf("item 0 was sent %v, want 15 in the killed call and 15 in its repeat", got)
	}
	if got := sent[listings[1].InventoryItemID]; !slices.Equal(got, []int{14}) {
		t.Fatalf("item 1 was sent %v, want 14 once", got)
	}
	finishedBy(survivor, killed)

	// 2. Nothing changes after the push starts: no job but the killed one
	// knows of the channel, and only the survivor's sweep can find it,
	// once it declares the job dead (and, when the killed instance was
	// River's leader, once the survivor has taken the lead and runs the
	// periodic sweep: the slow path, some 20 s).
	c := startServe(t, bin, vals)
	ids[c.clientID(t)] = c
	survivor, killed, key = killMidCall(func() { receive(items[0], 1) }, func() {})
	shows(killed, 16, 14)
	if calls, q := sentUnder(key); calls != 2 || !slices.Equal(q, []int{16, 16}) {
		t.Fatalf("the killed call's key went %d times with %v; want the call and one repeat, 16 each", calls, q)
	}
	finishedBy(survivor, killed)
	// Both killed jobs are declared dead and closed, not left running.
	waitFor(t, "the killed pushes to be declared dead", func() bool {
		var running int
		st.DB.Get(&running, `SELECT count(*) FROM river_job WHERE kind = 'stock_push' AND state = 'running'`)
		return running == 0
	})
}
