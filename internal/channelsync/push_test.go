package channelsync_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	shopifyfake "stocksync/internal/channel/shopify/fake"
	"stocksync/internal/channelsync"
	"stocksync/internal/inventory"
	"stocksync/internal/store"
)

// receive adds qty of the item to the first warehouse, as a purchase receive.
func (f *orderShop) receive(item, qty int64) {
	f.t.Helper()
	var wh int64
	if err := f.st.DB.Get(&wh, `SELECT min(id) FROM warehouses`); err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.st.CreatePurchaseReceive(context.Background(), inventory.Receive{Vendor: "Acme", Date: time.Now(),
		Lines: []inventory.Line{{ItemID: item, WarehouseID: wh, Quantity: qty, Rate: inventory.Money(100)}}}, f.user); err != nil {
		f.t.Fatal(err)
	}
}

func (f *orderShop) addOrderOf(variant string, qty int) {
	f.t.Helper()
	f.addOrder(shopifyfake.OrderLine{VariantID: variant, Quantity: qty})
}

func (f *orderShop) push() {
	f.t.Helper()
	if err := f.svc.Push(context.Background(), f.ch, "change", 0); err != nil {
		f.t.Fatal(err)
	}
}

func (f *orderShop) shown(id string) int {
	f.t.Helper()
	q, ok := f.shop.Quantity(id)
	if !ok {
		f.t.Fatalf("listing %s is not in the fake", id)
	}
	return q
}

func (f *orderShop) setQuantityCalls() int {
	n := 0
	for _, c := range f.shop.Calls() {
		if c.Operation == "inventorySetQuantities" {
			n++
		}
	}
	return n
}

func TestAReceiveIsPushedToTheLinkedListingAndRecorded(t *testing.T) {
	f := newOrderShop(t)
	f.sync()
	f.receive(f.mugItem, 5)
	f.push()
	if got := f.shown(f.mug.ID); got != 15 {
		t.Fatalf("the shop shows %d mugs, want 15", got)
	}
	if got := f.shown(f.pot.ID); got != 10 {
		t.Fatalf("the teapot, unchanged, shows %d", got)
	}
	var pushed, quantity int
	var pending bool
	if err := f.st.DB.QueryRow(`SELECT pushed_quantity, quantity, stock_push_pending FROM channel_items
		WHERE channel_id = $1 AND sku = 'MUG-1'`, f.ch).Scan(&pushed, &quantity, &pending); err != nil {
		t.Fatal(err)
	}
	if pushed != 15 || quantity != 15 || pending {
		t.Fatalf("recorded pushed=%d quantity=%d pending=%v", pushed, quantity, pending)
	}
	runs, err := f.st.ListRuns(context.Background(), store.RunFilter{ChannelID: f.ch, Kind: "stock"})
	if err != nil || len(runs) != 1 || runs[0].Synced != 1 || runs[0].Failed != 0 || runs[0].Status != "succeeded" {
		t.Fatalf("stock runs: %+v %v", runs, err)
	}
	// Nothing changed since: a second push sends nothing.
	calls := f.setQuantityCalls()
	f.push()
	if f.setQuantityCalls() != calls {
		t.Fatal("a push with nothing marked called the shop")
	}
}

func TestLinkSendsTheItemsQuantity(t *testing.T) {
	f := newOrderShop(t)
	f.sync()
	var shirt int64
	if err := f.st.DB.Get(&shirt, `SELECT id FROM channel_items WHERE channel_id = $1 AND sku = 'SHIRT-1'`, f.ch); err != nil {
		t.Fatal(err)
	}
	f.receive(f.potItem, 7) // the teapot has 17; the shirt listing shows 4
	if err := f.st.LinkListing(context.Background(), shirt, f.potItem, f.user); err != nil {
		t.Fatal(err)
	}
	f.push()
	if got := f.shown(f.shirt.ID); got != 17 {
		t.Fatalf("the linked listing shows %d, want the item's 17", got)
	}
}

func TestAnOnlineSaleIsNotPushedBackToTheChannelThatMadeIt(t *testing.T) {
	f := newOrderShop(t)
	f.sync()
	f.receive(f.mugItem, 5)
	f.push() // the shop shows 15
	f.addOrderOf(f.mug.ID, 2)
	f.sync() // the order commits 2: available 13, and the shop lowered its own stock to 13
	calls := f.setQuantityCalls()
	f.push()
	if got := f.shown(f.mug.ID); got != 13 {
		t.Fatalf("the shop shows %d, want 13", got)
	}
	if f.setQuantityCalls() != calls {
		t.Fatal("the sale was pushed back to the shop that made it")
	}
	drifted, _, err := f.st.DriftReport(context.Background(), f.ch, 10)
	if err != nil || len(drifted) != 0 {
		t.Fatalf("a sale on the channel counted as drift: %+v %v", drifted, err)
	}
}

func TestDriftIsFlaggedAfterASyncAndOverwrittenOnRequest(t *testing.T) {
	f := newOrderShop(t)
	f.sync()
	f.receive(f.mugItem, 5)
	f.push()
	f.shop.SetQuantity(f.mug.ID, 40) // someone edits stock in Shopify
	f.sync()
	drifted, total, err := f.st.DriftReport(context.Background(), f.ch, 10)
	if err != nil || total != 1 || len(drifted) != 1 || drifted[0].Theirs != 40 || drifted[0].Ours != 15 {
		t.Fatalf("drift report: %+v total %d %v", drifted, total, err)
	}
	n, err := f.st.OverwriteDrift(context.Background(), f.ch)
	if err != nil || n != 1 {
		t.Fatalf("overwrite: %d %v", n, err)
	}
	f.push()
	if got := f.shown(f.mug.ID); got != 15 {
		t.Fatalf("after overwrite the shop shows %d, want 15", got)
	}
	if _, total, _ := f.st.DriftReport(context.Background(), f.ch, 10); total != 0 {
		t.Fatalf("drift left after overwrite: %d", total)
	}
}

func TestAPerListingRefusalIsRecordedAndRetriedWhileTheRestIsPushed(t *testing.T) {
	f := newOrderShop(t)
	f.sync()
	f.receive(f.mugItem, 5)
	f.receive(f.potItem, 5)
	f.shop.SetQuantity(f.mug.ID, 11) // a sale we have not heard of: the shop refuses to overwrite it
	f.push()
	if got := f.shown(f.pot.ID); got != 15 {
		t.Fatalf("the teapot shows %d, want 15: one refusal blocked the batch", got)
	}
	if got := f.shown(f.mug.ID); got != 11 {
		t.Fatalf("the mug was overwritten (%d) despite the shop's changed stock", got)
	}
	var perr string
	var retry time.Time
	if err := f.st.DB.QueryRow(`SELECT push_error, push_retry_at FROM channel_items WHERE channel_id = $1 AND sku = 'MUG-1'
		AND stock_push_pending`, f.ch).Scan(&perr, &retry); err != nil {
		t.Fatalf("the refused listing is not pending with its error: %v", err)
	}
	if !strings.Contains(perr, "changed since") || !retry.After(time.Now()) {
		t.Fatalf("recorded %q, retry at %v", perr, retry)
	}
	runs, _ := f.st.ListRuns(context.Background(), store.RunFilter{ChannelID: f.ch, Kind: "stock"})
	if len(runs) != 1 || runs[0].Failed != 1 || runs[0].Synced != 1 {
		t.Fatalf("run: %+v", runs)
	}
	// Its retry time comes; the shop still differs, so after five
	// refusals in a row it is overwritten (it is drift, not a sale on its way).
	for i := 0; i < 5; i++ {
		f.st.DB.MustExec(`UPDATE channel_items SET push_retry_at = now() WHERE channel_id = $1`, f.ch)
		f.push()
	}
	if got := f.shown(f.mug.ID); got != 15 {
		t.Fatalf("after its retries the mug shows %d, want 15", got)
	}
}

var _ = errors.New
var _ = channelsync.PushSweepEvery

// The quantity a listing is sent, as a table of channel rules: available
// over the chosen warehouses, less the buffer, at most the maximum, never
// below 0 — and what the preview says is what is sent.
func TestPushedQuantityFollowsTheChannelsRule(t *testing.T) {
	f := newOrderShop(t)
	f.sync()
	ctx := context.Background()
	second, err := f.st.CreateWarehouse(ctx, "Back room")
	if err != nil {
		t.Fatal(err)
	}
	var primary int64
	f.st.DB.Get(&primary, `SELECT min(id) FROM warehouses`)
	// The mug: 10 in the primary warehouse, 6 more in the back room, 4 committed there by a manual order.
	if _, err := f.st.CreatePurchaseReceive(ctx, inventory.Receive{Vendor: "Acme", Date: time.Now(),
		Lines: []inventory.Line{{ItemID: f.mugItem, WarehouseID: second.ID, Quantity: 6, Rate: 100}}}, f.user); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.CreateSalesOrder(ctx, inventory.Order{Customer: "Walk-in", Date: time.Now(),
		Lines: []inventory.Line{{ItemID: f.mugItem, WarehouseID: second.ID, Quantity: 4, Rate: 100}}}, f.user); err != nil {
		t.Fatal(err)
	}
	max := func(n int) *int { return &n }
	for _, c := range []struct {
		name  string
		rules store.PushRules
		want  int
	}{
		{"all warehouses", store.PushRules{}, 12},
		{"buffer", store.PushRules{Buffer: 5}, 7},
		{"maximum", store.PushRules{Maximum: max(8)}, 8},
		{"buffer then maximum", store.PushRules{Buffer: 1, Maximum: max(20)}, 11},
		{"floor at zero", store.PushRules{Buffer: 50}, 0},
		{"primary warehouse only", store.PushRules{Warehouses: []int64{primary}}, 10},
		{"back room only", store.PushRules{Warehouses: []int64{second.ID}}, 2},
	} {
		if err := f.st.SetPushRules(ctx, f.ch, c.rules); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		pushes, err := f.st.ItemPushes(ctx, f.mugItem)
		if err != nil || len(pushes) != 1 || pushes[0].Desired == nil || *pushes[0].Desired != c.want {
			t.Fatalf("%s: preview %+v %v, want %d", c.name, pushes, err, c.want)
		}
		f.push()
		if got := f.shown(f.mug.ID); got != c.want {
			t.Fatalf("%s: the shop shows %d, want %d", c.name, got, c.want)
		}
	}
	if err := f.st.SetPushRules(ctx, f.ch, store.PushRules{Warehouses: []int64{999999}}); !errors.Is(err, store.ErrNoWarehouse) {
		t.Fatalf("a rule naming no warehouse: %v", err)
	}
}

// A change of 520 items goes to the shop in its largest batches: 250,
// 250 and 20 quantities, three calls, each under its own key.
func TestAPushSplitsAtTheChannelsBatchSize(t *testing.T) {
	svc, st := newService(t)
	shop := newShop()
	t.Cleanup(shop.Close)
	ctx := context.Background()
	u, err := st.CreateUser(ctx, "clerk@example.com", "staff", "x")
	if err != nil {
		t.Fatal(err)
	}
	var items []inventory.Line
	var wh int64
	st.DB.Get(&wh, `SELECT min(id) FROM warehouses`)
	for i := range 520 {
		sku := "B-" + strconv.Itoa(i)
		shop.AddListing(shopifyfake.Listing{ProductTitle: "Thing " + sku, SKU: sku, Price: "1.00", Quantity: 5})
		it, err := st.CreateItem(ctx, inventory.ItemFields{Name: "Thing " + sku, SKU: sku, Unit: "pcs", OpeningQty: 5}, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		delta := int64(1)
		if i%100 == 0 {
			delta = -5 // to zero: these go in the first call
		}
		items = append(items, inventory.Line{ItemID: it.ID, WarehouseID: wh, Quantity: delta})
	}
	ch := connectShop(t, svc, shop)
	if _, err := svc.SyncCatalogue(ctx, ch, true, "manual", 0); err != nil {
		t.Fatal(err)
	}
	shop.ResetCalls()
	if _, err := st.CreateAdjustment(ctx, inventory.Adjustment{Reason: "Count", Date: time.Now(), Lines: items}, u.ID); err != nil {
		t.Fatal(err)
	}
	if err := svc.Push(ctx, ch, "change", 0); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, c := range shop.Calls() {
		if c.Operation == "inventorySetQuantities" {
			keys = append(keys, c.IdempotencyKey)
		}
	}
	if len(keys) != 3 || keys[0] == keys[1] || keys[1] == keys[2] {
		t.Fatalf("%d calls with keys %v, want 3 with their own keys", len(keys), keys)
	}
	for i, l := range shop.Listings() {
		want := 6
		if i%100 == 0 {
			want = 0
		}
		if l.Quantity != want {
			t.Fatalf("listing %d shows %d, want %d", i, l.Quantity, want)
		}
	}
}
