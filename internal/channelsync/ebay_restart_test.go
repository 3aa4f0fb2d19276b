package channelsync_test

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"stocksync/internal/auth"
	ebayfake "stocksync/internal/channel/ebay/fake"
	"stocksync/internal/inventory"
)

// offerReadsOf names the SKUs whose offers were read since the last reset.
func offerReadsOf(seller *ebayfake.Server) []string {
	var skus []string
	for _, c := range seller.Calls() {
		if c.Path == ebayfake.InventoryPath+"/offer" {
			q, _ := url.ParseQuery(c.Query)
			skus = append(skus, q.Get("sku"))
		}
	}
	slices.Sort(skus)
	return skus
}

// The offer IDs a push addresses live in the listings' stored refs, so a
// new server process on the same database reads offers only of a new SKU
// and of one whose listing changed on eBay, and its pushes reach each
// SKU's current offer.
func TestEbayNewServiceReadsOffersOnlyOfNewOrChangedSKUs(t *testing.T) {
	first, st := newService(t)
	seller := ebayfake.New(ebayfake.Options{Now: clock.Now})
	defer seller.Close()
	seller.Generate(300, 41)
	moved, kept := seller.Items()[0].SKU, seller.Items()[1].SKU
	ctx := context.Background()
	u, err := st.CreateUser(ctx, "clerk@example.com", auth.RoleStaff, "x")
	if err != nil {
		t.Fatal(err)
	}
	items := map[string]int64{}
	for _, sku := range []string{moved, kept} {
		it, err := st.CreateItem(ctx, inventory.ItemFields{Name: sku, SKU: sku, Unit: "pcs", OpeningQty: 10}, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		items[sku] = it.ID
	}
	ch := connectEbay(t, first, seller)
	seller.ResetCalls()
	if run := syncRun(t, first, st, ch, true, 1); run.New != 300 || run.Synced != 2 {
		t.Fatalf("first run %+v", run)
	}
	if n := len(offerReadsOf(seller)); n != 300 {
		t.Fatalf("the channel's first sync read %d SKUs' offers, want 300", n)
	}
	if err := first.Push(ctx, ch, "sync", 0); err != nil {
		t.Fatal(err)
	}

	// On eBay meanwhile: a new SKU, and one SKU's offer ended and listed
	// again, under a new offer and listing ID.
	seller.AddItem(ebayfake.Item{SKU: "NEW-1", Title: "Newcomer", Quantity: 3, Offers: []ebayfake.Offer{{Price: "5.00"}}})
	seller.Edit(moved, func(it *ebayfake.Item) { it.Offers[0].OfferID, it.Offers[0].ListingID = "7000000001", "119000000001" })

	second := serviceOn(t, st)
	seller.ResetCalls()
	if run := syncRun(t, second, st, ch, true, 2); run.Records != 301 || run.New != 1 || run.Failed != 0 {
		t.Fatalf("second run %+v", run)
	}
	want := []string{"NEW-1", moved}
	slices.Sort(want)
	if reads := offerReadsOf(seller); !slices.Equal(reads, want) {
		t.Fatalf("a new process read the offers of %d SKUs (%v), want NEW-1 and %s", len(reads), reads[:min(len(reads), 5)], moved)
	}
	var ref string
	if err := st.DB.Get(&ref, `SELECT inventory_ref FROM channel_items WHERE channel_id = $1 AND external_id = $2`, ch, "EBAY_US:"+moved); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(ref, `"7000000001"`) {
		t.Fatalf("the relisted SKU's ref %s", ref)
	}

	// A third process pushes: each SKU's stock reaches its current offer,
	// and no offer is read to find it.
	third := serviceOn(t, st)
	var wh int64
	if err := st.DB.Get(&wh, `SELECT min(id) FROM warehouses`); err != nil {
		t.Fatal(err)
	}
	for _, id := range items {
		if _, err := st.CreatePurchaseReceive(ctx, inventory.Receive{Vendor: "Acme", Date: time.Now(),
			Lines: []inventory.Line{{ItemID: id, WarehouseID: wh, Quantity: 5, Rate: inventory.Money(100)}}}, u.ID); err != nil {
			t.Fatal(err)
		}
	}
	seller.ResetCalls()
	if err := third.Push(ctx, ch, "change", 0); err != nil {
		t.Fatal(err)
	}
	for _, sku := range []string{moved, kept} {
		if q, _ := seller.Quantity(sku, "EBAY_US"); q != 15 {
			t.Errorf("%s shows %d, want 15", sku, q)
		}
	}
	var failed int
	if err := st.DB.Get(&failed, `SELECT count(*) FROM channel_items WHERE channel_id = $1 AND push_error IS NOT NULL`, ch); err != nil {
		t.Fatal(err)
	}
	if reads := offerReadsOf(seller); len(reads) != 0 || failed != 0 {
		t.Fatalf("the push read %d SKUs' offers; %d listings failed", len(reads), failed)
	}
}
