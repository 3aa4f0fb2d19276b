package channelsync_test

import (
	"context"
	"strings"
	"testing"
	"time"

	_ "stocksync/internal/channel/ebay"
	ebayfake "stocksync/internal/channel/ebay/fake"
	"stocksync/internal/channelsync"
	"stocksync/internal/store"
)

func connectEbay(t *testing.T, svc *channelsync.Service, seller *ebayfake.Server) int64 {
	t.Helper()
	return connectFake(t, svc, "ebay", "eBay", seller.Credentials(), 30*time.Minute)
}

func ebayLinks(t *testing.T, st *store.Store, ch int64) map[string]string {
	t.Helper()
	var rows []struct {
		External string `db:"external_id"`
		SKU      string `db:"sku"`
	}
	if err := st.DB.Select(&rows, `SELECT ci.external_id, i.sku FROM channel_items ci JOIN items i ON i.id = ci.item_id WHERE ci.channel_id = $1`, ch); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, r := range rows {
		out[r.External] = r.SKU
	}
	return out
}

func TestEbayCatalogueSyncCountsAndAutoLinks(t *testing.T) {
	svc, st := newService(t)
	seller := ebayfake.New(ebayfake.Options{ThrottleEvery: 7, Now: clock.Now})
	defer seller.Close()
	seller.SetItems([]ebayfake.Item{
		{SKU: "MUG-1", Title: "Mug", Quantity: 4, Offers: []ebayfake.Offer{{Price: "9.50"}}},
		{SKU: "TEA-77", Title: "Teapot", Quantity: 2, Offers: []ebayfake.Offer{{Price: "30.00"}}},
		{SKU: "LAMP-1", Title: "Lamp", Quantity: 1, Offers: []ebayfake.Offer{{Price: "45.00"}, {MarketplaceID: "EBAY_GB", Price: "39.00", Currency: "GBP"}}},
		{SKU: "DRAFT-1", Title: "Draft", Quantity: 1, Offers: []ebayfake.Offer{{Price: "1.00", Status: "UNPUBLISHED"}}},
		{SKU: "BAD-1", Offers: []ebayfake.Offer{{Price: "2.00"}}, Raw: []byte(`{"sku":"BAD-1","product":{"title":"Bad"},"availability":{"shipToLocationAvailability":{"quantity":"many"}}}`)},
	})
	seedItems(t, st, "MUG-1")
	st.DB.MustExec(`INSERT INTO items (name, sku) VALUES ('Teapot', 'TP-9')`)
	ch := connectEbay(t, svc, seller)
	run := syncRun(t, svc, st, ch, true, 1)
	// Five SKUs: MUG-1 linked by SKU, TEA-77 by name, LAMP-1 (its offer
	// on EBAY_GB belongs to another channel) unconfirmed, the draft not
	// for sale (not a record), BAD-1 failed.
	if run.Status != "succeeded" || run.Records != 4 || run.New != 3 || run.Failed != 1 || run.Synced != 2 || run.NewUnconfirmed != 1 {
		t.Fatalf("first run: %+v %v", run, run.Error)
	}
	links := ebayLinks(t, st, ch)
	if len(links) != 2 || links["EBAY_US:MUG-1"] != "MUG-1" || links["EBAY_US:TEA-77"] != "TP-9" {
		t.Fatalf("links %v", links)
	}
	var fails []string
	st.DB.Select(&fails, `SELECT cause FROM sync_failures WHERE run_id = $1`, run.ID)
	if len(fails) != 1 || !strings.Contains(fails[0], "quantity") {
		t.Fatalf("failures %q", fails)
	}

	// eBay keeps no modification dates: the next sync reads everything
	// again and finds exactly what changed. An hour on, it reads a new
	// active inventory report (eBay makes 25 a day), whose new price it
	// believes.
	clock.Sleep(context.Background(), 61*time.Minute)
	seller.AddItem(ebayfake.Item{SKU: "NEW-1", Title: "Newcomer", Quantity: 3, Offers: []ebayfake.Offer{{Price: "5.00"}}})
	seller.Edit("LAMP-1", func(it *ebayfake.Item) { it.Offers[0].Price = "49.00" })
	seller.Edit("BAD-1", func(it *ebayfake.Item) { it.Raw = nil; it.Title, it.Quantity = "Bad no more", 2 })
	run = syncRun(t, svc, st, ch, false, 2)
	if run.Status != "succeeded" || run.Records != 5 || run.New != 2 || run.Updated != 1 || run.Unchanged != 2 || run.Failed != 0 || run.NewUnconfirmed != 2 {
		t.Fatalf("second run: %+v %v", run, run.Error)
	}
	var price string
	st.DB.Get(&price, `SELECT price::text FROM channel_items WHERE channel_id = $1 AND external_id = 'EBAY_US:LAMP-1'`, ch)
	if price != "49.0000" {
		t.Fatalf("price %q", price)
	}
}

func TestEbayTokenRenewedInTheMiddleOfASync(t *testing.T) {
	svc, st := newService(t)
	seller := ebayfake.New(ebayfake.Options{})
	defer seller.Close()
	seller.Generate(450, 21)
	ch := connectEbay(t, svc, seller)
	before := seller.TokenCalls()
	seller.ExpireTokensAfter(120) // in the middle of the first page's offers
	run := syncRun(t, svc, st, ch, true, 1)
	if run.Status != "succeeded" || run.Records != 450 || run.New != 450 {
		t.Fatalf("run %+v %v", run, run.Error)
	}
	if n := seller.TokenCalls() - before; n != 1 {
		t.Fatalf("%d new tokens, want 1 after the revocation", n)
	}
}

func TestEbayOrdersImportLinesAndCancellations(t *testing.T) {
	svc, st := newService(t)
	// The seller's clock runs a minute behind: the client reads changes
	// once they are ten seconds old (eBay refuses a filter ending in the
	// future), and this test does not wait.
	seller := ebayfake.New(ebayfake.Options{Now: func() time.Time { return time.Now().Add(-time.Minute) }})
	defer seller.Close()
	seller.AddItem(ebayfake.Item{SKU: "MUG-1", Title: "Mug", Quantity: 10, Offers: []ebayfake.Offer{{Price: "8.50"}}})
	seedItems(t, st, "MUG-1")
	ch := connectEbay(t, svc, seller)
	kept, _ := seller.AddOrder(ebayfake.Order{Buyer: "Ann Buyer", Lines: []ebayfake.OrderLine{{SKU: "MUG-1", Quantity: 2}}})
	gone, _ := seller.AddOrder(ebayfake.Order{Lines: []ebayfake.OrderLine{{SKU: "MUG-1", Quantity: 5}}})
	if err := seller.CancelOrder(gone.OrderID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SyncCatalogue(context.Background(), ch, true, "manual", 0); err != nil {
		t.Fatal(err)
	}
	var rows []struct {
		Number   string `db:"channel_order_number"`
		Customer string `db:"customer"`
		Status   string `db:"status"`
	}
	st.DB.Select(&rows, `SELECT channel_order_number, customer, status FROM sales_orders WHERE channel_id = $1 ORDER BY id`, ch)
	if len(rows) != 2 || rows[0].Number != kept.OrderID || rows[0].Customer != "Ann Buyer" || rows[0].Status != "open" || rows[1].Status != "cancelled" {
		t.Fatalf("orders %+v", rows)
	}
	var price string
	st.DB.Get(&price, `SELECT l.rate::text FROM sales_order_lines l JOIN sales_orders o ON o.id = l.order_id WHERE o.channel_order_number = $1`, kept.OrderID)
	if price != "8.50" {
		t.Fatalf("unit price %q (eBay sent the line total 17.00)", price)
	}
	var committed int64
	st.DB.Get(&committed, `SELECT s.committed FROM item_stock s JOIN items i ON i.id = s.item_id WHERE i.sku = 'MUG-1'`)
	if committed != 2 {
		t.Fatalf("committed %d, want 2", committed)
	}
	// Cancelled after the import: the next sync releases the stock.
	if err := seller.CancelOrder(kept.OrderID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SyncCatalogue(context.Background(), ch, false, "manual", 0); err != nil {
		t.Fatal(err)
	}
	st.DB.Get(&committed, `SELECT s.committed FROM item_stock s JOIN items i ON i.id = s.item_id WHERE i.sku = 'MUG-1'`)
	if committed != 0 {
		t.Fatalf("committed %d after the cancellation", committed)
	}
}
