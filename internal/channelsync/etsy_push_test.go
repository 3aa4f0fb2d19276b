package channelsync_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"stocksync/internal/auth"
	etsyfake "stocksync/internal/channel/etsy/fake"
	"stocksync/internal/inventory"
	"stocksync/internal/store"
)

// An Etsy push writes each listing's whole inventory, keeping every
// product (the fake records any it had to delete), merges a listing's
// changes into one write, and, when the day's budget runs out, leaves the
// rest pending with the reason and the time it goes; after that time it
// goes.
func TestEtsyPushWithinTheDayBudget(t *testing.T) {
	svc, st := newService(t)
	shop := etsyfake.New(etsyfake.Options{Now: clock.Now, PerDay: 100})
	defer shop.Close()
	jumper, _, _ := seedEtsy(shop)
	pot := shop.AddListing(etsyfake.Listing{Title: "Teapot", Products: []etsyfake.Product{{SKU: "POT-1", Price: "30.00", Quantity: 1}}})
	lamp := shop.AddListing(etsyfake.Listing{Title: "Lamp", Products: []etsyfake.Product{{SKU: "LAMP-1", Price: "50.00", Quantity: 1}}})
	ctx := context.Background()
	u, err := st.CreateUser(ctx, "clerk@example.com", auth.RoleStaff, "x")
	if err != nil {
		t.Fatal(err)
	}
	skus := []string{"JMP-S", "JMP-L", "MUG-1", "POT-1", "LAMP-1"}
	items := map[string]int64{}
	for _, sku := range skus {
		it, err := st.CreateItem(ctx, inventory.ItemFields{Name: sku, SKU: sku, Unit: "pcs", OpeningQty: 20}, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		items[sku] = it.ID
	}
	ch := connectEtsy(t, svc, shop)
	if run := syncRun(t, svc, st, ch, true, 1); run.Synced != 5 {
		t.Fatalf("sync %+v", run)
	}
	puts := shop.Puts()
	if err := svc.Push(ctx, ch, "sync", 0); err != nil {
		t.Fatal(err)
	}
	// Five products of four listings: the jumper's two in one write.
	if n := shop.Puts() - puts; n != 4 {
		t.Fatalf("%d inventory writes for four listings", n)
	}
	for _, key := range []string{jumper.Key(jumper.Products[0]), jumper.Key(jumper.Products[2]), pot.Key(pot.Products[0])} {
		if q, _ := shop.Quantity(key); q != 20 {
			t.Fatalf("%s shows %d, want 20", key, q)
		}
	}
	if q, _ := shop.Quantity(jumper.Key(jumper.Products[1])); q != 3 {
		t.Fatalf("the jumper's unlinked M shows %d: the write changed it", q)
	}
	if d := shop.DeletedProducts(); len(d) != 0 {
		t.Fatalf("the writes deleted products: %v", d)
	}

	// Stock arrives for all; the day has room for one write beyond the
	// read and the two calls kept for syncs.
	var wh int64
	st.DB.Get(&wh, `SELECT min(id) FROM warehouses`)
	for _, sku := range skus {
		if _, err := st.CreatePurchaseReceive(ctx, inventory.Receive{Vendor: "Acme", Date: time.Now(),
			Lines: []inventory.Line{{ItemID: items[sku], WarehouseID: wh, Quantity: 5, Rate: inventory.Money(100)}}}, u.ID); err != nil {
			t.Fatal(err)
		}
	}
	shop.SetRemainingToday(4)
	puts = shop.Puts()
	if err := svc.Push(ctx, ch, "change", 0); err != nil {
		t.Fatal(err)
	}
	if n := shop.Puts() - puts; n != 1 {
		t.Fatalf("%d writes with room for one", n)
	}
	var pending []struct {
		SKU   string    `db:"sku"`
		Err   string    `db:"push_error"`
		Retry time.Time `db:"push_retry_at"`
	}
	st.DB.Select(&pending, `SELECT sku, push_error, push_retry_at FROM channel_items
		WHERE channel_id = $1 AND stock_push_pending ORDER BY sku`, ch)
	if len(pending) < 2 || len(pending) > 4 {
		t.Fatalf("pending %+v", pending)
	}
	for _, p := range pending {
		if !strings.Contains(p.Err, "budget") || !p.Retry.After(clock.Now()) {
			t.Fatalf("pending %+v: no budget reason or no time to go", p)
		}
	}
	runs, _ := st.ListRuns(ctx, store.RunFilter{ChannelID: ch, Kind: "stock"})
	if len(runs) == 0 || runs[0].Failed != len(pending) {
		t.Fatalf("run %+v, %d pending", runs, len(pending))
	}

	// Calls come back into the rolling day: the rest goes.
	clock.Sleep(ctx, 2*time.Hour)
	shop.ResetDay()
	st.DB.MustExec(`UPDATE channel_items SET push_retry_at = now() WHERE channel_id = $1 AND stock_push_pending`, ch)
	if err := svc.Push(ctx, ch, "change", 0); err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]int{jumper.Key(jumper.Products[0]): 25, jumper.Key(jumper.Products[2]): 25,
		pot.Key(pot.Products[0]): 25, lamp.Key(lamp.Products[0]): 25} {
		if q, _ := shop.Quantity(key); q != want {
			t.Errorf("%s shows %d after the reset, want %d", key, q, want)
		}
	}
	if d := shop.DeletedProducts(); len(d) != 0 {
		t.Fatalf("the writes deleted products: %v", d)
	}
}
