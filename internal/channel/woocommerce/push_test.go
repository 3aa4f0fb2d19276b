package woocommerce

import (
	"fmt"
	"testing"
	"time"

	"stocksync/internal/channel"
	"stocksync/internal/channel/internal/testkit"
	"stocksync/internal/channel/woocommerce/fake"
)

func TestPushSplitsAtOneHundredPerBatch(t *testing.T) {
	s := newTestStore(t)
	zero := 0
	var updates []channel.QuantityUpdate
	for i := range 250 {
		p := s.fake.AddListing(fake.Product{Name: fmt.Sprint("Mug ", i), Price: "4", ManageStock: true, StockQuantity: &zero})
		updates = append(updates, channel.QuantityUpdate{ExternalID: fmt.Sprint(p.ID), Quantity: i + 1})
	}
	variations := make([]fake.Variation, 230)
	for i := range variations {
		variations[i] = fake.Variation{SKU: fmt.Sprint("TEE-", i), Price: "9", ManageStock: true, StockQuantity: &zero,
			Attributes: []fake.Attribute{{Name: "Size", Option: fmt.Sprint(i)}}}
	}
	tee := s.fake.AddListing(fake.Product{Name: "Tee", Type: "variable", Variations: variations})
	var variationUpdates []channel.QuantityUpdate
	for i, v := range tee.Variations {
		ref := fmt.Sprintf("%d/%d", tee.ID, v.ID)
		variationUpdates = append(variationUpdates, channel.QuantityUpdate{ExternalID: ref, InventoryRef: ref, Quantity: 500 + i})
	}

	testkit.PushInBatches(t, s.client, updates)
	testkit.PushInBatches(t, s.client, variationUpdates)

	if got := s.fake.CallCount("POST /products/batch"); got != 3 {
		t.Errorf("%d products/batch calls for 250 products, want ceil(250/100) = 3", got)
	}
	if got := s.fake.CallCount("POST /products/{id}/variations/batch"); got != 3 {
		t.Errorf("%d variations/batch calls for 230 variations of one product, want 3", got)
	}
	for _, u := range append(updates, variationUpdates...) {
		if q, _ := s.fake.Quantity(u.ExternalID); q != u.Quantity {
			t.Fatalf("%s has %d, want %d", u.ExternalID, q, u.Quantity)
		}
	}
}

func TestPushWaitsOutRetryAfterBeforeTheNextBatch(t *testing.T) {
	s := newTestStore(t, func(f *fake.Options, _ *channel.Options) { f.RetryAfter = 2 * time.Second })
	p := s.fake.AddListing(fake.Product{Name: "Mug", Price: "4"})
	s.fake.ThrottleNext(1)
	testkit.PushInBatches(t, s.client, []channel.QuantityUpdate{{ExternalID: fmt.Sprint(p.ID), Quantity: 7}})

	if w := s.sleeps.Waits(); len(w) != 1 || w[0] != 2*time.Second {
		t.Fatalf("waits %v, want the 2 s of Retry-After", w)
	}
	calls := s.fake.Calls()
	if len(calls) != 2 || calls[0].Operation != "POST /products/batch" || calls[1].Operation != "POST /products/batch" {
		t.Fatalf("calls %+v, want the refused batch and its retry", calls)
	}
	if gap := calls[1].At.Sub(calls[0].At); gap < 2*time.Second {
		t.Fatalf("the retry came %s after the 429, want at least 2 s", gap)
	}
	if q, _ := s.fake.Quantity(fmt.Sprint(p.ID)); q != 7 {
		t.Fatalf("stock %d after the retried batch, want 7", q)
	}
}
