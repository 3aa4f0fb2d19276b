package channelsync_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	ebayfake "stocksync/internal/channel/ebay/fake"
	etsyfake "stocksync/internal/channel/etsy/fake"
)

// A burst bigger than Etsy's day: the push spends the budget, and what
// the channel's page reads from the database says so — every call of the
// day used, the listings it could not pay for waiting for the quota with
// the time the first goes. Once the day's calls come back they are sent,
// and nothing waits.
func TestEtsyQuotaStatusAfterABurstAndAfterTheReset(t *testing.T) {
	svc, st := newService(t)
	const perDay, listings = 40, 60
	shop := etsyfake.New(etsyfake.Options{Now: clock.Now, PerDay: perDay})
	defer shop.Close()
	keys := make([]string, listings)
	for i := range listings {
		sku := fmt.Sprintf("QUOTA-%02d", i)
		l := shop.AddListing(etsyfake.Listing{Title: "Card " + sku, Products: []etsyfake.Product{{SKU: sku, Price: "3.00", Quantity: 1}}})
		keys[i] = l.Key(l.Products[0])
		st.DB.MustExec(`INSERT INTO items (name, sku) VALUES ($1, $2)`, "Card "+sku, sku)
	}
	ch := connectEtsy(t, svc, shop)
	if run := syncRun(t, svc, st, ch, true, 1); run.Synced != listings {
		t.Fatalf("sync %+v", run)
	}
	// Every linked listing is to show 0 (the items have no stock) rather
	// than Etsy's 1: one write each, more than the day has left.
	ctx := context.Background()
	puts := shop.Puts()
	if err := svc.Push(ctx, ch, "sync", 0); err != nil {
		t.Fatal(err)
	}
	sent := shop.Puts() - puts
	if sent == 0 || sent >= listings {
		t.Fatalf("%d of %d listings written within a day of %d calls", sent, listings, perDay)
	}
	q, err := st.ChannelQuotaStatus(ctx, ch, 20)
	if err != nil {
		t.Fatal(err)
	}
	if q.Budget == nil || q.Budget.UsedToday != perDay || q.Budget.LimitPerDay != perDay || q.Budget.Label != "Etsy calls today" {
		t.Fatalf("budget %+v, want %d of %d used", q.Budget, perDay, perDay)
	}
	if q.Waiting != listings-sent || q.NextTry == nil || !q.NextTry.After(time.Now()) || len(q.Listings) != 20 || q.Reason == "" {
		t.Fatalf("waiting %d (next %v, %d listed, %q), want %d", q.Waiting, q.NextTry, len(q.Listings), q.Reason, listings-sent)
	}
	for _, k := range keys[:sent] {
		if n, _ := shop.Quantity(k); n != 0 {
			t.Fatalf("%s shows %d after its write", k, n)
		}
	}

	// The rolling day gives its calls back; the retry time comes (in the
	// database's clock too).
	clock.Sleep(ctx, 2*time.Hour)
	shop.ResetDay()
	st.DB.MustExec(`UPDATE channel_items SET push_retry_at = now() WHERE channel_id = $1 AND push_quota`, ch)
	if err := svc.Push(ctx, ch, "change", 0); err != nil {
		t.Fatal(err)
	}
	if n := shop.Puts() - puts; n != listings {
		t.Fatalf("%d listings written in all, want %d", n, listings)
	}
	for _, k := range keys {
		if n, _ := shop.Quantity(k); n != 0 {
			t.Fatalf("%s shows %d after the reset", k, n)
		}
	}
	q, err = st.ChannelQuotaStatus(ctx, ch, 20)
	if err != nil {
		t.Fatal(err)
	}
	if q.Waiting != 0 || q.NextTry != nil || len(q.Listings) != 0 {
		t.Fatalf("after the reset %d wait (next %v)", q.Waiting, q.NextTry)
	}
	if q.Budget == nil || q.Budget.UsedToday <= 0 || q.Budget.UsedToday >= perDay {
		t.Fatalf("after the reset the budget reads %+v", q.Budget)
	}
}

// An HTTP 429 is stored for the channel's page the moment the channel
// asks us to wait, until the end it named; a channel without a day
// budget (eBay) shows no budget line.
func TestThrottlingIsStoredForTheChannelPage(t *testing.T) {
	svc, st := newService(t)
	seller := ebayfake.New(ebayfake.Options{Now: clock.Now, RetryAfter: 40 * time.Second})
	defer seller.Close()
	seller.AddItem(ebayfake.Item{SKU: "MUG-1", Title: "Mug", Quantity: 3, Offers: []ebayfake.Offer{{Price: "5.00"}}})
	ch := connectEbay(t, svc, seller)
	ctx := context.Background()
	q, err := st.ChannelQuotaStatus(ctx, ch, 20)
	if err != nil {
		t.Fatal(err)
	}
	if q.ThrottledUntil != nil || q.Budget != nil {
		t.Fatalf("before any 429: %+v", q)
	}
	seller.ThrottleNext(1)
	before := clock.Now()
	syncRun(t, svc, st, ch, true, 1)
	q, err = st.ChannelQuotaStatus(ctx, ch, 20)
	if err != nil {
		t.Fatal(err)
	}
	// (The database keeps microseconds.)
	if q.ThrottledUntil == nil || q.ThrottledUntil.Before(before.Add(40*time.Second-time.Microsecond)) || q.Budget != nil {
		t.Fatalf("after a 429 asking for 40 s from %v: %+v", before, q)
	}
}
