package channelsync_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"

	"stocksync/internal/auth"
	"stocksync/internal/channel"
	shopifyfake "stocksync/internal/channel/shopify/fake"
	"stocksync/internal/channelsync"
	"stocksync/internal/inventory"
	"stocksync/internal/jobs"
	"stocksync/internal/store"
	"stocksync/internal/testkit/shopifytap"
	"stocksync/internal/testkit/testdb"
)

// These tests push through River, as serve does: documents enqueue the
// jobs, clients work them, and a tap in front of each Shopify fake sees
// every stock write.

// tappedShop is a Shopify fake behind a tap, connected and synced, whose
// listings are linked by SKU to the items.
type tappedShop struct {
	fake     *shopifyfake.Server
	tap      *shopifytap.Tap
	ch       int64
	listings []shopifyfake.Listing // listings[i] is items[i]'s
}

// pushRig is one database with items holding 10 each and the shops that
// list them. Every instance has a store and a Service of its own, as a
// serve process has.
type pushRig struct {
	t     *testing.T
	url   string
	st    *store.Store
	svc   *channelsync.Service
	user  int64
	wh    int64
	items []int64
	shops []*tappedShop
}

func newPushRig(t *testing.T, items, shops int) *pushRig {
	t.Helper()
	r := &pushRig{t: t, url: testdb.URL(t)}
	r.st, r.svc = r.instance()
	ctx := context.Background()
	u, err := r.st.CreateUser(ctx, "clerk@example.com", auth.RoleStaff, "x")
	if err != nil {
		t.Fatal(err)
	}
	r.user = u.ID
	r.st.DB.Get(&r.wh, `SELECT min(id) FROM warehouses`)
	for i := range items {
		it, err := r.st.CreateItem(ctx, inventory.ItemFields{Name: fmt.Sprintf("Item %d", i), SKU: fmt.Sprintf("SKU-%d", i), Unit: "pcs", OpeningQty: 10}, r.user)
		if err != nil {
			t.Fatal(err)
		}
		r.items = append(r.items, it.ID)
	}
	for s := range shops {
		sh := &tappedShop{fake: shopifyfake.New(shopifyfake.Options{})}
		sh.tap = shopifytap.New(sh.fake.Handler())
		t.Cleanup(sh.fake.Close)
		t.Cleanup(sh.tap.Close)
		for i := range items {
			sh.listings = append(sh.listings, sh.fake.AddListing(shopifyfake.Listing{
				ProductTitle: fmt.Sprintf("Item %d", i), SKU: fmt.Sprintf("SKU-%d", i), Price: "5.00", Quantity: 10}))
		}
		if sh.ch, err = r.svc.Connect(ctx, channelsync.ConnectRequest{Kind: "shopify", Name: fmt.Sprintf("Shop %d", s),
			Credentials:  map[string]string{"shop_url": sh.tap.URL(), "access_token": shopifyfake.DefaultAccessToken},
			SyncInterval: 15 * time.Minute, FirstSyncDelay: 30 * time.Minute}); err != nil {
			t.Fatal(err)
		}
		if _, err := r.svc.SyncCatalogue(ctx, sh.ch, true, "manual", 0); err != nil {
			t.Fatal(err)
		}
		var linked int
		r.st.DB.Get(&linked, `SELECT count(*) FROM channel_items WHERE channel_id = $1 AND item_id IS NOT NULL`, sh.ch)
		if linked != items {
			t.Fatalf("shop %d: %d listings linked, want %d", s, linked, items)
		}
		r.shops = append(r.shops, sh)
	}
	return r
}

// instance is another process's store and Service on the rig's database.
func (r *pushRig) instance() (*store.Store, *channelsync.Service) {
	r.t.Helper()
	st, err := store.Open(context.Background(), r.url)
	if err != nil {
		r.t.Fatal(err)
	}
	r.t.Cleanup(func() { st.Close() })
	svc, err := channelsync.NewService(st, secretKey, channel.Options{MaxRetries: 3,
		Addresses: channel.AddressPolicy{Sandbox: true}}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		r.t.Fatal(err)
	}
	svc.SetPushTiming(channelsync.PushTiming{DeadAfter: 2 * time.Second})
	return st, svc
}

// worker starts a River client working jobs for the instance; stop it
// with jobs.Stop, or leave it to the test's cleanup. With maxWorkers > 0
// it works at most that many jobs at once (serve's client works 20).
func (r *pushRig) worker(st *store.Store, svc *channelsync.Service, maxWorkers int) *jobs.Client {
	r.t.Helper()
	reg := jobs.NewRegistry()
	var client *jobs.Client
	channelsync.Register(reg, svc, func() *jobs.Client { return client }, time.Hour)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	client, err := jobs.NewClient(st.DB.DB, reg, jobs.Options{Logger: quiet, FetchPollInterval: 50 * time.Millisecond})
	if maxWorkers > 0 {
		client, err = river.NewClient(riverdatabasesql.New(st.DB.DB), &river.Config{Logger: quiet, Workers: reg.Workers,
			PeriodicJobs: reg.Periodic, FetchPollInterval: 50 * time.Millisecond, FetchCooldown: 50 * time.Millisecond,
			Queues: map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: maxWorkers}}})
	}
	if err != nil {
		r.t.Fatal(err)
	}
	if err := client.Start(context.Background()); err != nil {
		r.t.Fatal(err)
	}
	r.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = jobs.Stop(ctx, client)
	})
	return client
}

// receive adds qty of items[i] through st, as a purchase receive.
func (r *pushRig) receive(st *store.Store, i int, qty int64) {
	r.t.Helper()
	if _, err := st.CreatePurchaseReceive(context.Background(), inventory.Receive{Vendor: "Acme", Date: time.Now(),
		Lines: []inventory.Line{{ItemID: r.items[i], WarehouseID: r.wh, Quantity: qty, Rate: inventory.Money(100)}}}, r.user); err != nil {
		r.t.Fatal(err)
	}
}

func (r *pushRig) available(i int) int {
	r.t.Helper()
	var n int
	if err := r.st.DB.Get(&n, `SELECT available FROM item_stock WHERE item_id = $1`, r.items[i]); err != nil {
		r.t.Fatal(err)
	}
	return n
}

// eventually polls ok until it holds, failing after the deadline with
// what.
func eventually(t *testing.T, within time.Duration, what func() string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %s", within, what())
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// allShown waits until every shop shows every item's available quantity
// and no listing waits to be pushed.
func (r *pushRig) allShown(within time.Duration) {
	r.t.Helper()
	var wrong string
	eventually(r.t, within, func() string { return wrong }, func() bool {
		for s, sh := range r.shops {
			for i, l := range sh.listings {
				want := r.available(i)
				if q, _ := sh.fake.Quantity(l.ID); q != want {
					wrong = fmt.Sprintf("shop %d shows %d of item %d, want %d", s, q, i, want)
					return false
				}
			}
		}
		var waiting int
		r.st.DB.Get(&waiting, `SELECT count(*) FROM channel_items WHERE stock_push_pending OR push_sending IS NOT NULL OR push_error IS NOT NULL`)
		wrong = fmt.Sprintf("%d listings still pending, in flight or failed", waiting)
		return waiting == 0
	})
}

func (r *pushRig) listingState(ch int64, sku string) (pending bool, sending *int) {
	r.t.Helper()
	if err := r.st.DB.QueryRow(`SELECT stock_push_pending, push_sending FROM channel_items WHERE channel_id = $1 AND sku = $2`,
		ch, sku).Scan(&pending, &sending); err != nil {
		r.t.Fatal(err)
	}
	return pending, sending
}

func held(tap *shopifytap.Tap, n int) func() bool { return func() bool { return tap.Held() == n } }

func TestAChangeMadeWhileAPushRunsIsPushedAfterIt(t *testing.T) {
	r := newPushRig(t, 2, 1)
	sh := r.shops[0]
	r.worker(r.st, r.svc, 0)
	sh.tap.HoldNext(1, shopifytap.BeforeApply)
	r.receive(r.st, 0, 5) // 15
	eventually(t, 10*time.Second, func() string { return "the push's call never reached the shop" }, held(sh.tap, 1))
	// The push is in its call, sending 15; the item changes again.
	r.receive(r.st, 0, 3) // 18
	if pending, sending := r.listingState(sh.ch, "SKU-0"); !pending || sending == nil || *sending != 15 {
		t.Fatalf("during the call the listing is pending=%v sending=%v; want marked again while 15 is in flight", pending, sending)
	}
	sh.tap.Release()
	r.allShown(15 * time.Second)
	if got := sh.tap.Sent()[sh.listings[0].InventoryItemID]; !slices.Equal(got, []int{15, 18}) {
		t.Fatalf("the shop was sent %v for the item, want 15 then 18", got)
	}
	if got := sh.tap.Sent()[sh.listings[1].InventoryItemID]; len(got) != 0 {
		t.Fatalf("the untouched item was sent %v", got)
	}
}

func TestTwoRiverClientsPushEachListingVersionOnce(t *testing.T) {
	const items, changes = 40, 200
	r := newPushRig(t, items, 3)
	stB, svcB := r.instance()
	// Each client works one job at a time, and each call takes a while,
	// so the three channels' pushes are shared between both clients.
	r.worker(r.st, r.svc, 1)
	r.worker(stB, svcB, 1)
	for _, sh := range r.shops {
		sh.fake.Slow(30 * time.Millisecond)
	}
	// Burst: receives only, so every item's quantity only rises and each
	// version of a listing is a quantity it never had before. Writers on
	// both instances, four at a time.
	var wg sync.WaitGroup
	for w := range 4 {
		st := r.st
		if w%2 == 1 {
			st = stB
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := w; n < changes; n += 4 {
				r.receive(st, (n*7)%items, 1)
			}
		}()
	}
	wg.Wait()
	r.allShown(60 * time.Second)
	for s, sh := range r.shops {
		sent := sh.tap.Sent()
		for i, l := range sh.listings {
			got := sent[l.InventoryItemID]
			if len(got) == 0 {
				t.Fatalf("shop %d: item %d was never sent (it changed)", s, i)
			}
			// Sent once per version, never an older version after a newer.
			for k := 1; k < len(got); k++ {
				if got[k] <= got[k-1] {
					t.Fatalf("shop %d, item %d was sent %v: a version twice or out of order", s, i, got)
				}
			}
		}
		keys := map[string]bool{}
		for _, w := range sh.tap.Writes() {
			if keys[w.Key] {
				t.Fatalf("shop %d: key %s sent twice without a failure", s, w.Key)
			}
			keys[w.Key] = true
		}
	}
	var workers []string
	r.st.DB.Select(&workers, `SELECT DISTINCT unnest(attempted_by) FROM river_job WHERE kind = 'stock_push'`)
	if len(workers) != 2 {
		t.Fatalf("stock pushes were worked by %v; want both clients", workers)
	}
}

func TestAClientStoppedMidPushLosesAndDoublesNothing(t *testing.T) {
	r := newPushRig(t, 2, 1)
	sh := r.shops[0]
	first := r.worker(r.st, r.svc, 0)
	// The shop applies the first call; its answer never reaches the client.
	sh.tap.HoldNext(1, shopifytap.AfterApply)
	r.receive(r.st, 0, 5) // 15
	eventually(t, 10*time.Second, func() string { return "the push's call never reached the shop" }, held(sh.tap, 1))
	r.receive(r.st, 1, 4) // 14, marked while the push is in its call
	stopCtx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_ = jobs.Stop(stopCtx, first)
	if q, _ := sh.fake.Quantity(sh.listings[0].ID); q != 15 {
		t.Fatalf("the shop shows %d; the held call should have been applied", q)
	}
	if _, sending := r.listingState(sh.ch, "SKU-0"); sending == nil || *sending != 15 {
		t.Fatalf("after the stop the listing is not left in flight with 15: %v", sending)
	}

	// A new process starts.
	stB, svcB := r.instance()
	r.worker(stB, svcB, 0)
	r.allShown(30 * time.Second)
	writes := sh.tap.Writes()
	var stopped, repeat *shopifytap.Write
	for i := range writes {
		w := &writes[i]
		if slices.Contains(w.Quantities, shopifytap.Quantity{InventoryItemID: sh.listings[0].InventoryItemID, Quantity: 15}) {
			if stopped == nil {
				stopped = w
			} else if repeat == nil {
				repeat = w
			} else {
				t.Fatalf("15 was sent three times: %+v", writes)
			}
		}
	}
	if stopped == nil || repeat == nil || stopped.Answered || !repeat.Answered {
		t.Fatalf("want the stopped call, unanswered, and its repeat: %+v", writes)
	}
	if repeat.Key != stopped.Key || !slices.Equal(repeat.Quantities, stopped.Quantities) {
		t.Fatalf("the repeat went under key %q with %v; the stopped call under %q with %v", repeat.Key, repeat.Quantities, stopped.Key, stopped.Quantities)
	}
	if stopped.Group == "" || repeat.Group != stopped.Group {
		t.Fatalf("the shop answered the repeat with adjustment %q, the first call made %q: it applied the quantities twice", repeat.Group, stopped.Group)
	}
	applied := map[string]bool{}
	for _, w := range writes {
		if w.Group != "" {
			applied[w.Group] = true
		}
	}
	if len(applied) != len(writes)-1 {
		t.Fatalf("%d adjustments for %d calls; only the repeat should have been replayed: %+v", len(applied), len(writes), writes)
	}
	if got := sh.tap.Sent()[sh.listings[1].InventoryItemID]; !slices.Equal(got, []int{14}) {
		t.Fatalf("the item changed during the stopped push was sent %v, want 14 once", got)
	}
}
