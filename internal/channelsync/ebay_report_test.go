package channelsync_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	ebayfake "stocksync/internal/channel/ebay/fake"
)

// catalogueCalls counts the calls a catalogue read made: the report's and
// the Inventory API's, not the orders' or the token's.
func catalogueCalls(seller *ebayfake.Server) (report, pages, offers int) {
	for _, c := range seller.Calls() {
		switch {
		case strings.HasPrefix(c.Path, ebayfake.FeedPath):
			report++
		case c.Path == ebayfake.InventoryPath+"/inventory_item":
			pages++
		case c.Path == ebayfake.InventoryPath+"/offer":
			offers++
		}
	}
	return
}

// A full sync reads the active inventory report and the inventory item
// pages; offers are read once per SKU by the channel's first sync (the
// report does not carry the offer IDs a push needs), and by later syncs
// only where the report names other listings than the stored refs.
func TestEbayFullSyncFromTheActiveInventoryReport(t *testing.T) {
	svc, st := newService(t)
	seller := ebayfake.New(ebayfake.Options{Now: clock.Now})
	defer seller.Close()
	seller.Generate(500, 31)
	seller.AddItem(ebayfake.Item{SKU: "DRAFT-1", Title: "Draft", Quantity: 1, Offers: []ebayfake.Offer{{Price: "1.00", Status: "UNPUBLISHED"}}})
	items := seller.Items()
	seedItems(t, st, items[0].SKU, items[1].SKU, items[2].SKU)
	st.DB.MustExec(`INSERT INTO items (name, sku) VALUES ($1, 'OTHER-SKU')`, items[3].Title)
	ch := connectEbay(t, svc, seller)
	seller.ResetCalls()

	run := syncRun(t, svc, st, ch, true, 1)
	if run.Records != 500 || run.New != 500 || run.Synced != 4 || run.NewUnconfirmed != 496 || run.Failed != 0 {
		t.Fatalf("first run %+v", run)
	}
	links := ebayLinks(t, st, ch)
	if len(links) != 4 || links["EBAY_US:"+items[0].SKU] != items[0].SKU || links["EBAY_US:"+items[3].SKU] != "OTHER-SKU" {
		t.Fatalf("links %v", links)
	}
	var price, qty string
	st.DB.QueryRow(`SELECT price::text, quantity::text FROM channel_items WHERE channel_id = $1 AND external_id = $2`, ch, "EBAY_US:"+items[5].SKU).Scan(&price, &qty)
	if want := fmt.Sprintf("%d", items[5].Quantity); qty != want || price == "" {
		t.Fatalf("price %q quantity %q, want quantity %s", price, qty, want)
	}
	report, pages, offers := catalogueCalls(seller)
	// Offers of every SKU with a live listing; DRAFT-1 has none in the
	// report, so it is not for sale without reading them.
	if report != 5 || pages != 3 || offers != 500 { // create, three polls, download
		t.Fatalf("first run: %d report calls, %d pages, %d offer reads", report, pages, offers)
	}

	seller.ResetCalls()
	run = syncRun(t, svc, st, ch, true, 2)
	if run.Records != 500 || run.Unchanged != 500 || run.New != 0 {
		t.Fatalf("second run %+v", run)
	}
	if report, pages, offers = catalogueCalls(seller); report != 5 || pages != 3 || offers != 0 {
		t.Fatalf("second run: %d report calls, %d pages, %d offer reads", report, pages, offers)
	}
}

func TestEbayReportRowThatCannotBeReadIsANamedFailure(t *testing.T) {
	svc, st := newService(t)
	seller := ebayfake.New(ebayfake.Options{Now: clock.Now})
	defer seller.Close()
	seller.Generate(40, 32)
	seller.AddItem(ebayfake.Item{SKU: "ODD-1", Title: "Odd", Quantity: 2, Offers: []ebayfake.Offer{{Price: "4.00", ListingID: "110099"}},
		ReportXML: `<SKUDetails><SKU>ODD-1</SKU><Price currencyID="USD">four</Price><Quantity>2</Quantity><ItemID>110099</ItemID></SKUDetails>`})
	ch := connectEbay(t, svc, seller)
	run := syncRun(t, svc, st, ch, true, 1)
	if run.Records != 41 || run.New != 40 || run.Failed != 1 {
		t.Fatalf("run %+v", run)
	}
	var fails []struct {
		External string `db:"external_id"`
		Cause    string `db:"cause"`
	}
	if err := st.DB.Select(&fails, `SELECT external_id, cause FROM sync_failures WHERE run_id = $1`, run.ID); err != nil {
		t.Fatal(err)
	}
	if len(fails) != 1 || fails[0].External != "EBAY_US:ODD-1" || !strings.Contains(fails[0].Cause, `listing "110099" gives the price "four"`) {
		t.Fatalf("failures %+v", fails)
	}
}

func TestEbayReportTaskFailedEndsTheRunWithItsCause(t *testing.T) {
	svc, st := newService(t)
	seller := ebayfake.New(ebayfake.Options{Now: clock.Now})
	defer seller.Close()
	seller.Generate(20, 33)
	seller.FailReports(true)
	ch := connectEbay(t, svc, seller)
	runID, err := svc.SyncCatalogue(context.Background(), ch, true, "manual", 1)
	if err != nil {
		t.Fatal(err)
	}
	run, err := st.Run(context.Background(), runID)
	if err != nil {
		t.Fatal(err)
	}
	if run.Status != "failed" || run.Error == nil || !strings.Contains(*run.Error, "eBay could not make the active inventory report") ||
		!strings.Contains(*run.Error, "FAILED") || run.Records != 0 {
		t.Fatalf("run %s %+v %v", run.Status, run, run.Error)
	}
	// Once eBay makes reports again, the next sync imports everything.
	seller.FailReports(false)
	clock.Sleep(context.Background(), time.Minute)
	if run = syncRun(t, svc, st, ch, false, 2); run.Records != 20 || run.New != 20 {
		t.Fatalf("next run %+v", run)
	}
}
