package store_test

import (
	"testing"
	"time"

	"stocksync/internal/inventory"
	"stocksync/internal/store"
)

// Bulk Confirm and bulk Link settle the orders that waited on their
// listings, as the single actions do: lines take the items and commit, and
// an order unfreezes once nothing waits.
func TestBulkSettlingUnfreezesWaitingOrders(t *testing.T) {
	f := newSettleFixture(t, qtyListing("a", "A-1", "Apron", "9.00", 5), qtyListing("b", "B-1", "Bib", "4.00", 5))
	ctx := t.Context()
	at := time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC)
	res, err := f.st.ImportOnlineOrders(ctx, f.ch, []inventory.OnlineOrder{{ExternalID: "o1", Number: "#1", Customer: "C",
		CreatedAt: at, UpdatedAt: at, Lines: []inventory.OnlineOrderLine{
			{ExternalID: "1", ListingExternalID: "a", Quantity: 2, Rate: 900},
			{ExternalID: "2", ListingExternalID: "b", Quantity: 1, Rate: 400}}}})
	if err != nil || len(res.OrderIDs) != 1 {
		t.Fatalf("import: %+v %v", res, err)
	}
	order := res.OrderIDs[0]
	frozen := func() bool {
		var fr bool
		f.st.DB.Get(&fr, `SELECT frozen FROM sales_orders WHERE id = $1`, order)
		return fr
	}
	if !frozen() {
		t.Fatal("not frozen")
	}
	bib := f.item("Bib", "", true)
	runBulk(t, f.st, store.BulkRequest{Kind: store.BulkLink, By: f.user, ListingIDs: []int64{f.listingID("b")}, ItemIDs: []int64{bib}})
	var committed int64
	f.st.DB.Get(&committed, `SELECT committed FROM item_stock WHERE item_id = $1`, bib)
	if !frozen() || committed != 1 {
		t.Fatalf("after bulk Link: frozen %v, bib committed %d", frozen(), committed)
	}
	runBulk(t, f.st, store.BulkRequest{Kind: store.BulkConfirm, By: f.user, ListingIDs: []int64{f.listingID("a")}})
	f.st.DB.Get(&committed, `SELECT s.committed FROM item_stock s JOIN channel_items ci ON ci.item_id = s.item_id WHERE ci.id = $1`, f.listingID("a"))
	if frozen() || committed != 2 {
		t.Fatalf("after bulk Confirm: frozen %v, apron committed %d", frozen(), committed)
	}
}
