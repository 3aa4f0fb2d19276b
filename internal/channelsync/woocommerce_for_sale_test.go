package channelsync_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	woofake "stocksync/internal/channel/woocommerce/fake"
	"stocksync/internal/channelsync"
	"stocksync/internal/store"
)

func connectWoo(t *testing.T, svc *channelsync.Service, shop *woofake.Server) int64 {
	t.Helper()
	return connectFake(t, svc, "woocommerce", "Woo",
		map[string]string{"site_url": shop.URL(), "consumer_key": woofake.DefaultConsumerKey, "consumer_secret": woofake.DefaultConsumerSecret}, 0)
}

func listingNames(t *testing.T, st *store.Store, id int64) string {
	t.Helper()
	var names []string
	if err := st.DB.Select(&names, `SELECT name || CASE WHEN item_id IS NULL THEN '' ELSE ' (linked)' END
		FROM channel_items WHERE channel_id = $1 ORDER BY name`, id); err != nil {
		t.Fatal(err)
	}
	return strings.Join(names, "|")
}

func TestWooCommerceImportsOnlyWhatIsForSale(t *testing.T) {
	svc, st := newService(t)
	// The fake keeps the real time, so its edits come after the cursor of
	// the sync before them, as a merchant's do.
	shop := woofake.New(woofake.Options{Now: time.Now})
	defer shop.Close()
	size := func(s string) []woofake.Attribute { return []woofake.Attribute{{Name: "Size", Option: s}} }
	mug := shop.AddListing(woofake.Product{Name: "Mug", SKU: "MUG-1", Price: "9.50"})
	shop.AddListing(woofake.Product{Name: "Draft bowl", SKU: "BWL-1", Price: "5", Status: "draft"})
	shop.AddListing(woofake.Product{Name: "Pending plate", SKU: "PLT-1", Price: "5", Status: "pending"})
	shop.AddListing(woofake.Product{Name: "Private vase", SKU: "VAS-1", Price: "5", Status: "private"})
	jumper := shop.AddListing(woofake.Product{Name: "Jumper", Type: "variable", Variations: []woofake.Variation{
		{SKU: "JMP-S", Price: "45.00", Attributes: size("S")},
		{SKU: "JMP-M", Price: "45.00", Attributes: size("M"), Status: "private"}, // disabled
		{SKU: "JMP-L", Price: "45.00", Attributes: size("L")},
	}})
	shop.AddListing(woofake.Product{Name: "Hat", Type: "variable", Status: "draft", Variations: []woofake.Variation{
		{SKU: "HAT-1", Price: "15.00", Attributes: size("One")},
	}})
	seedItems(t, st, "JMP-L")
	id := connectWoo(t, svc, shop)

	run := syncRun(t, svc, st, id, false, 1)
	if run.Records != 3 || run.New != 3 || run.Failed != 0 {
		t.Fatalf("first run %+v", run)
	}
	if got := listingNames(t, st, id); got != "Jumper - L (linked)|Jumper - S|Mug" {
		t.Fatalf("imported %q", got)
	}

	// The mug becomes a draft, the small jumper is disabled and the large
	// one too (it is linked): the unconfirmed ones leave the list, the
	// linked one keeps its link for when it is sold again.
	variation := func(i int) string { return itoaID(jumper.ID) + "/" + itoaID(jumper.Variations[i].ID) }
	shop.Edit(itoaID(mug.ID), func(p *woofake.Product, _ *woofake.Variation) { p.Status = "draft" })
	shop.Edit(variation(0), func(_ *woofake.Product, v *woofake.Variation) { v.Status = "private" })
	shop.Edit(variation(2), func(_ *woofake.Product, v *woofake.Variation) { v.Status = "private" })
	syncRun(t, svc, st, id, false, 1)
	if got := listingNames(t, st, id); got != "Jumper - L (linked)" {
		t.Fatalf("after withdrawal %q", got)
	}
	var unconfirmed int
	st.DB.Get(&unconfirmed, `SELECT unconfirmed FROM channels WHERE id = $1`, id)
	if unconfirmed != 0 {
		t.Fatalf("%d unconfirmed", unconfirmed)
	}

	// Enabled again, a variation comes back as a new listing.
	shop.Edit(variation(0), func(_ *woofake.Product, v *woofake.Variation) { v.Status = "publish" })
	if run := syncRun(t, svc, st, id, false, 1); run.New != 1 {
		t.Fatalf("re-enabled run %+v", run)
	}
}

// Saving a variation moves its parent's date_modified in WooCommerce (see
// the fake's Edit), so an incremental sync sees a change made only to a
// variation.
func TestWooCommerceIncrementalSyncSeesAVariationOnlyChange(t *testing.T) {
	svc, st := newService(t)
	shop := woofake.New(woofake.Options{Now: time.Now})
	defer shop.Close()
	old := time.Now().Add(-24 * time.Hour)
	shop.AddListing(woofake.Product{Name: "Mug", SKU: "MUG-1", Price: "9.50", DateModified: old})
	jumper := shop.AddListing(woofake.Product{Name: "Jumper", Type: "variable", DateModified: old, Variations: []woofake.Variation{
		{SKU: "JMP-S", Price: "45.00", Attributes: []woofake.Attribute{{Name: "Size", Option: "S"}}, DateModified: old},
	}})
	id := connectWoo(t, svc, shop)
	syncRun(t, svc, st, id, false, 1)

	shop.Edit(itoaID(jumper.ID)+"/"+itoaID(jumper.Variations[0].ID), func(_ *woofake.Product, v *woofake.Variation) { v.Price = "49.00" })
	run := syncRun(t, svc, st, id, false, 1)
	if run.Kind != "catalogue" || run.Records != 1 || run.Updated != 1 {
		t.Fatalf("incremental run %+v", run)
	}
	var price string
	st.DB.Get(&price, `SELECT price::text FROM channel_items WHERE sku = 'JMP-S'`)
	if price != "49.0000" {
		t.Fatalf("price %q", price)
	}
}

func itoaID(n int) string { return strconv.Itoa(n) }
