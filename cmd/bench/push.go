package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"log/slog"
	"math"
	"math/rand"
	"net/http"
	"slices"
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

// oversell: 50 clients place online orders (each commits stock) and
// receive stock for 60 s. Every quantity sent is checked against the
// ledger: more than the item had available at any moment in the two
// seconds before it was sent counts as an oversell.
func (r *pushRig) oversell(ctx context.Context) error {
	var shopCh int64
	if err := r.st.DB.GetContext(ctx, &shopCh, `SELECT min(id) FROM channels`); err != nil {
		return err
	}
	start, err := r.available(ctx)
	if err != nil {
		return err
	}
	r.sent.reset()
	stop := time.Now().Add(pushLoadFor)
	var events []stockEvent
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failures int
	var orders int
	for w := range pushLoadWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rnd := rand.New(rand.NewSource(int64(w)))
			for n := 0; time.Now().Before(stop); n++ {
				i := rnd.Intn(pushItems)
				var err error
				var delta int
				began := time.Now()
				if rnd.Intn(3) == 0 {
					delta = 1 + rnd.Intn(5)
					err = r.adjust(ctx, []int{i}, int64(delta))
				} else {
					// A sale on the first shop: the shop lowers its own stock
					// as it sells, then the order reaches us.
					qty := 1 + rnd.Intn(3)
					delta = -qty
					if _, err = r.shops[0].AddOrder(shopifyfake.Order{Lines: []shopifyfake.OrderLine{{VariantID: r.shopIDs[0][i], Quantity: qty}}}); err == nil {
						at := time.Now()
						order := []channel.Order{{ExternalID: fmt.Sprintf("load-%d-%d", w, n), Number: strconv.Itoa(n),
							Status: "PAID", Currency: "USD", CreatedAt: at, UpdatedAt: at, Lines: []channel.OrderLine{{ExternalID: "1",
								ListingExternalID: r.shopIDs[0][i], SKU: pushSKU(i), Quantity: qty, UnitPrice: "5.00"}}}}
						// A delivery that failed is delivered again, as the shop's webhooks are.
						for try := 0; try < 5; try++ {
							if _, err = r.svc.ImportOrders(ctx, shopCh, order); err == nil {
								break
							}
						}
					}
				}
				// A change is visible somewhere between its call's start and
				// return: an increase counts from the start, a decrease from
				// the return, so what is "available" is never understated.
				at := time.Now()
				if delta > 0 {
					at = began
				}
				mu.Lock()
				if err == nil {
					events = append(events, stockEvent{item: r.items[i], delta: delta, at: at})
				}
				if err != nil {
					if failures == 0 {
						log.Printf("push: a write under load failed: %v", err)
					}
					failures++
				} else {
					orders++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if failures > orders/100 {
		return fmt.Errorf("oversell: %d of %d writes failed", failures, orders+failures)
	}
	if err := r.waitAll(ctx, 2*time.Minute); err != nil {
		return err
	}
	over, checked, err := r.checkSent(ctx, start, events)
	if err != nil {
		return err
	}
	log.Printf("push: %d writes under load, %d failed; %d quantities sent checked against the ledger", orders, failures, checked)
	report("push_oversell_count", float64(over), "quantities")
	return nil
}

// stockEvent is a change of an item's available quantity that a load
// worker made (at: the earliest it can have been seen for an increase,
// the latest for a decrease).
type stockEvent struct {
	item  int64
	delta int
	at    time.Time
}

// checkSent compares every quantity sent with the item's available
// quantity as the load's committed changes made it: a quantity passes when
// the item had that much at some moment between when it was computed and
// when it was sent (the window opens 250 ms before the claim; for a call
// that does not say when it was computed — WooCommerce's — five seconds
// before the call, as a claim's batches go one after another).
func (r *pushRig) checkSent(ctx context.Context, start map[int64]int, events []stockEvent) (over, checked int, err error) {
	refs := map[string]int64{}
	var rows []struct {
		Ref  string `db:"ref"`
		Item int64  `db:"item_id"`
	}
	if err := r.st.DB.SelectContext(ctx, &rows, `SELECT CASE WHEN inventory_ref <> '' THEN inventory_ref ELSE external_id END AS ref, item_id
		FROM channel_items WHERE item_id IS NOT NULL`); err != nil {
		return 0, 0, err
	}
	for _, row := range rows {
		refs[row.Ref] = row.Item
	}
	byItem := map[int64][]stockEvent{}
	slices.SortFunc(events, func(a, b stockEvent) int { return a.at.Compare(b.at) })
	for _, e := range events {
		byItem[e.item] = append(byItem[e.item], e)
	}
	for _, s := range r.sent.snapshot() {
		item, ok := refs[s.ref]
		if !ok {
			continue
		}
		from := s.at.Add(-5 * time.Second)
		if !s.computed.IsZero() {
			from = s.computed.Add(-250 * time.Millisecond)
		}
		avail := start[item]
		most := math.MinInt
		for _, e := range byItem[item] {
			if e.at.After(s.at) {
				break
			}
			if !e.at.After(from) {
				avail += e.delta
				continue
			}
			most = max(most, avail)
			avail += e.delta
		}
		most = max(most, avail)
		checked++
		if s.qty > max(most, 0) {
			over++
			if over <= 3 {
				log.Printf("push: item %d was sent %d (computed %s, sent %s) but had at most %d", item, s.qty,
					s.computed.Format("15:04:05.000"), s.at.Format("15:04:05.000"), most)
			}
		}
	}
	return over, checked, nil
}

// wireLog is a transport that logs the quantities the connectors send.
type wireLog struct {
	mu   sync.Mutex
	sent []sentQty
}

type sentQty struct {
	ref string
	qty int
	at  time.Time
	// computed is when the push read the quantity, where the call says
	// (the idempotency key holds the time of its claim); zero otherwise.
	computed time.Time
}

func (w *wireLog) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil && req.Method == http.MethodPost {
		body, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
		w.note(req.URL.Path, body)
	}
	return http.DefaultTransport.RoundTrip(req)
}

func (w *wireLog) note(path string, body []byte) {
	now := time.Now()
	var got []sentQty
	if strings.HasSuffix(path, "/graphql.json") {
		var b struct {
			Variables struct {
				Key   string `json:"key"`
				Input struct {
					Quantities []struct {
						InventoryItemID string `json:"inventoryItemId"`
						Quantity        int    `json:"quantity"`
					} `json:"quantities"`
				} `json:"input"`
			} `json:"variables"`
		}
		if json.Unmarshal(body, &b) == nil {
			computed := claimTime(b.Variables.Key)
			for _, q := range b.Variables.Input.Quantities {
				got = append(got, sentQty{q.InventoryItemID, q.Quantity, now, computed})
			}
		}
	} else if strings.HasSuffix(path, "/products/batch") {
		var b struct {
			Update []struct {
				ID            int `json:"id"`
				StockQuantity int `json:"stock_quantity"`
			} `json:"update"`
		}
		if json.Unmarshal(body, &b) == nil {
			for _, u := range b.Update {
				got = append(got, sentQty{ref: strconv.Itoa(u.ID), qty: u.StockQuantity, at: now})
			}
		}
	}
	if len(got) == 0 {
		return
	}
	w.mu.Lock()
	w.sent = append(w.sent, got...)
	w.mu.Unlock()
}

// claimTime reads the claim's time out of a push's idempotency key
// ("stocksync-<channel>-<job>-<unix nanos>-<claim>-<batch>").
func claimTime(key string) time.Time {
	parts := strings.Split(key, "-")
	if len(parts) < 4 {
		return time.Time{}
	}
	n, err := strconv.ParseInt(parts[3], 10, 64)
	if err != nil {
		return time.Time{}
	}
	return time.Unix(0, n)
}

func (w *wireLog) snapshot() []sentQty {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]sentQty(nil), w.sent...)
}

func (w *wireLog) reset() {
	w.mu.Lock()
	w.sent = nil
	w.mu.Unlock()
}
