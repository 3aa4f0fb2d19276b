package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"stocksync/internal/channel"
	etsyfake "stocksync/internal/channel/etsy/fake"
	"stocksync/internal/inventory"
)

const (
	etsyPushListings = 2_000
	etsyPushSizes    = 5 // products per listing: 10,000 SKUs
	etsySyncListings = 20_000
)

// benchEtsy: a burst of 10,000 changed SKUs over 2,000 listings pushed to
// a fake Etsy shop through the real push, at Etsy's documented limits (10
// calls a second, 10,000 a rolling day) kept by the fake on a virtual
// clock the client waits on, so an hour of Etsy passes in seconds: calls
// made against the minimum of one write per listing, how many SKUs show
// the new quantity within the first hour, and when the last listing with
// a quantity going to zero or falling was written. Then a full catalogue
// sync of 20,000 listings from the fake, over loopback HTTP, at the
// documented rate in real time.
func benchEtsy(ctx context.Context, env *benchEnv) error {
	if err := benchEtsyPush(ctx, env); err != nil {
		return err
	}
	return benchEtsySync(ctx, env)
}

// virtualClock is Etsy's time for the push bench: waits move it on at once.
type virtualClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *virtualClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *virtualClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
	return ctx.Err()
}

func etsySKU(listing, size int) string { return fmt.Sprintf("ETSY-%05d-%d", listing+1, size) }

func benchEtsyPush(ctx context.Context, env *benchEnv) error {
	st, _, err := env.newStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	userID, err := addBenchUser(ctx, st.DB.DB)
	if err != nil {
		return err
	}
	n := etsyPushListings * etsyPushSizes
	qty := func(i int) int { return 5 + i%7 }
	// Our items carry the shop's SKUs and its quantities, so the first
	// sync links them all and its push has nothing to send.
	if _, err := st.DB.ExecContext(ctx, `INSERT INTO items (name, sku)
		SELECT 'Bench Etsy item ' || g, 'ETSY-' || lpad(((g - 1) / $2 + 1)::text, 5, '0') || '-' || ((g - 1) % $2)
		FROM generate_series(1, $1) g`, n, etsyPushSizes); err != nil {
		return err
	}
	ids, wh, err := itemsInWarehouse(ctx, st)
	if err != nil {
		return err
	}
	lines := make([]inventory.Line, len(ids))
	for i, id := range ids {
		lines[i] = inventory.Line{ItemID: id, WarehouseID: wh, Quantity: int64(qty(i)), Rate: inventory.Money(100)}
	}
	if _, err := st.CreatePurchaseReceive(ctx, inventory.Receive{Vendor: "Bench", Date: time.Now(), Lines: lines}, userID); err != nil {
		return err
	}
	clock := &virtualClock{t: time.Now()}
	shop := etsyfake.New(etsyfake.Options{Now: clock.Now})
	defer shop.Close()
	listings := make([]etsyfake.Listing, etsyPushListings)
	for l := range listings {
		listings[l] = etsyfake.Listing{Title: fmt.Sprintf("Bench Etsy listing %d", l+1), QuantityOnProperty: []int64{100}, SKUOnProperty: []int64{100}}
		for s := range etsyPushSizes {
			listings[l].Products = append(listings[l].Products, etsyfake.Product{SKU: etsySKU(l, s), Price: "20.00", Quantity: qty(l*etsyPushSizes + s),
				Values: []etsyfake.Value{{PropertyID: 100, Name: "Size", ValueID: int64(5100 + s), Value: fmt.Sprintf("Size %d", s+1)}}})
		}
	}
	shop.SetListings(listings)
	listings = shop.Listings() // with the IDs the shop gave them
	svc, err := sandboxService(st, make([]byte, 32), channel.Options{Sleep: clock.Sleep, Now: clock.Now})
	if err != nil {
		return err
	}
	ch, err := connectSandbox(ctx, svc, "etsy", "Sandbox Etsy", shop.Credentials())
	if err != nil {
		return err
	}
	if err := syncLinked(ctx, st, svc, ch, n); err != nil {
		return err
	}
	// The burst, one adjustment: a tenth of the SKUs go to zero, four
	// tenths fall by one, half rise by two; every listing has some of each.
	want := make([]int, n)
	adj := make([]inventory.Line, n)
	for i, id := range ids {
		d := 2
		switch {
		case i%10 == 0:
			d = -qty(i)
		case i%2 == 0:
			d = -1
		}
		want[i] = qty(i) + d
		adj[i] = inventory.Line{ItemID: id, WarehouseID: wh, Quantity: int64(d)}
	}
	if _, err := st.CreateAdjustment(ctx, inventory.Adjustment{Reason: "Stock count", Date: time.Now(), Lines: adj}, userID); err != nil {
		return err
	}
	shop.ResetCalls()
	start, realStart := clock.Now(), time.Now()
	if err := svc.Push(ctx, ch, "change", 0); err != nil {
		return err
	}
	took, realTook := clock.Now().Sub(start), time.Since(realStart)
	calls := shop.Calls()
	reached, lastUrgent := 0, time.Duration(0)
	for _, c := range calls {
		if c.Method != "PUT" {
			continue
		}
		// Every listing has a SKU going to zero or falling: all are urgent.
		lastUrgent = max(lastUrgent, c.At.Sub(start))
		if c.At.Sub(start) <= time.Hour {
			reached += etsyPushSizes
		}
	}
	for i := range n {
		l, s := i/etsyPushSizes, i%etsyPushSizes
		if q, ok := shop.Quantity(listings[l].Key(listings[l].Products[s])); !ok || q != want[i] {
			return fmt.Errorf("%s shows %d (%v), want %d", etsySKU(l, s), q, ok, want[i])
		}
	}
	if d := shop.DeletedProducts(); len(d) != 0 {
		return fmt.Errorf("the push deleted %d products, such as %s", len(d), strings.Join(d[:min(3, len(d))], "; "))
	}
	report("etsy_push_calls_ratio", float64(len(calls))/float64(etsyPushListings), "ratio")
	report("etsy_push_calls", float64(len(calls)), "calls")
	report("etsy_push_first_hour", float64(min(reached, n)), "skus")
	report("etsy_push_decreases_done_s", lastUrgent.Seconds(), "s")
	report("etsy_push_10k_etsy_s", took.Seconds(), "s")
	report("etsy_push_10k_real_s", realTook.Seconds(), "s")
	return nil
}

func benchEtsySync(ctx context.Context, env *benchEnv) error {
	st, _, err := env.newStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	// Etsy's documented rates on the real clock: the fake answers 429 past
	// 10 calls a second and the client paces itself to that.
	shop := etsyfake.New(etsyfake.Options{})
	defer shop.Close()
	listings := make([]etsyfake.Listing, etsySyncListings)
	for l := range listings {
		listings[l] = etsyfake.Listing{Title: fmt.Sprintf("Bench Etsy listing %d", l+1),
			Products: []etsyfake.Product{{SKU: fmt.Sprintf("SKU-%07d", l+1), Price: fmt.Sprintf("%d.50", 5+l%40), Quantity: l % 30}}}
	}
	shop.SetListings(listings)
	took, err := timeFakeSync(ctx, st, "etsy", "Sandbox Etsy", shop, channel.Options{}, etsySyncListings)
	if err != nil {
		return err
	}
	report("etsy_sync_20k_s", took.Seconds(), "s")
	report("etsy_sync_20k_calls", float64(len(shop.Calls())), "calls")
	return nil
}
