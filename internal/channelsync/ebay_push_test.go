package channelsync_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"stocksync/internal/auth"
	ebayfake "stocksync/internal/channel/ebay/fake"
	"stocksync/internal/inventory"
	"stocksync/internal/store"
)

type settableClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *settableClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *settableClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// An eBay push: per-item refusals in the bulk answer are recorded on their
// listings and the rest applied; a listing past its 250 revisions of the
// day stays pending until eBay's next (Pacific) day, and goes then.
func TestEbayPushRecordsItemErrorsAndWaitsOutTheRevisionLimit(t *testing.T) {
	svc, st := newService(t)
	sellerClock := &settableClock{t: time.Now()}
	seller := ebayfake.New(ebayfake.Options{Now: sellerClock.Now})
	defer seller.Close()
	for _, sku := range []string{"MUG-1", "POT-1", "LAMP-1"} {
		seller.AddItem(ebayfake.Item{SKU: sku, Title: sku, Quantity: 10, Offers: []ebayfake.Offer{{Price: "5.00"}}})
	}
	ctx := context.Background()
	u, err := st.CreateUser(ctx, "clerk@example.com", auth.RoleStaff, "x")
	if err != nil {
		t.Fatal(err)
	}
	items := map[string]int64{}
	for _, sku := range []string{"MUG-1", "POT-1", "LAMP-1"} {
		it, err := st.CreateItem(ctx, inventory.ItemFields{Name: sku, SKU: sku, Unit: "pcs", OpeningQty: 10}, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		items[sku] = it.ID
	}
	ch := connectEbay(t, svc, seller)
	if run := syncRun(t, svc, st, ch, true, 1); run.Synced != 3 {
		t.Fatalf("sync %+v", run)
	}
	// The sync's own push (links send the item's quantity) is done first.
	if err := svc.Push(ctx, ch, "sync", 0); err != nil {
		t.Fatal(err)
	}
	seller.SetRevisions(seller.ListingOf("MUG-1", "EBAY_US"), 250)
	seller.RemoveItem("LAMP-1")
	var wh int64
	st.DB.Get(&wh, `SELECT min(id) FROM warehouses`)
	for _, id := range items {
		if _, err := st.CreatePurchaseReceive(ctx, inventory.Receive{Vendor: "Acme", Date: time.Now(),
			Lines: []inventory.Line{{ItemID: id, WarehouseID: wh, Quantity: 5, Rate: inventory.Money(100)}}}, u.ID); err != nil {
			t.Fatal(err)
		}
	}
	calls := seller.CallCount("POST " + ebayfake.InventoryPath + "/bulk_update_price_quantity")
	// The service reads the package's virtual clock, which other tests'
	// backoffs move on by hours: eBay's day is that clock's day.
	pushedFrom := clock.Now()
	if err := svc.Push(ctx, ch, "change", 0); err != nil {
		t.Fatal(err)
	}
	if n := seller.CallCount("POST "+ebayfake.InventoryPath+"/bulk_update_price_quantity") - calls; n != 1 {
		t.Fatalf("%d calls for three listings", n)
	}
	if q, _ := seller.Quantity("POT-1", "EBAY_US"); q != 15 {
		t.Fatalf("the teapot shows %d, want 15: the refusals blocked the rest", q)
	}
	if q, _ := seller.Quantity("MUG-1", "EBAY_US"); q != 10 {
		t.Fatalf("the mug, past its revisions, shows %d", q)
	}
	pending := func(sku string) (string, time.Time) {
		var perr string
		var retry time.Time
		if err := st.DB.QueryRow(`SELECT push_error, push_retry_at FROM channel_items WHERE channel_id = $1 AND sku = $2 AND stock_push_pending`,
			ch, sku).Scan(&perr, &retry); err != nil {
			t.Fatalf("%s is not pending with its error: %v", sku, err)
		}
		return perr, retry
	}
	perr, retry := pending("MUG-1")
	pacific, _ := time.LoadLocation("America/Los_Angeles")
	nextMidnight := func(t time.Time) time.Time {
		p := t.In(pacific)
		return time.Date(p.Year(), p.Month(), p.Day()+1, 0, 0, 0, 0, pacific)
	}
	from, to := nextMidnight(pushedFrom), nextMidnight(clock.Now())
	if !strings.Contains(perr, "250 revisions") || !(retry.Equal(from) || retry.Equal(to)) {
		t.Fatalf("mug: %q, retry at %v, want %v", perr, retry, from)
	}
	if perr, _ := pending("LAMP-1"); !strings.Contains(perr, "not available") {
		t.Fatalf("lamp: %q", perr)
	}
	runs, _ := st.ListRuns(ctx, store.RunFilter{ChannelID: ch, Kind: "stock"})
	if len(runs) == 0 || runs[0].Failed != 2 || runs[0].Synced != 1 {
		t.Fatalf("run %+v", runs)
	}
	// The channel's page counts the mug, not the lamp, as waiting for eBay's day.
	if q, err := st.ChannelQuotaStatus(ctx, ch, 20); err != nil || q.Waiting != 1 || len(q.Listings) != 1 ||
		!strings.Contains(q.Listings[0].Label, "MUG-1") || !strings.Contains(q.Reason, "250 revisions") || q.Budget != nil {
		t.Fatalf("quota waits %+v (%v)", q, err)
	}
	// eBay's next day: the mug goes.
	sellerClock.Advance(24 * time.Hour)
	st.DB.MustExec(`UPDATE channel_items SET push_retry_at = now() WHERE channel_id = $1 AND sku = 'MUG-1'`, ch)
	if err := svc.Push(ctx, ch, "change", 0); err != nil {
		t.Fatal(err)
	}
	if q, _ := seller.Quantity("MUG-1", "EBAY_US"); q != 15 {
		t.Fatalf("the next day the mug shows %d, want 15", q)
	}
	if q, err := st.ChannelQuotaStatus(ctx, ch, 20); err != nil || q.Waiting != 0 {
		t.Fatalf("the next day quota waits %+v (%v)", q, err)
	}
}
