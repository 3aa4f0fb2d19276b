package channelsync_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"stocksync/internal/auth"
	"stocksync/internal/channel"
	shopifyfake "stocksync/internal/channel/shopify/fake"
	"stocksync/internal/channelsync"
	"stocksync/internal/inventory"
	"stocksync/internal/store"
)

// orderShop is a connected Sandbox-like Shopify with two listings linked
// by SKU to items holding 10 each, and one listing no item matches.
type orderShop struct {
	t                *testing.T
	svc              *channelsync.Service
	st               *store.Store
	shop             *shopifyfake.Server
	ch               int64
	user             int64
	mug, pot, shirt  shopifyfake.Listing // shirt: unconfirmed
	mugItem, potItem int64
}

func newOrderShop(t *testing.T) *orderShop { return newOrderShopVia(t, nil) }

// newOrderShopVia is newOrderShop with the channel reaching the fake
// through wrap (nil: directly).
func newOrderShopVia(t *testing.T, wrap func(http.Handler) http.Handler) *orderShop {
	svc, st := newService(t)
	shop := newShop()
	t.Cleanup(shop.Close)
	f := &orderShop{t: t, svc: svc, st: st, shop: shop}
	f.mug = shop.AddListing(shopifyfake.Listing{ProductTitle: "Mug", SKU: "MUG-1", Price: "8.50", Quantity: 10})
	f.pot = shop.AddListing(shopifyfake.Listing{ProductTitle: "Teapot", SKU: "POT-1", Price: "30.00", Quantity: 10})
	f.shirt = shop.AddListing(shopifyfake.Listing{ProductTitle: "Shirt", SKU: "SHIRT-1", Price: "15.00", Quantity: 4})
	ctx := context.Background()
	u, err := st.CreateUser(ctx, "clerk@example.com", auth.RoleStaff, "x")
	if err != nil {
		t.Fatal(err)
	}
	f.user = u.ID
	f.mugItem = f.item("Mug", "MUG-1", 10)
	f.potItem = f.item("Teapot", "POT-1", 10)
	if wrap == nil {
		f.ch = connectShop(t, svc, shop)
		return f
	}
	front := httptest.NewServer(wrap(shop.Handler()))
	t.Cleanup(front.Close)
	f.ch = connectFake(t, svc, "shopify", "Test shop",
		map[string]string{"shop_url": front.URL, "access_token": shopifyfake.DefaultAccessToken}, 30*time.Minute)
	return f
}

func (f *orderShop) item(name, sku string, qty int64) int64 {
	f.t.Helper()
	it, err := f.st.CreateItem(context.Background(), inventory.ItemFields{Name: name, SKU: sku, Unit: "pcs", OpeningQty: qty}, f.user)
	if err != nil {
		f.t.Fatal(err)
	}
	return it.ID
}

// sync runs a whole sync; the order cursor is reset so the fake's clock,
// which runs apart from the server's, never hides an order.
func (f *orderShop) sync() int64 {
	f.t.Helper()
	f.st.DB.MustExec(`UPDATE channels SET orders_since = NULL WHERE id = $1`, f.ch)
	runID, err := f.svc.SyncCatalogue(context.Background(), f.ch, true, "manual", 0)
	if err != nil {
		f.t.Fatal(err)
	}
	if run, _ := f.st.Run(context.Background(), runID); run.Status != "succeeded" {
		f.t.Fatalf("sync: %+v", run)
	}
	return runID
}

func (f *orderShop) addOrder(lines ...shopifyfake.OrderLine) shopifyfake.Order {
	f.t.Helper()
	o, err := f.shop.AddOrder(shopifyfake.Order{Lines: lines})
	if err != nil {
		f.t.Fatal(err)
	}
	return o
}

type storedLine struct {
	ItemID    *int64 `db:"item_id"`
	ListingID *int64 `db:"channel_item_id"`
	Quantity  int64  `db:"quantity"`
	Rate      string `db:"rate"`
	SKU       string `db:"line_sku"`
}

type storedOrder struct {
	ID     int64  `db:"id"`
	Status string `db:"status"`
	Frozen bool   `db:"frozen"`
	Number string `db:"channel_order_number"`
	Lines  []storedLine
}

func (f *orderShop) order(externalID string) storedOrder {
	f.t.Helper()
	var o storedOrder
	if err := f.st.DB.Get(&o, `SELECT id, status, frozen, channel_order_number FROM sales_orders
		WHERE channel_id = $1 AND external_order_id = $2`, f.ch, externalID); err != nil {
		f.t.Fatalf("order %s: %v", externalID, err)
	}
	if err := f.st.DB.Select(&o.Lines, `SELECT item_id, channel_item_id, quantity, rate::text AS rate, line_sku
		FROM sales_order_lines WHERE order_id = $1 ORDER BY line_no`, o.ID); err != nil {
		f.t.Fatal(err)
	}
	return o
}

func (f *orderShop) committed(itemID int64) (total, inPrimary int64) {
	f.t.Helper()
	f.st.DB.Get(&total, `SELECT committed FROM item_stock WHERE item_id = $1`, itemID)
	f.st.DB.Get(&inPrimary, `SELECT COALESCE(sum(committed_delta), 0) FROM stock_movements
		WHERE item_id = $1 AND warehouse_id = (SELECT min(id) FROM warehouses)`, itemID)
	return total, inPrimary
}

func (f *orderShop) orderCount() int {
	var n int
	f.st.DB.Get(&n, `SELECT count(*) FROM sales_orders WHERE channel_id = $1`, f.ch)
	return n
}

func (f *orderShop) listingOf(externalID string) int64 {
	f.t.Helper()
	var id int64
	if err := f.st.DB.Get(&id, `SELECT id FROM channel_items WHERE channel_id = $1 AND external_id = $2`, f.ch, externalID); err != nil {
		f.t.Fatal(err)
	}
	return id
}

func TestSyncImportsOrdersWithExactLinesPricesAndCommitments(t *testing.T) {
	f := newOrderShop(t)
	linked, err := f.shop.AddOrder(shopifyfake.Order{Customer: "Jane Buyer", Lines: []shopifyfake.OrderLine{
		{VariantID: f.mug.ID, Quantity: 2}, {VariantID: f.pot.ID, Quantity: 1, Price: "27.95"}}})
	if err != nil {
		t.Fatal(err)
	}
	f.sync()
	o := f.order(linked.ID)
	var customer string
	f.st.DB.Get(&customer, `SELECT customer FROM sales_orders WHERE id = $1`, o.ID)
	if customer != "Jane Buyer" {
		t.Fatalf("customer %q", customer)
	}
	if o.Status != "open" || o.Frozen || o.Number != linked.Name || len(o.Lines) != 2 {
		t.Fatalf("order: %+v", o)
	}
	want := []storedLine{{ItemID: &f.mugItem, Quantity: 2, Rate: "8.50", SKU: "MUG-1"}, {ItemID: &f.potItem, Quantity: 1, Rate: "27.95", SKU: "POT-1"}}
	for i, l := range o.Lines {
		if l.ItemID == nil || *l.ItemID != *want[i].ItemID || l.Quantity != want[i].Quantity || l.Rate != want[i].Rate || l.SKU != want[i].SKU || l.ListingID == nil {
			t.Fatalf("line %d: %+v, want %+v", i+1, l, want[i])
		}
	}
	if total, primary := f.committed(f.mugItem); total != 2 || primary != 2 {
		t.Fatalf("mug committed %d (primary %d), want 2", total, primary)
	}
	if total, _ := f.committed(f.potItem); total != 1 {
		t.Fatalf("teapot committed %d, want 1", total)
	}
	var runOrders int
	f.st.DB.Get(&runOrders, `SELECT orders FROM sync_runs WHERE channel_id = $1 ORDER BY id DESC LIMIT 1`, f.ch)
	if runOrders != 1 {
		t.Fatalf("run counted %d orders", runOrders)
	}
	// The next sync fetches it again: still one order, nothing committed twice.
	f.sync()
	if n := f.orderCount(); n != 1 {
		t.Fatalf("%d orders after a re-import", n)
	}
	if total, _ := f.committed(f.mugItem); total != 2 {
		t.Fatalf("mug committed %d after a re-import", total)
	}
}

func TestOrdersCommitInTheChannelsWarehouse(t *testing.T) {
	f := newOrderShop(t)
	var wh int64
	f.st.DB.Get(&wh, `INSERT INTO warehouses (name) VALUES ('Online') RETURNING id`)
	if err := f.st.SetChannelWarehouse(context.Background(), f.ch, wh); err != nil {
		t.Fatal(err)
	}
	f.addOrder(shopifyfake.OrderLine{VariantID: f.mug.ID, Quantity: 3})
	f.sync()
	var committed int64
	f.st.DB.Get(&committed, `SELECT committed FROM stock_balances WHERE item_id = $1 AND warehouse_id = $2`, f.mugItem, wh)
	if committed != 3 {
		t.Fatalf("committed in the channel's warehouse: %d", committed)
	}
}

func shopOrder(id string, updated time.Time, qty int, variant string) channel.Order {
	return channel.Order{ExternalID: id, Number: "#" + id, Status: "PAID", Currency: "USD", CreatedAt: updated.Add(-time.Hour),
		UpdatedAt: updated, Lines: []channel.OrderLine{{ExternalID: "L-" + id, ListingExternalID: variant, SKU: "MUG-1", Quantity: qty, UnitPrice: "8.50"}}}
}

// The same order delivered many times at once (webhooks and polls racing)
// leaves one order and one commitment; an older copy changes nothing.
func TestConcurrentImportsOfOneOrderLeaveOneAndOlderCopiesChangeNothing(t *testing.T) {
	f := newOrderShop(t)
	f.sync()
	ctx := context.Background()
	t1 := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.svc.ImportOrders(ctx, f.ch, []channel.Order{shopOrder("gid://shopify/Order/77", t1, 2, f.mug.ID)})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := f.orderCount(); n != 1 {
		t.Fatalf("%d orders after 8 concurrent imports", n)
	}
	if total, _ := f.committed(f.mugItem); total != 2 {
		t.Fatalf("committed %d after concurrent imports, want 2", total)
	}
	// A newer copy (3 units) replaces the lines; an older one (5) arriving
	// after it is ignored.
	newer := shopOrder("gid://shopify/Order/77", t1.Add(time.Minute), 3, f.mug.ID)
	res, err := f.svc.ImportOrders(ctx, f.ch, []channel.Order{newer})
	if err != nil || res.Imported != 1 {
		t.Fatalf("newer: %+v %v", res, err)
	}
	res, err = f.svc.ImportOrders(ctx, f.ch, []channel.Order{shopOrder("gid://shopify/Order/77", t1.Add(30*time.Second), 5, f.mug.ID)})
	if err != nil || res.Imported != 0 || res.Skipped != 1 {
		t.Fatalf("older: %+v %v", res, err)
	}
	o := f.order("gid://shopify/Order/77")
	if len(o.Lines) != 1 || o.Lines[0].Quantity != 3 {
		t.Fatalf("after an older copy: %+v", o)
	}
	if total, _ := f.committed(f.mugItem); total != 3 {
		t.Fatalf("committed %d, want 3", total)
	}
}

func TestFrozenOrderConfirmAllUnfreezesAndCommits(t *testing.T) {
	f := newOrderShop(t)
	o := f.addOrder(shopifyfake.OrderLine{VariantID: f.mug.ID, Quantity: 1},
		shopifyfake.OrderLine{VariantID: f.shirt.ID, Quantity: 2},
		shopifyfake.OrderLine{SKU: "NEVER-SEEN", Name: "Gift card", Quantity: 1, Price: "5.00"})
	runID := f.sync()
	got := f.order(o.ID)
	if !got.Frozen || got.Lines[1].ItemID != nil || got.Lines[2].ItemID != nil || got.Lines[2].ListingID == nil {
		t.Fatalf("frozen order: %+v", got)
	}
	if total, _ := f.committed(f.mugItem); total != 1 {
		t.Fatalf("a frozen order's linked line commits: %d", total)
	}
	var newUnconfirmed int
	f.st.DB.Get(&newUnconfirmed, `SELECT new_unconfirmed FROM sync_runs WHERE id = $1`, runID)
	var neverSeen struct {
		ItemID *int64 `db:"item_id"`
		Name   string `db:"name"`
	}
	f.st.DB.Get(&neverSeen, `SELECT item_id, name FROM channel_items WHERE channel_id = $1 AND sku = 'NEVER-SEEN'`, f.ch)
	if neverSeen.Name != "Gift card" || neverSeen.ItemID != nil {
		t.Fatalf("the never-seen listing: %+v", neverSeen)
	}
	// Processing is refused while frozen, and nothing is written.
	ctx := context.Background()
	if _, err := f.st.PackSalesOrder(ctx, got.ID, map[int64]string{}, true, f.user); !errors.Is(err, inventory.ErrFrozen) {
		t.Fatalf("pack while frozen: %v", err)
	}
	if _, err := f.st.InvoiceSalesOrder(ctx, got.ID, map[int64]string{}, f.user); !errors.Is(err, inventory.ErrFrozen) {
		t.Fatalf("invoice while frozen: %v", err)
	}
	var docs int
	f.st.DB.Get(&docs, `SELECT (SELECT count(*) FROM packages) + (SELECT count(*) FROM invoices)`)
	if docs != 0 {
		t.Fatalf("%d documents written for a frozen order", docs)
	}
	n, err := f.st.ConfirmOrderListings(ctx, got.ID, f.user)
	if err != nil || n != 2 {
		t.Fatalf("confirm all: %d %v", n, err)
	}
	got = f.order(o.ID)
	if got.Frozen || got.Lines[1].ItemID == nil || got.Lines[2].ItemID == nil {
		t.Fatalf("after Confirm all: %+v", got)
	}
	if total, _ := f.committed(*got.Lines[1].ItemID); total != 2 {
		t.Fatalf("shirt committed %d, want 2", total)
	}
	var shirtOnHand int64
	f.st.DB.Get(&shirtOnHand, `SELECT on_hand FROM item_stock WHERE item_id = $1`, *got.Lines[1].ItemID)
	if shirtOnHand != 2 { // the channel's 4, less the 2 it sold in this order
		t.Fatalf("shirt's opening stock %d, want the channel's 2", shirtOnHand)
	}
	// Now it ships like any order.
	lines := map[int64]string{}
	var lineIDs []int64
	f.st.DB.Select(&lineIDs, `SELECT id FROM sales_order_lines WHERE order_id = $1 ORDER BY line_no`, got.ID)
	lines[lineIDs[1]] = "2"
	if _, err := f.st.PackSalesOrder(ctx, got.ID, lines, true, f.user); err != nil {
		t.Fatalf("ship after unfreezing: %v", err)
	}
}

func TestFrozenOrderUnfreezesOnlyAfterTheLastLineIsSettled(t *testing.T) {
	f := newOrderShop(t)
	other := f.shop.AddListing(shopifyfake.Listing{ProductTitle: "Saucer", SKU: "SAU-1", Price: "4.00", Quantity: 2})
	o := f.addOrder(shopifyfake.OrderLine{VariantID: f.shirt.ID, Quantity: 1}, shopifyfake.OrderLine{VariantID: other.ID, Quantity: 3})
	// A second order waits on the shirt only: settling the shirt from its
	// own page unfreezes it at once.
	only := f.addOrder(shopifyfake.OrderLine{VariantID: f.shirt.ID, Quantity: 1})
	f.sync()
	ctx := context.Background()
	if err := f.st.LinkListing(ctx, f.listingOf(f.shirt.ID), f.potItem, f.user); err != nil {
		t.Fatal(err)
	}
	if got := f.order(o.ID); !got.Frozen || got.Lines[0].ItemID == nil || *got.Lines[0].ItemID != f.potItem {
		t.Fatalf("after one of two lines: %+v", got)
	}
	if got := f.order(only.ID); got.Frozen {
		t.Fatalf("the order waiting only on the shirt is still frozen")
	}
	if total, _ := f.committed(f.potItem); total != 2 {
		t.Fatalf("teapot committed %d, want 2 (one per order)", total)
	}
	if _, err := f.st.CreateItemFromListing(ctx, f.listingOf(other.ID), store.NewItemFromListing{By: f.user}); err != nil {
		t.Fatal(err)
	}
	got := f.order(o.ID)
	if got.Frozen || got.Lines[1].ItemID == nil {
		t.Fatalf("after the last line: %+v", got)
	}
	if total, _ := f.committed(*got.Lines[1].ItemID); total != 3 {
		t.Fatalf("saucer committed %d, want 3", total)
	}
}

func TestOrderCancelledOnTheChannelReleasesItsCommitment(t *testing.T) {
	f := newOrderShop(t)
	o := f.addOrder(shopifyfake.OrderLine{VariantID: f.mug.ID, Quantity: 4})
	f.sync()
	if total, _ := f.committed(f.mugItem); total != 4 {
		t.Fatalf("committed %d", total)
	}
	clock.Sleep(context.Background(), time.Second)
	if err := f.shop.CancelOrder(o.ID); err != nil {
		t.Fatal(err)
	}
	f.sync()
	if got := f.order(o.ID); got.Status != "cancelled" || got.Frozen {
		t.Fatalf("after cancelling on the channel: %+v", got)
	}
	if total, _ := f.committed(f.mugItem); total != 0 {
		t.Fatalf("committed %d after the cancellation", total)
	}
}

func TestLinesOfAnUnlinkedListingAreSkippedAndReported(t *testing.T) {
	f := newOrderShop(t)
	f.sync()
	ctx := context.Background()
	if _, err := f.st.UnlinkItem(ctx, f.potItem, []int64{f.ch}, f.user); err != nil {
		t.Fatal(err)
	}
	o := f.addOrder(shopifyfake.OrderLine{VariantID: f.mug.ID, Quantity: 1}, shopifyfake.OrderLine{VariantID: f.pot.ID, Quantity: 2})
	runID := f.sync()
	got := f.order(o.ID)
	if len(got.Lines) != 1 || got.Lines[0].SKU != "MUG-1" || got.Frozen {
		t.Fatalf("order with an unlinked listing's line: %+v", got)
	}
	if total, _ := f.committed(f.potItem); total != 0 {
		t.Fatalf("teapot committed %d", total)
	}
	fails, err := f.st.RunFailures(ctx, runID, 0, 50)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, fl := range fails {
		found = found || (strings.Contains(fl.Label, "Teapot") && strings.Contains(fl.Cause, "unlinked"))
	}
	if !found {
		t.Fatalf("the run does not name the unlinked listing: %+v", fails)
	}
}

func TestMalformedOrderIsAFailureNamingItAndTheRestIsImported(t *testing.T) {
	f := newOrderShop(t)
	f.sync()
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	bad := shopOrder("gid://shopify/Order/2", now, 1, f.mug.ID)
	bad.Number = "#1002"
	bad.Lines[0].UnitPrice = "twelve"
	res, err := f.svc.ImportOrders(context.Background(), f.ch, []channel.Order{shopOrder("gid://shopify/Order/1", now, 1, f.mug.ID), bad,
		shopOrder("gid://shopify/Order/3", now, 1, f.mug.ID)})
	if err != nil {
		t.Fatal(err)
	}
	if res.Imported != 2 || len(res.Failures) != 1 || res.Failures[0].Record != "order #1002" || !strings.Contains(res.Failures[0].Cause, "twelve") {
		t.Fatalf("result: %+v", res)
	}
	if n := f.orderCount(); n != 2 {
		t.Fatalf("%d orders stored", n)
	}
}

// Pages naming the same new orders and a listing never seen, imported at
// once in different orders, neither deadlock nor duplicate anything.
func TestConcurrentPagesWithNewListingsLeaveOneOfEach(t *testing.T) {
	f := newOrderShop(t)
	f.sync()
	ctx := context.Background()
	at := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	a := shopOrder("gid://shopify/Order/501", at, 1, "gid://shopify/ProductVariant/424242")
	b := shopOrder("gid://shopify/Order/502", at, 2, f.mug.ID)
	b.Lines = append(b.Lines, channel.OrderLine{ExternalID: "x", ListingExternalID: "gid://shopify/ProductVariant/424242", Quantity: 1, UnitPrice: "3.00"})
	var wg sync.WaitGroup
	errs := make(chan error, 6)
	for i := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			page := []channel.Order{a, b}
			if i%2 == 1 {
				page = []channel.Order{b, a}
			}
			_, err := f.svc.ImportOrders(ctx, f.ch, page)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var listings int
	f.st.DB.Get(&listings, `SELECT count(*) FROM channel_items WHERE channel_id = $1 AND external_id = 'gid://shopify/ProductVariant/424242'`, f.ch)
	if n := f.orderCount(); n != 2 || listings != 1 {
		t.Fatalf("%d orders, %d new listings", n, listings)
	}
	if !f.order(a.ExternalID).Frozen || !f.order(b.ExternalID).Frozen {
		t.Fatal("orders of a new listing are not frozen")
	}
	if total, _ := f.committed(f.mugItem); total != 2 {
		t.Fatalf("committed %d, want 2", total)
	}
}

// A channel that refuses the orders (the app lacks the scope) fails the
// order part of the sync only (here the first import, an export): the catalogue stands, the run names the
// page and its cause, and the order cursor stays for the next sync.
func TestOrdersRefusedByTheChannelAreARunFailure(t *testing.T) {
	f := newOrderShop(t)
	f.addOrder(shopifyfake.OrderLine{VariantID: f.mug.ID, Quantity: 1})
	f.shop.DenyAccess("orders")
	runID := f.sync()
	fails, err := f.st.RunFailures(context.Background(), runID, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(fails) != 1 || fails[0].Label != "orders export" || !strings.Contains(fails[0].Cause, "next sync") {
		t.Fatalf("failures: %+v", fails)
	}
	var since *time.Time
	f.st.DB.Get(&since, `SELECT orders_since FROM channels WHERE id = $1`, f.ch)
	if since != nil || f.orderCount() != 0 {
		t.Fatalf("cursor %v, %d orders", since, f.orderCount())
	}
	f.shop.DenyAccess()
	f.sync()
	f.st.DB.Get(&since, `SELECT orders_since FROM channels WHERE id = $1`, f.ch)
	if since == nil || f.orderCount() != 1 {
		t.Fatalf("after access is given: cursor %v, %d orders", since, f.orderCount())
	}
}

// The same refusal of a page of the orders query, once the channel has an
// order cursor: the run names the page, the cursor stays where it was.
func TestOrderPageRefusedByTheChannelIsARunFailure(t *testing.T) {
	f := newOrderShop(t)
	f.addOrder(shopifyfake.OrderLine{VariantID: f.mug.ID, Quantity: 1})
	old := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	f.st.DB.MustExec(`UPDATE channels SET orders_since = $2 WHERE id = $1`, f.ch, old)
	f.shop.DenyAccess("orders")
	runID, err := f.svc.SyncCatalogue(context.Background(), f.ch, true, "manual", 0)
	if err != nil {
		t.Fatal(err)
	}
	fails, err := f.st.RunFailures(context.Background(), runID, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(fails) != 1 || fails[0].Label != "orders page 1" || !strings.Contains(fails[0].Cause, "next sync") {
		t.Fatalf("failures: %+v", fails)
	}
	var since time.Time
	f.st.DB.Get(&since, `SELECT orders_since FROM channels WHERE id = $1`, f.ch)
	if !since.Equal(old) || f.orderCount() != 0 {
		t.Fatalf("cursor %v, %d orders", since, f.orderCount())
	}
}
