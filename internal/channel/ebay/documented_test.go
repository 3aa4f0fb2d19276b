package ebay

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"stocksync/internal/channel"
	"stocksync/internal/channel/internal/testkit"
)

// The tests below read testdata/documented: bodies we wrote in the shapes
// eBay's API reference documents and its samples show, for the cases the
// other recorded bodies leave out (see testdata/README.md for each source).

// An order bought on one marketplace from a listing on another, paid in a
// converted currency, with a line that has no SKU: the line belongs to the
// listing's marketplace, the order keeps the buyer's currency, and the unit
// price comes from a total written with one decimal.
func TestDocumentedOrdersAcrossMarketplaces(t *testing.T) {
	_, c, _ := serveRecorded(t, with(map[string][]answer{
		"GET " + ordersPath + "/order": {{200, "documented/orders_cross_border.json", nil}},
	}))
	page, err := c.FetchOrders(context.Background(), time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), "")
	if err != nil {
		t.Fatal(err)
	}
	if page.HasMore || len(page.Orders) != 3 {
		t.Fatalf("page %+v", page)
	}
	o := page.Orders[0]
	if o.ExternalID != "1********9" || o.Currency != "EUR" || o.Customer != "L********r" || o.Cancelled || o.Status != "NOT_STARTED" ||
		!o.CreatedAt.Equal(time.Date(2026, 6, 2, 8, 26, 18, 0, time.UTC)) || !o.UpdatedAt.Equal(time.Date(2026, 6, 2, 8, 35, 1, 0, time.UTC)) ||
		len(o.Lines) != 2 {
		t.Fatalf("order %+v", o)
	}
	want := []channel.OrderLine{
		{ExternalID: "4********1", ListingExternalID: "EBAY_DE:SNOW-GLOBE-7", SKU: "SNOW-GLOBE-7", Name: "Schneekugel Wien, 7 cm", Quantity: 1, UnitPrice: "100.00"},
		{ExternalID: "4********2", Name: "Postkarten, 3 Stück", Quantity: 3, UnitPrice: "9.99"},
	}
	for i, l := range o.Lines {
		if l != want[i] {
			t.Errorf("line %d = %+v\nwant %+v", i, l, want[i])
		}
	}
	cancelled := page.Orders[1]
	if !cancelled.Cancelled || cancelled.Status != "CANCELED" || cancelled.Customer != "m********2" || cancelled.Lines[0].UnitPrice != "9.00" ||
		cancelled.Lines[0].ListingExternalID != "EBAY_US:MUG-RED" {
		t.Errorf("cancelled order %+v", cancelled)
	}
	if refunded := page.Orders[2]; !refunded.Cancelled || refunded.Lines[0].UnitPrice != "7.25" {
		t.Errorf("a fully refunded order releases its stock: %+v", refunded)
	}
}

// The report as the Feed API's LMS reference lays it out: ActiveInventoryReport
// as the root, the standard fields after the rows, an auction's BidCount and
// ReserveMet, variations with their specifics, rows without a SKU.
func TestDocumentedActiveInventoryReport(t *testing.T) {
	body, err := os.ReadFile(filepath.Join("testdata", "documented", "active_inventory_report_bare.xml"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := parseReport(body)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 {
		t.Fatalf("rows %+v: want the four SKUs, without the listing and the variation that have none", rows)
	}
	check := func(sku, item, price, currency string, qty int) {
		t.Helper()
		r := rows[sku]
		if len(r) != 1 || r[0].ItemID != item || r[0].Price != price || r[0].Currency != currency || r[0].Quantity == nil ||
			*r[0].Quantity != qty || r[0].Problem != "" {
			t.Errorf("%s: %+v", sku, r)
		}
	}
	check("SNOW-GLOBE-7", "226000000001", "100.0", "EUR", 4)
	check("LOT-OLD-COINS", "226000000002", "12.5", "USD", 1)
	check("TEE-S", "226000000004", "15.0", "USD", 2)
	check("TEE-M", "226000000004", "15.0", "USD", 0)
	if _, ok := rows["TEE"]; ok {
		t.Error("the SKU of a listing with variations is no row: its variations are")
	}
}

// bulkUpdatePriceQuantity answers once for a SKU's ship-to-home quantity
// (no offerId) and once per offer; a warning is no failure, a refused offer
// fails only its own listing, and a SKU refused as a whole fails all of it.
func TestDocumentedBulkUpdateAnswers(t *testing.T) {
	_, c, _ := serveRecorded(t, with(map[string][]answer{
		"POST " + inventoryPath + "/bulk_update_price_quantity": {{200, "documented/bulk_update_per_sku_and_offer.json", nil}},
	}))
	ref := func(sku, offer string) string { return inventoryRef{SKU: sku, Offers: []string{offer}}.String() }
	results, err := c.SetQuantities(context.Background(), []channel.QuantityUpdate{
		{ExternalID: "EBAY_US:SNOW-GLOBE-7", InventoryRef: ref("SNOW-GLOBE-7", "7000000001"), Quantity: 3},
		{ExternalID: "EBAY_US:TEE-S", InventoryRef: ref("TEE-S", "7000000002"), Quantity: 1},
		{ExternalID: "EBAY_DE:TEE-S", InventoryRef: ref("TEE-S", "7000000003"), Quantity: 1},
		{ExternalID: "EBAY_US:PEN-BLK", InventoryRef: ref("PEN-BLK", "7000000004"), Quantity: 0},
	}, "")
	if err != nil {
		t.Fatal(err)
	}
	if results[0].Err != nil || results[1].Err != nil {
		t.Errorf("applied updates failed: %+v", results)
	}
	if e := results[2].Err; e == nil || !strings.Contains(e.Error(), "This Offer is not available. (eBay error 25713)") {
		t.Errorf("refused offer: %v", e)
	}
	if e := results[3].Err; e == nil || !strings.Contains(e.Error(), "A system error has occurred. (eBay error 25001)") {
		t.Errorf("refused SKU: %v", e)
	}
	for i, r := range results {
		if r.ExternalID == "" {
			t.Errorf("result %d names no listing", i)
		}
	}
}

// An inventory task passes through QUEUED and IN_PROCESS; one that ends
// COMPLETED_WITH_ERROR still has its file, which is read.
func TestDocumentedInventoryTaskStates(t *testing.T) {
	rec, c, sleeps := serveRecorded(t, withCatalogue(map[string][]answer{
		"GET " + feedPath + "/inventory_task/task-3-1000000001": {
			{200, "documented/inventory_task_queued.json", nil}, {200, "documented/inventory_task_in_process.json", nil},
			{200, "documented/inventory_task_completed_with_error.json", nil}},
	}))
	onClock(c, sleeps)
	page, err := c.FetchListings(context.Background(), time.Time{}, "")
	if err != nil {
		t.Fatal(err)
	}
	poll := "GET /inventory_task/task-3-1000000001, "
	if calls := feedCalls(rec); calls != "POST /inventory_task, "+poll+poll+poll+"GET /task/task-3-1000000001/download_result_file" {
		t.Fatalf("feed calls: %s", calls)
	}
	if cam := page.Listings[0]; cam.SKU != "GP-Cam-01" || cam.Quantity == nil || *cam.Quantity != 45 || cam.Price != "272.17" {
		t.Fatalf("listing %+v", cam)
	}
}

// getInventoryTasks lists the day's tasks whatever their state: an
// incremental sync reads the newest finished report of the last hour and
// asks for none, passing over a newer task that failed or is still running.
func TestDocumentedInventoryTasksReused(t *testing.T) {
	rec, c, _ := serveRecorded(t, withCatalogue(map[string][]answer{
		"GET " + feedPath + "/inventory_task":                              {{200, "documented/inventory_tasks_recent.json", nil}},
		"GET " + feedPath + "/task/task-3-1000000007/download_result_file": {{200, "active_inventory_report.zip", nil}},
	}))
	c.now = func() time.Time { return time.Date(2026, 6, 2, 9, 15, 0, 0, time.UTC) }
	if _, err := c.FetchListings(context.Background(), time.Date(2026, 6, 2, 9, 0, 0, 0, time.UTC), ""); err != nil {
		t.Fatal(err)
	}
	if calls := feedCalls(rec); calls != "GET /inventory_task, GET /task/task-3-1000000007/download_result_file" {
		t.Fatalf("feed calls: %s", calls)
	}
}

// Past eBay's daily limit of report tasks createInventoryTask answers 409;
// a full sync then reads the newest report eBay made today.
func TestDocumentedTaskLimitFallsBack(t *testing.T) {
	rec, c, _ := serveRecorded(t, withCatalogue(map[string][]answer{
		"POST " + feedPath + "/inventory_task":                             {{409, "error_409_task_limit.json", nil}},
		"GET " + feedPath + "/inventory_task":                              {{200, "documented/inventory_tasks_recent.json", nil}},
		"GET " + feedPath + "/task/task-3-1000000007/download_result_file": {{200, "active_inventory_report.zip", nil}},
	}))
	if _, err := c.FetchListings(context.Background(), time.Time{}, ""); err != nil {
		t.Fatal(err)
	}
	if calls := feedCalls(rec); calls != "POST /inventory_task, GET /inventory_task, GET /task/task-3-1000000007/download_result_file" {
		t.Fatalf("feed calls: %s", calls)
	}
}

// A task that ends FAILED has no file: the sync fails and says so.
func TestDocumentedTaskFailed(t *testing.T) {
	_, c, sleeps := serveRecorded(t, with(map[string][]answer{
		"GET " + feedPath + "/inventory_task/task-3-1000000001": {{200, "documented/inventory_task_queued.json", nil}, {200, "inventory_task_failed.json", nil}},
	}))
	onClock(c, sleeps)
	_, err := c.FetchListings(context.Background(), time.Time{}, "")
	if err == nil || !strings.Contains(err.Error(), "ended FAILED") {
		t.Fatalf("failed task: %v", err)
	}
}

// withCatalogue adds to with's routes the inventory items and their offers
// that a catalogue sync reads after the report.
func withCatalogue(extra map[string][]answer) map[string][]answer {
	routes := with(extra)
	routes["GET "+inventoryPath+"/inventory_item"] = []answer{{200, "inventory_items_page.json", nil}}
	routes["GET "+inventoryPath+"/offer?sku=GP-Cam-01"] = []answer{{200, "offers_gp_cam_01.json", nil}}
	routes["GET "+inventoryPath+"/offer?sku=GP-Cam-02"] = []answer{{404, "offers_none.json", nil}}
	return routes
}

// feedCalls lists the Feed API calls the client made, in order.
func feedCalls(rec *recorded) string {
	var calls []string
	for _, r := range rec.requests {
		if strings.HasPrefix(r.URL.Path, feedPath) {
			calls = append(calls, r.Method+" "+strings.TrimPrefix(r.URL.Path, feedPath))
		}
	}
	return strings.Join(calls, ", ")
}

// onClock runs the client on a clock its waits move on, so that a task
// never taken for finished ends the wait at once instead of hanging.
func onClock(c *Client, sleeps *testkit.Sleeps) {
	sleeps.Clock = testkit.NewClock()
	c.now = sleeps.Clock.Now
}
