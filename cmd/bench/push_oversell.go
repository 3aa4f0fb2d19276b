package main

import (
	"context"
	"fmt"
	"log"
	"math"
	"math/rand"
	"slices"
	"strconv"
	"sync"
	"time"

	"stocksync/internal/channel"
	shopifyfake "stocksync/internal/channel/shopify/fake"
)

// oversell: 50 clients sell on the first shop (the shop lowers its stock,
// then the order is imported and commits ours) and receive stock for 60 s.
// Every quantity sent is then checked against what the item had available
// between when it was computed and when it was sent (checkSent).
func (r *pushRig) oversell(ctx context.Context) error {
	var shopCh int64
	if err := r.st.DB.GetContext(ctx, &shopCh, `SELECT min(id) FROM channels`); err != nil {
		return err
	}
	start, err := r.available(ctx)
	if err != nil {
		return err
	}
	r.sent.reset()
	stop := time.Now().Add(pushLoadFor)
	var events []stockEvent
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failures int
	var orders int
	for w := range pushLoadWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rnd := rand.New(rand.NewSource(int64(w)))
			for n := 0; time.Now().Before(stop); n++ {
				i := rnd.Intn(pushItems)
				var err error
				var delta int
				began := time.Now()
				if rnd.Intn(3) == 0 {
					delta = 1 + rnd.Intn(5)
					err = r.adjust(ctx, []int{i}, int64(delta))
				} else {
					// A sale on the first shop: the shop lowers its own stock
					// as it sells, then the order reaches us.
					qty := 1 + rnd.Intn(3)
					delta = -qty
					if _, err = r.shops[0].AddOrder(shopifyfake.Order{Lines: []shopifyfake.OrderLine{{VariantID: r.shopIDs[0][i], Quantity: qty}}}); err == nil {
						at := time.Now()
						order := []channel.Order{{ExternalID: fmt.Sprintf("load-%d-%d", w, n), Number: strconv.Itoa(n),
							Status: "PAID", Currency: "USD", CreatedAt: at, UpdatedAt: at, Lines: []channel.OrderLine{{ExternalID: "1",
								ListingExternalID: r.shopIDs[0][i], SKU: pushSKU(i), Quantity: qty, UnitPrice: "5.00"}}}}
						// A delivery that failed is delivered again, as the shop's webhooks are.
						for try := 0; try < 5; try++ {
							if _, err = r.svc.ImportOrders(ctx, shopCh, order); err == nil {
								break
							}
						}
					}
				}
				// A change is visible somewhere between its call's start and
				// return: an increase counts from the start, a decrease from
				// the return, so what is "available" is never understated.
				at := time.Now()
				if delta > 0 {
					at = began
				}
				mu.Lock()
				if err == nil {
					events = append(events, stockEvent{item: r.items[i], delta: delta, at: at})
				}
				if err != nil {
					if failures == 0 {
						log.Printf("push: a write under load failed: %v", err)
					}
					failures++
				} else {
					orders++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if failures > orders/100 {
		return fmt.Errorf("oversell: %d of %d writes failed", failures, orders+failures)
	}
	if err := r.waitAll(ctx, 2*time.Minute); err != nil {
		return err
	}
	over, checked, err := r.checkSent(ctx, start, events)
	if err != nil {
		return err
	}
	log.Printf("push: %d writes under load, %d failed; %d quantities sent checked against the ledger", orders, failures, checked)
	report("push_oversell_count", float64(over), "quantities")
	return nil
}

// stockEvent is a change of an item's available quantity that a load
// worker made (at: the earliest it can have been seen for an increase,
// the latest for a decrease).
type stockEvent struct {
	item  int64
	delta int
	at    time.Time
}

// checkSent compares every quantity sent with the item's available
// quantity as the load's committed changes made it: a quantity passes when
// the item had that much at some moment between when it was computed and
// when it was sent (the window opens 250 ms before the claim; for a call
// that does not say when it was computed — WooCommerce's — five seconds
// before the call, as a claim's batches go one after another).
func (r *pushRig) checkSent(ctx context.Context, start map[int64]int, events []stockEvent) (over, checked int, err error) {
	refs := map[string]int64{}
	var rows []struct {
		Ref  string `db:"ref"`
		Item int64  `db:"item_id"`
	}
	if err := r.st.DB.SelectContext(ctx, &rows, `SELECT CASE WHEN inventory_ref <> '' THEN inventory_ref ELSE external_id END AS ref, item_id
		FROM channel_items WHERE item_id IS NOT NULL`); err != nil {
		return 0, 0, err
	}
	for _, row := range rows {
		refs[row.Ref] = row.Item
	}
	byItem := map[int64][]stockEvent{}
	slices.SortFunc(events, func(a, b stockEvent) int { return a.at.Compare(b.at) })
	for _, e := range events {
		byItem[e.item] = append(byItem[e.item], e)
	}
	for _, s := range r.sent.snapshot() {
		item, ok := refs[s.ref]
		if !ok {
			continue
		}
		from := s.at.Add(-5 * time.Second)
		if !s.computed.IsZero() {
			from = s.computed.Add(-250 * time.Millisecond)
		}
		avail := start[item]
		most := math.MinInt
		for _, e := range byItem[item] {
			if e.at.After(s.at) {
				break
			}
			if !e.at.After(from) {
				avail += e.delta
				continue
			}
			most = max(most, avail)
			avail += e.delta
		}
		most = max(most, avail)
		checked++
		if s.qty > max(most, 0) {
			over++
			if over <= 3 {
				log.Printf("push: item %d was sent %d (computed %s, sent %s) but had at most %d", item, s.qty,
					s.computed.Format("15:04:05.000"), s.at.Format("15:04:05.000"), most)
			}
		}
	}
	return over, checked, nil
}
