package ebay

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"stocksync/internal/channel"
	"stocksync/internal/channel/ebay/fake"
	"stocksync/internal/channel/internal/testkit"
)

func TestParseActiveInventoryReport(t *testing.T) {
	zipped, err := os.ReadFile(filepath.Join("testdata", "active_inventory_report.zip"))
	if err != nil {
		t.Fatal(err)
	}
	bare, _ := os.ReadFile(filepath.Join("testdata", "active_inventory_report.xml"))
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write(bare)
	w.Close()
	for name, body := range map[string][]byte{"zip": zipped, "gzip": gz.Bytes(), "xml": bare} {
		rows, err := parseReport(body)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		// The row without a SKU is a listing the Inventory API does not
		// manage; variations are rows of their own under their listing.
		if len(rows) != 4 {
			t.Fatalf("%s: rows %+v", name, rows)
		}
		cam := rows["GP-Cam-01"]
		if len(cam) != 1 || cam[0].ItemID != "1********5" || cam[0].Price != "272.17" || cam[0].Currency != "USD" || *cam[0].Quantity != 45 || cam[0].Problem != "" {
			t.Fatalf("%s: cam %+v", name, cam)
		}
		if v := rows["TS-BLUE-M"]; len(v) != 1 || v[0].ItemID != "110038600002" || *v[0].Quantity != 0 || v[0].Price != "12.5" {
			t.Fatalf("%s: variation %+v", name, v)
		}
		if bad := rows["MUG-OLD"]; len(bad) != 1 || bad[0].Quantity != nil ||
			bad[0].Problem != `the active inventory report's row of listing "110038600003" gives the quantity "two", which is not a whole number` {
			t.Fatalf("%s: bad row %+v", name, bad)
		}
	}
	var bad *channel.MalformedError
	if _, err := parseReport([]byte(`{"errors":[]}`)); !errors.As(err, &bad) {
		t.Fatalf("not a report: %v", err)
	}
	if _, err := parseReport(zipped[:len(zipped)/2]); !errors.As(err, &bad) {
		t.Fatalf("cut zip: %v", err)
	}
}

// syncAll pages through the catalogue as channelsync does, keeps the refs
// of the listings an import would store, and returns the listings by
// external ID.
func syncAll(t *testing.T, a *testAccount, full bool) map[string]channel.Listing {
	t.Helper()
	since := time.Time{}
	if !full {
		since = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	all, _ := testkit.FetchAll(t, a.client, since)
	by := map[string]channel.Listing{}
	for _, l := range all {
		by[l.ExternalID] = l
		if !l.NotForSale && l.Problem == "" {
			a.refs.keep(l.ExternalID, l.InventoryRef)
		}
	}
	return by
}

func TestReportSparesOfferReadsAndIsReusedForAnHour(t *testing.T) {
	a := newTestAccount(t)
	a.fake.Generate(450, 5)
	offerReads := func() int { return a.fake.CallCount("GET " + fake.InventoryPath + "/offer") }
	if by := syncAll(t, a, true); len(by) != 450 || a.fake.ReportTasks() != 1 || offerReads() != 450 {
		t.Fatalf("first sync: %d listings, %d reports, %d offer reads", len(by), a.fake.ReportTasks(), offerReads())
	}
	first := a.fake.Items()[0]
	a.fake.Edit(first.SKU, func(it *fake.Item) { it.Offers[0].Price = "1234.00" })
	// An incremental sync within the hour reads the same report, and no
	// offers: the listings are the ones the stored refs name. The price changed on
	// eBay since waits for the next report.
	before := len(a.fake.Calls())
	by := syncAll(t, a, false)
	if a.fake.ReportTasks() != 1 || offerReads() != 450 || by["EBAY_US:"+first.SKU].Price == "1234.00" {
		t.Fatalf("within the hour: %d reports, %d offer reads, %+v", a.fake.ReportTasks(), offerReads(), by["EBAY_US:"+first.SKU])
	}
	if n := len(a.fake.Calls()) - before; n != 1+1+3 { // task list, download, three pages
		t.Fatalf("%d calls for an incremental sync of 450", n)
	}
	a.clock.Advance(61 * time.Minute)
	a.fake.AddItem(fake.Item{SKU: "NEW-1", Title: "Newcomer", Quantity: 3, Offers: []fake.Offer{{Price: "5.00"}}})
	second := a.fake.Items()[1]
	a.fake.Edit(second.SKU, func(it *fake.Item) { it.Offers[0].ListingStatus = "ENDED" })
	by = syncAll(t, a, false)
	// A new report: the new price; the newcomer's offers read, no other
	// (the ended listing is not in the report: not for sale, unread).
	if a.fake.ReportTasks() != 2 || offerReads() != 451 || by["EBAY_US:"+first.SKU].Price != "1234.00" ||
		by["EBAY_US:NEW-1"].NotForSale || by["EBAY_US:NEW-1"].Price != "5.00" || !by["EBAY_US:"+second.SKU].NotForSale {
		t.Fatalf("after the hour: %d reports, %d offer reads, %+v %+v", a.fake.ReportTasks(), offerReads(), by["EBAY_US:NEW-1"], by["EBAY_US:"+second.SKU])
	}
	ref, ok := parseRef(by["EBAY_US:"+first.SKU].InventoryRef)
	if !ok || len(ref.Offers) != 1 || ref.Offers[0] != first.Offers[0].OfferID {
		t.Fatalf("a remembered listing lost its offer: %q", by["EBAY_US:"+first.SKU].InventoryRef)
	}
}

func TestReportRowThatCannotBeReadFailsItsListingOnly(t *testing.T) {
	a := newTestAccount(t)
	a.fake.Generate(30, 6)
	a.fake.AddItem(fake.Item{SKU: "ODD-1", Title: "Odd", Quantity: 2, Offers: []fake.Offer{{Price: "4.00", ListingID: "110099"}},
		ReportXML: `<SKUDetails><SKU>ODD-1</SKU><Price currencyID="USD">4.00</Price><Quantity>2.5</Quantity><ItemID>110099</ItemID></SKUDetails>`})
	by := syncAll(t, a, true)
	odd := by["EBAY_US:ODD-1"]
	if len(by) != 31 || !strings.Contains(odd.Problem, `listing "110099" gives the quantity "2.5", which is not a whole number`) {
		t.Fatalf("%d listings; odd %+v", len(by), odd)
	}
	for id, l := range by {
		if id != "EBAY_US:ODD-1" && (l.Problem != "" || l.Quantity == nil) {
			t.Fatalf("%s: %+v", id, l)
		}
	}
}

func TestReportTaskFailedOrRefusedIsNamed(t *testing.T) {
	a := newTestAccount(t, func(o *fake.Options, _ *channel.Options) { o.ReportsPerDay = 2 })
	a.fake.Generate(10, 7)
	a.fake.FailReports(true)
	_, err := a.client.FetchListings(context.Background(), time.Time{}, "")
	if err == nil || err.Error() != "ebay: eBay could not make the active inventory report (task "+lastTask(a)+" ended FAILED); nothing was imported, and the next sync asks for a new report" {
		t.Fatalf("failed task: %v", err)
	}
	a.fake.FailReports(false)
	if by := syncAll(t, a, true); len(by) != 10 {
		t.Fatalf("%d listings after the failure", len(by))
	}
	// The day's reports are spent: a full sync reads the newest there is.
	before := a.fake.CallCount("GET " + fake.InventoryPath + "/offer")
	creates := a.fake.CallCount("POST " + fake.FeedPath + "/inventory_task")
	if by := syncAll(t, a, true); len(by) != 10 || a.fake.CallCount("GET "+fake.InventoryPath+"/offer") != before {
		t.Fatalf("%d listings from the newest report", len(by))
	}
	if a.fake.ReportTasks() != 2 || a.fake.CallCount("POST "+fake.FeedPath+"/inventory_task") != creates+1 {
		t.Fatalf("%d reports made; the third was to be refused", a.fake.ReportTasks())
	}
}

func lastTask(a *testAccount) string {
	var id string
	for _, c := range a.fake.Calls() {
		if strings.HasPrefix(c.Path, fake.FeedPath+"/inventory_task/") {
			id = strings.TrimPrefix(c.Path, fake.FeedPath+"/inventory_task/")
		}
	}
	return id
}
