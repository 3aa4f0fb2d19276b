package channelsync_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "stocksync/internal/channel/etsy"
	etsyfake "stocksync/internal/channel/etsy/fake"
	"stocksync/internal/channelsync"
)

// seedEtsy gives the fake shop a listing with variations, one whose
// products carry no SKU, a plain one and a broken one.
func seedEtsy(shop *etsyfake.Server) (jumper, towel, mug etsyfake.Listing) {
	// Listed well before the channel is connected, whatever the virtual
	// clock says, so an incremental sync reads only what changes after.
	listed := time.Now().Add(-48 * time.Hour)
	size := func(id int64, v string) []etsyfake.Value {
		return []etsyfake.Value{{PropertyID: 100, Name: "Size", ValueID: id, Value: v}}
	}
	jumper = shop.AddListing(etsyfake.Listing{Title: "Knitted Jumper", Created: listed, QuantityOnProperty: []int64{100}, Products: []etsyfake.Product{
		{SKU: "JMP-S", Values: size(501, "S"), Price: "45.00", Quantity: 2},
		{SKU: "JMP-M", Values: size(502, "M"), Price: "45.00", Quantity: 3},
		{SKU: "JMP-L", Values: size(503, "L"), Price: "45.00", Quantity: 4},
	}})
	colour := func(id int64, v string) []etsyfake.Value {
		return []etsyfake.Value{{PropertyID: 200, Name: "Primary color", ValueID: id, Value: v}}
	}
	towel = shop.AddListing(etsyfake.Listing{Title: "Tea Towel", Created: listed, QuantityOnProperty: []int64{200}, Products: []etsyfake.Product{
		{Values: colour(1213, "Red"), Price: "12.00", Quantity: 5},
		{Values: colour(1214, "Blue"), Price: "12.00", Quantity: 6},
	}})
	mug = shop.AddListing(etsyfake.Listing{Title: "Stoneware Mug", Created: listed, Products: []etsyfake.Product{{SKU: "MUG-1", Price: "18.00", Quantity: 9}}})
	shop.AddListing(etsyfake.Listing{Title: "Odd Candle", Created: listed, Products: []etsyfake.Product{{SKU: "CND-1", Price: "8.00", RawQuantity: `"lots"`}}})
	return jumper, towel, mug
}

func connectEtsy(t *testing.T, svc *channelsync.Service, shop *etsyfake.Server) int64 {
	t.Helper()
	return connectFake(t, svc, "etsy", "Etsy", shop.Credentials(), 0)
}

func TestEtsySyncImportsProductsAndAutoLinks(t *testing.T) {
	svc, st := newService(t)
	shop := etsyfake.New(etsyfake.Options{Now: clock.Now})
	defer shop.Close()
	jumper, _, mug := seedEtsy(shop)
	seedItems(t, st, "JMP-M", "MUG-1")
	st.DB.MustExec(`INSERT INTO items (name, sku) VALUES ('Tea Towel - Blue', 'TT-BLUE')`)
	id := connectEtsy(t, svc, shop)
	ctx := context.Background()
	runID, err := svc.SyncCatalogue(ctx, id, true, "first", 1)
	if err != nil {
		t.Fatal(err)
	}
	run, _ := st.Run(ctx, runID)
	// 3 + 2 + 1 products and the broken candle; linked: JMP-M and MUG-1
	// by SKU, the blue towel (no SKU) by name.
	if run.Status != "succeeded" || run.Records != 7 || run.Failed != 1 || run.Synced != 3 || run.NewUnconfirmed != 3 {
		t.Fatalf("run: %+v %v", run, run.Error)
	}
	var linked []string
	st.DB.Select(&linked, `SELECT ci.external_id FROM channel_items ci WHERE ci.channel_id = $1 AND ci.item_id IS NOT NULL ORDER BY ci.external_id`, id)
	if len(linked) != 3 || linked[0] != strconv.FormatInt(jumper.ID, 10)+"/502" || linked[2] != strconv.FormatInt(mug.ID, 10) {
		t.Fatalf("linked %v", linked)
	}
	var names []string
	st.DB.Select(&names, `SELECT name FROM channel_items WHERE channel_id = $1 AND item_id IS NULL ORDER BY name`, id)
	if strings.Join(names, "|") != "Knitted Jumper - L|Knitted Jumper - S|Tea Towel - Red" {
		t.Fatalf("unconfirmed %q", names)
	}

	// Incremental: only the listing edited since is read again.
	clock.Sleep(ctx, time.Hour)
	shop.Edit(jumper.ID, func(l *etsyfake.Listing) { l.Products[0].Quantity = 11 })
	runID, err = svc.SyncCatalogue(ctx, id, false, "schedule", 2)
	if err != nil {
		t.Fatal(err)
	}
	run, _ = st.Run(ctx, runID)
	// The jumper's three products, and the candle that is failing now,
	// which every sync checks again.
	if run.Status != "succeeded" || run.Kind != "catalogue" || run.Records != 4 || run.Updated != 3 || run.Failed != 1 {
		t.Fatalf("incremental run: %+v %v", run, run.Error)
	}
	var qty int
	st.DB.Get(&qty, `SELECT quantity FROM channel_items WHERE channel_id = $1 AND external_id = $2`, id, strconv.FormatInt(jumper.ID, 10)+"/501")
	if qty != 11 {
		t.Fatalf("quantity %d after the incremental sync", qty)
	}
}

func TestEtsyOrdersImportWithCancellations(t *testing.T) {
	svc, st := newService(t)
	shop := etsyfake.New(etsyfake.Options{Now: clock.Now})
	defer shop.Close()
	jumper, towel, mug := seedEtsy(shop)
	seedItems(t, st, "JMP-M", "MUG-1")
	id := connectEtsy(t, svc, shop)
	kept, _ := shop.AddReceipt(etsyfake.Receipt{Name: "Ann Shopper", Lines: []etsyfake.Transaction{
		{Key: jumper.Key(jumper.Products[1]), Quantity: 2}, {Key: towel.Key(towel.Products[0]), Quantity: 1}}})
	gone, _ := shop.AddReceipt(etsyfake.Receipt{Name: "Bo Buyer", Lines: []etsyfake.Transaction{{Key: mug.Key(mug.Products[0]), Quantity: 4}}})
	if err := shop.SetReceiptStatus(gone.ID, "canceled"); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	runID, err := svc.SyncCatalogue(ctx, id, true, "manual", 0)
	if err != nil {
		t.Fatal(err)
	}
	if run, _ := st.Run(ctx, runID); run.Status != "succeeded" || run.Orders != 2 {
		var why []string
		st.DB.Select(&why, `SELECT cause FROM sync_failures WHERE run_id = $1`, runID)
		t.Fatalf("run %+v %v %v", run, run.Error, why)
	}
	var rows []struct {
		Number   string `db:"channel_order_number"`
		Customer string `db:"customer"`
		Status   string `db:"status"`
		Frozen   bool   `db:"frozen"`
	}
	if err := st.DB.Select(&rows, `SELECT o.channel_order_number, o.customer, o.status, o.frozen
		FROM sales_orders o WHERE o.channel_id = $1 ORDER BY o.id`, id); err != nil {
		t.Fatal(err)
	}
	// The towel line is of a listing nobody confirmed: the order is frozen.
	if len(rows) != 2 || rows[0].Number != strconv.FormatInt(kept.ID, 10) || rows[0].Customer != "Ann Shopper" || !rows[0].Frozen ||
		rows[0].Status != "open" || rows[1].Status != "cancelled" {
		t.Fatalf("orders %+v", rows)
	}
	var committed map[string]int64 = map[string]int64{}
	var cs []struct {
		SKU       string `db:"sku"`
		Committed int64  `db:"committed"`
	}
	st.DB.Select(&cs, `SELECT i.sku, s.committed FROM item_stock s JOIN items i ON i.id = s.item_id`)
	for _, c := range cs {
		committed[c.SKU] = c.Committed
	}
	if committed["JMP-M"] != 2 || committed["MUG-1"] != 0 {
		t.Fatalf("committed %v (the cancelled receipt commits nothing)", committed)
	}
}

func TestEtsyTokenRenewedMidSyncAndRotatedTokenStored(t *testing.T) {
	svc, st := newService(t)
	// Every listing's inventory read on its own: about 250 calls paced at
	// 10 a second, while an access token is renewed 10 s after issue.
	shop := etsyfake.New(etsyfake.Options{Now: clock.Now, IgnoreIncludes: true, AccessTTL: 5*time.Minute + 5*time.Second})
	defer shop.Close()
	shop.Generate(600, 2)
	id := connectEtsy(t, svc, shop)
	ctx := context.Background()
	before := shop.Refreshes()
	runID, err := svc.SyncCatalogue(ctx, id, true, "manual", 0)
	if err != nil {
		t.Fatal(err)
	}
	run, _ := st.Run(ctx, runID)
	if run.Status != "succeeded" || run.Records != 600 {
		t.Fatalf("run %+v %v", run, run.Error)
	}
	if n := shop.Refreshes() - before; n < 2 {
		t.Fatalf("%d refreshes during the sync, want the token renewed mid-sync", n)
	}
	ch, err := st.Channel(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	creds, err := channelsync.StoredCredentials(svc, ch)
	if err != nil {
		t.Fatal(err)
	}
	if !shop.ValidRefreshToken(creds["refresh_token"]) {
		t.Fatal("the stored refresh token is not the one Etsy issued last")
	}
}
