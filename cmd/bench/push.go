package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"stocksync/internal/channel"
	shopifyfake "stocksync/internal/channel/shopify/fake"
	woofake "stocksync/internal/channel/woocommerce/fake"
	"stocksync/internal/channelsync"
	"stocksync/internal/inventory"
	"stocksync/internal/jobs"
	"stocksync/internal/store"
)

const (
	pushItems       = 1000
	pushBurst       = 10_000 // stock changes, in documents of pushBurstLines lines
	pushBurstLines  = 100
	pushOneRounds   = 60
	pushLoadWorkers = 50
	pushLoadFor     = 60 * time.Second
)

// pushRig is 1,000 items, each linked by SKU to a listing on each of three
// channels (two Shopify fakes and a WooCommerce fake) over loopback, with
// River working the push jobs in this process. Every quantity the
// connectors send is logged from the wire (sent).
type pushRig struct {
	st      *store.Store
	svc     *channelsync.Service
	client  *jobs.Client
	user    int64
	wh      int64
	items   []int64 // by index: SKU P-0001 …
	shops   [2]*shopifyfake.Server
	woo     *woofake.Server
	shopIDs [2][]string // variant ids by item index
	wooIDs  []string
	sent    *wireLog
	chans   int
}

// benchPush measures one change reaching every linked listing, a burst of
// 10,000 changes, and whether any pushed quantity ever exceeded what was
// available while orders and receives pour in.
func benchPush(ctx context.Context, env *benchEnv) error {
	rig, err := newPushRig(ctx, env)
	if err != nil {
		return err
	}
	defer rig.Close()
	if err := rig.pushOne(ctx); err != nil {
		return err
	}
	if err := rig.burst(ctx); err != nil {
		return err
	}
	return rig.oversell(ctx)
}

func newPushRig(ctx context.Context, env *benchEnv) (*pushRig, error) {
	dbURL, db, user, err := env.newDatabaseWithUser(ctx)
	if err != nil {
		return nil, err
	}
	db.Close()
	st, err := store.Open(ctx, dbURL)
	if err != nil {
		return nil, err
	}
	r := &pushRig{st: st, user: user, sent: &wireLog{}}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	opts := channel.Options{Addresses: channel.AddressPolicy{Sandbox: true}, HTTPClient: &http.Client{Transport: r.sent, Timeout: 30 * time.Second}}
	if r.svc, err = channelsync.NewService(st, bytes.Repeat([]byte{0xab}, 32), opts, quiet); err != nil {
		return nil, err
	}
	reg := jobs.NewRegistry()
	channelsync.Register(reg, r.svc, func() *jobs.Client { return r.client }, time.Hour)
	if r.client, err = jobs.NewClient(st.DB.DB, reg, jobs.Options{Logger: quiet, FetchPollInterval: 50 * time.Millisecond}); err != nil {
		return nil, err
	}
	if err := st.DB.GetContext(ctx, &r.wh, `SELECT min(id) FROM warehouses`); err != nil {
		return nil, err
	}
	for i := range pushItems {
		it, err := st.CreateItem(ctx, inventory.ItemFields{Name: fmt.Sprintf("Push item %d", i+1), SKU: pushSKU(i), Unit: "pcs", OpeningQty: 500}, user)
		if err != nil {
			return nil, err
		}
		r.items = append(r.items, it.ID)
	}
	for k := range r.shops {
		shop := shopifyfake.New(shopifyfake.Options{})
		r.shops[k] = shop
		for i := range pushItems {
			l := shop.AddListing(shopifyfake.Listing{ProductTitle: fmt.Sprintf("Push item %d", i+1), SKU: pushSKU(i), Price: "5.00", Quantity: 500})
			r.shopIDs[k] = append(r.shopIDs[k], l.ID)
		}
		if err := r.connect(ctx, "shopify", map[string]string{"shop_url": shop.URL(), "access_token": shopifyfake.DefaultAccessToken}); err != nil {
			return nil, err
		}
	}
	r.woo = woofake.New(woofake.Options{})
	for i := range pushItems {
		q := 500
		p := r.woo.AddListing(woofake.Product{Name: fmt.Sprintf("Push item %d", i+1), SKU: pushSKU(i), Price: "5.00", ManageStock: true, StockQuantity: &q})
		r.wooIDs = append(r.wooIDs, strconv.Itoa(p.ID))
	}
	if err := r.connect(ctx, "woocommerce", map[string]string{"site_url": r.woo.URL(), "consumer_key": woofake.DefaultConsumerKey, "consumer_secret": woofake.DefaultConsumerSecret}); err != nil {
		return nil, err
	}
	if err := r.client.Start(ctx); err != nil {
		return nil, err
	}
	return r, nil
}

func pushSKU(i int) string { return fmt.Sprintf("P-%04d", i+1) }

func (r *pushRig) connect(ctx context.Context, kind string, creds map[string]string) error {
	id, err := r.svc.Connect(ctx, channelsync.ConnectRequest{Kind: kind, Name: "Bench " + kind + " " + strconv.Itoa(r.chans),
		Credentials: creds, SyncInterval: 24 * time.Hour, FirstSyncDelay: 24 * time.Hour})
	if err != nil {
		return err
	}
	r.chans++
	runID, err := r.svc.SyncCatalogue(ctx, id, true, "manual", 0)
	if err != nil {
		return err
	}
	run, err := r.st.Run(ctx, runID)
	if err != nil || run.Synced != pushItems {
		return fmt.Errorf("sync of %s: %+v %v", kind, run, err)
	}
	return nil
}

func (r *pushRig) Close() {
	stopCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = jobs.Stop(stopCtx, r.client)
	for _, s := range r.shops {
		s.Close()
	}
	r.woo.Close()
	r.st.Close()
}

// adjust changes the items' stock by delta each, as one document.
func (r *pushRig) adjust(ctx context.Context, idx []int, delta int64) error {
	a := inventory.Adjustment{Reason: "Bench", Date: time.Now()}
	for _, i := range idx {
		a.Lines = append(a.Lines, inventory.Line{ItemID: r.items[i], WarehouseID: r.wh, Quantity: delta})
	}
	_, err := r.st.CreateAdjustment(ctx, a, r.user)
	return err
}

func (r *pushRig) available(ctx context.Context) (map[int64]int, error) {
	var rows []struct {
		ID        int64 `db:"item_id"`
		Available int   `db:"available"`
	}
	if err := r.st.DB.SelectContext(ctx, &rows, `SELECT item_id, GREATEST(available, 0)::int AS available FROM item_stock`); err != nil {
		return nil, err
	}
	out := make(map[int64]int, len(rows))
	for _, row := range rows {
		out[row.ID] = row.Available
	}
	return out, nil
}

// shows reports whether every channel shows item i at q.
func (r *pushRig) shows(i, q int) bool {
	for k, s := range r.shops {
		if got, _ := s.Quantity(r.shopIDs[k][i]); got != q {
			return false
		}
	}
	got, _ := r.woo.Quantity(r.wooIDs[i])
	return got == q
}

func (r *pushRig) waitAll(ctx context.Context, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		want, err := r.available(ctx)
		if err != nil {
			return err
		}
		missing := 0
		for i, id := range r.items {
			if !r.shows(i, want[id]) {
				missing++
			}
		}
		if missing == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			r.explain(ctx, want)
			return fmt.Errorf("%d items still not shown at their quantity after %s", missing, limit)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// explain logs a few items no channel shows right, with their listings' state.
func (r *pushRig) explain(ctx context.Context, want map[int64]int) {
	shown := 0
	for i, id := range r.items {
		if r.shows(i, want[id]) || shown >= 5 {
			continue
		}
		shown++
		q0, _ := r.shops[0].Quantity(r.shopIDs[0][i])
		q1, _ := r.shops[1].Quantity(r.shopIDs[1][i])
		qw, _ := r.woo.Quantity(r.wooIDs[i])
		var rows []string
		_ = r.st.DB.SelectContext(ctx, &rows, `SELECT format('ch%s pending=%s sending=%s pushed=%s q=%s err=%s retry=%s', channel_id,
			stock_push_pending, push_sending, pushed_quantity, quantity, push_error, push_retry_at) FROM channel_items WHERE item_id = $1 ORDER BY channel_id`, id)
		log.Printf("push: item %d wants %d; shops show %d %d, woo %d; listings %v", i, want[id], q0, q1, qw, rows)
	}
}

func (r *pushRig) pushOne(ctx context.Context) error {
	if err := r.waitAll(ctx, time.Minute); err != nil {
		return err
	}
	var took []time.Duration
	for n := range pushOneRounds {
		i := n * 13 % pushItems
		want, _ := r.shopifyQuantity(i)
		start := time.Now()
		if err := r.adjust(ctx, []int{i}, 1); err != nil {
			return err
		}
		for !r.shows(i, want+1) {
			if time.Since(start) > 10*time.Second {
				return fmt.Errorf("push_one: item %d not shown after 10 s", i)
			}
			time.Sleep(2 * time.Millisecond)
		}
		took = append(took, time.Since(start))
		time.Sleep(100 * time.Millisecond)
	}
	report("push_one_p50_ms", ms(percentile(took, 0.50)), "ms")
	report("push_one_p95_ms", ms(percentile(took, 0.95)), "ms")
	return nil
}

func (r *pushRig) shopifyQuantity(i int) (int, bool) { return r.shops[0].Quantity(r.shopIDs[0][i]) }

// burst: 10,000 changes in documents of 100 lines, from 10 clients at once,
// until every channel shows every item's quantity.
func (r *pushRig) burst(ctx context.Context) error {
	before := r.calls()
	docs := pushBurst / pushBurstLines
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, docs)
	work := make(chan int, docs)
	for d := range docs {
		work <- d
	}
	close(work)
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for d := range work {
				idx := make([]int, pushBurstLines)
				for k := range idx {
					idx[k] = (d*pushBurstLines + k) % pushItems
				}
				if err := r.adjust(ctx, idx, -1); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	wrote := time.Since(start)
	close(errs)
	for err := range errs {
		return err
	}
	if err := r.waitAll(ctx, 2*time.Minute); err != nil {
		return err
	}
	took := time.Since(start)
	calls := r.calls() - before
	// Every item changed: the fewest calls are a full channel's batches.
	minimum := 2*((pushItems+249)/250) + (pushItems+99)/100
	report("push_burst_10k_s", took.Seconds(), "s")
	report("push_burst_write_s", wrote.Seconds(), "s")
	report("push_burst_calls", float64(calls), "calls")
	report("push_burst_calls_ratio", float64(calls)/float64(minimum), "ratio")
	return nil
}

func (r *pushRig) calls() int {
	n := 0
	for _, s := range r.shops {
		n += s.CallCount("inventorySetQuantities")
	}
	for _, c := range r.woo.Calls() {
		if strings.HasSuffix(c.Path, "/batch") {
			n++
		}
	}
	return n
}
