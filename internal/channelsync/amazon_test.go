package channelsync_test

import (
	"context"
	"strings"
	"testing"
	"time"

	_ "stocksync/internal/channel/amazon"
	amazonfake "stocksync/internal/channel/amazon/fake"
	"stocksync/internal/channelsync"
	"stocksync/internal/store"
)

func connectAmazon(t *testing.T, svc *channelsync.Service, seller *amazonfake.Server) int64 {
	t.Helper()
	return connectFake(t, svc, "amazon", "Amazon", seller.Credentials(), 30*time.Minute)
}

func amazonSeller(t *testing.T, opts amazonfake.Options) *amazonfake.Server {
	opts.Now = clock.Now
	seller := amazonfake.New(opts)
	t.Cleanup(seller.Close)
	seller.SetListings([]amazonfake.Listing{
		{SKU: "MUG-1", Name: "Mug", Price: "9.50", Quantity: 4},
		{SKU: "JMP-M", Name: "Jumper M", Price: "45.00", Quantity: 3},
		{SKU: "FBA-1", Name: "Lamp", Price: "30.00", FBA: true},
		{SKU: "BWL-1", Name: "Bowl", Price: "twelve", Quantity: 2},
		{SKU: "CUP-1", Name: "Cup", Price: "4.00", BadQuantity: "many"},
	})
	return seller
}

func TestAmazonFullAndIncrementalCatalogueSync(t *testing.T) {
	svc, st := newService(t)
	seller := amazonSeller(t, amazonfake.Options{GzipReports: true})
	seedItems(t, st, "MUG-1", "FBA-1")
	id := connectAmazon(t, svc, seller)
	seller.ResetCalls() // Connect's check
	ctx := context.Background()
	runID, err := svc.SyncCatalogue(ctx, id, false, "first", 1)
	if err != nil {
		t.Fatal(err)
	}
	run, _ := st.Run(ctx, runID)
	if run.Status != "succeeded" || run.Records != 5 || run.New != 3 || run.Failed != 2 || run.NewUnconfirmed != 1 {
		t.Fatalf("full run: %+v %v", run, run.Error)
	}
	if seller.CallCount("createReport") != 1 || seller.CallCount("searchListingsItems") != 0 {
		t.Fatalf("the full sync did not read the report: %d reports, %d searches", seller.CallCount("createReport"), seller.CallCount("searchListingsItems"))
	}
	failures, _ := st.RunFailures(ctx, runID, 0, 10)
	causes := ""
	for _, f := range failures {
		causes += f.SKU + ": " + f.Cause + "\n"
	}
	if !strings.Contains(causes, "BWL-1") || !strings.Contains(causes, "CUP-1") || !strings.Contains(causes, `"many"`) {
		t.Fatalf("failures:\n%s", causes)
	}
	var linked []string
	st.DB.Select(&linked, `SELECT ci.sku FROM channel_items ci WHERE ci.channel_id = $1 AND ci.item_id IS NOT NULL ORDER BY ci.sku`, id)
	if strings.Join(linked, ",") != "FBA-1,MUG-1" {
		t.Fatalf("auto-linked %v", linked)
	}
	var fbaQty *int
	st.DB.Get(&fbaQty, `SELECT quantity FROM channel_items WHERE channel_id = $1 AND sku = 'FBA-1'`, id)
	if fbaQty != nil {
		t.Fatalf("the FBA listing has quantity %d; Amazon's stock must stay nil so it is never pushed", *fbaQty)
	}

	// The seller fixes the bowl and adds a listing: the next sync searches
	// only what changed.
	clock.Sleep(ctx, time.Minute)
	seller.Edit(amazonfake.DefaultMarketplace, "BWL-1", func(l *amazonfake.Listing) { l.Price = "12.00" })
	seller.AddListing(amazonfake.Listing{SKU: "NEW-1", Name: "Plate", Price: "6.00", Quantity: 9})
	seller.ResetCalls()
	runID, err = svc.SyncCatalogue(ctx, id, false, "schedule", 2)
	if err != nil {
		t.Fatal(err)
	}
	run, _ = st.Run(ctx, runID)
	if run.Status != "succeeded" || run.New != 2 || run.Failed != 1 || seller.CallCount("createReport") != 0 || seller.CallCount("searchListingsItems") == 0 {
		t.Fatalf("incremental run: %+v %v (reports %d)", run, run.Error, seller.CallCount("createReport"))
	}
	var n int
	st.DB.Get(&n, `SELECT count(*) FROM channel_items WHERE channel_id = $1`, id)
	if n != 5 {
		t.Fatalf("%d listings stored, want 5", n)
	}
}

func TestAmazonTokenExpiringMidSyncIsRefreshedOnce(t *testing.T) {
	svc, st := newService(t)
	seller := amazonSeller(t, amazonfake.Options{Fast: true, ReportDelay: 5 * time.Second})
	id := connectAmazon(t, svc, seller) // Connect verifies: one token
	seller.ExpireTokensAfter(2)         // createReport, a poll, then the token dies
	seller.ThrottleNext(3)              // and Amazon throttles a burst
	runID, err := svc.SyncCatalogue(context.Background(), id, false, "first", 1)
	if err != nil {
		t.Fatal(err)
	}
	run, _ := st.Run(context.Background(), runID)
	if run.Status != "succeeded" || run.Records != 5 {
		t.Fatalf("run: %+v %v", run, run.Error)
	}
	if n := seller.TokensMinted(); n != 2 {
		t.Fatalf("%d tokens minted, want the first and one refresh", n)
	}
}

func committedOf(t *testing.T, st *store.Store, sku string) int64 {
	var c int64
	st.DB.Get(&c, `SELECT COALESCE(sum(s.committed), 0) FROM item_stock s JOIN items i ON i.id = s.item_id WHERE i.sku = $1`, sku)
	return c
}

func TestAmazonOrdersPendingUnshippedShippedAndCancelled(t *testing.T) {
	svc, st := newService(t)
	seller := amazonSeller(t, amazonfake.Options{Fast: true})
	seedItems(t, st, "MUG-1", "JMP-M")
	id := connectAmazon(t, svc, seller)
	ctx := context.Background()
	pending, _ := seller.AddOrder(amazonfake.Order{Status: "Pending", Items: []amazonfake.OrderItem{{SKU: "MUG-1", Quantity: 1}}})
	open, _ := seller.AddOrder(amazonfake.Order{BuyerName: "Ann", Items: []amazonfake.OrderItem{
		{SKU: "MUG-1", Quantity: 2}, {SKU: "JMP-M", Quantity: 1}}})
	clock.Sleep(ctx, 3*time.Minute)
	if _, err := svc.SyncCatalogue(ctx, id, true, "manual", 0); err != nil {
		t.Fatal(err)
	}
	var rows []struct {
		Number string `db:"channel_order_number"`
		Status string `db:"status"`
		Chan   string `db:"channel_status"`
	}
	load := func() {
		rows = nil
		st.DB.Select(&rows, `SELECT channel_order_number, status, channel_status FROM sales_orders WHERE channel_id = $1 ORDER BY id`, id)
	}
	load()
	if len(rows) != 1 || rows[0].Number != open.ID || committedOf(t, st, "MUG-1") != 2 || committedOf(t, st, "JMP-M") != 1 {
		t.Fatalf("after the first sync: %+v, MUG-1 committed %d (the pending order must commit nothing)", rows, committedOf(t, st, "MUG-1"))
	}
	var price string
	st.DB.Get(&price, `SELECT l.rate::text FROM sales_order_lines l JOIN sales_orders o ON o.id = l.order_id WHERE o.channel_order_number = $1 AND l.line_no = 1`, open.ID)
	if price != "9.50" && price != "9.5" && price != "9.5000" {
		t.Fatalf("unit price %s, want 9.50 (ItemPrice 19.00 ÷ 2)", price)
	}

	clock.Sleep(ctx, time.Minute)
	seller.SetOrderStatus(pending.ID, "Unshipped")
	seller.SetOrderStatus(open.ID, "Shipped")
	clock.Sleep(ctx, 3*time.Minute)
	if _, err := svc.SyncCatalogue(ctx, id, false, "schedule", 0); err != nil {
		t.Fatal(err)
	}
	load()
	if len(rows) != 2 || rows[1].Number != pending.ID || rows[1].Chan != "Unshipped" || rows[0].Chan != "Shipped" || committedOf(t, st, "MUG-1") != 3 {
		t.Fatalf("after confirmation: %+v, MUG-1 committed %d", rows, committedOf(t, st, "MUG-1"))
	}

	clock.Sleep(ctx, time.Minute)
	seller.SetOrderStatus(pending.ID, "Canceled")
	clock.Sleep(ctx, 3*time.Minute)
	if _, err := svc.SyncCatalogue(ctx, id, false, "schedule", 0); err != nil {
		t.Fatal(err)
	}
	load()
	if rows[1].Status != "cancelled" || committedOf(t, st, "MUG-1") != 2 {
		t.Fatalf("after cancellation: %+v, MUG-1 committed %d", rows, committedOf(t, st, "MUG-1"))
	}
}
