package shopify

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"stocksync/internal/channel"
	"stocksync/internal/channel/shopify/fake"
)

func TestOrdersArriveWholeAcrossPages(t *testing.T) {
	s := newTestShop(t, func(f *fake.Options, _ *channel.Options) { f.RestoreRate = 1000 })
	s.fake.Generate(30, 3)
	listings := s.fake.Listings()
	before, _ := s.fake.Quantity(listings[0].ID)
	var big fake.Order
	for i := range 25 {
		big.Lines = append(big.Lines, fake.OrderLine{VariantID: listings[i].ID, Quantity: 1})
	}
	big.Lines = append(big.Lines, fake.OrderLine{Name: "Gift note", Quantity: 1, Price: "0.00"})
	for i := range 24 {
		o := fake.Order{Lines: []fake.OrderLine{{VariantID: listings[i].ID, Quantity: 2}}}
		if i == 0 {
			o = big
		}
		if _, err := s.fake.AddOrder(o); err != nil {
			t.Fatal(err)
		}
	}
	cancelled := s.fake.Orders()[3].ID
	if err := s.fake.CancelOrder(cancelled); err != nil {
		t.Fatal(err)
	}

	var orders []channel.Order
	cursor := ""
	for {
		page, err := s.client.FetchOrders(context.Background(), time.Time{}, cursor)
		if err != nil {
			t.Fatal(err)
		}
		orders = append(orders, page.Orders...)
		if !page.HasMore {
			break
		}
		cursor = page.NextCursor
	}
	if len(orders) != 24 || s.fake.CallCount("orders") != 2 {
		t.Fatalf("%d orders in %d calls", len(orders), s.fake.CallCount("orders"))
	}
	first := orders[0]
	if len(first.Lines) != 26 || s.fake.CallCount("order") != 1 {
		t.Fatalf("big order has %d lines after %d follow-up calls", len(first.Lines), s.fake.CallCount("order"))
	}
	if first.Lines[25].ListingExternalID != "" || first.Lines[0].ListingExternalID != listings[0].ID || first.Lines[0].SKU != listings[0].SKU {
		t.Errorf("lines %+v", first.Lines)
	}
	if first.Number != "#1001" || first.Currency != "USD" || first.Status != "PAID" {
		t.Errorf("order %+v", first)
	}
	for _, o := range orders {
		if o.Cancelled != (o.ExternalID == cancelled) {
			t.Errorf("order %s cancelled = %v", o.ExternalID, o.Cancelled)
		}
	}
	if after, _ := s.fake.Quantity(listings[0].ID); after != before-1 {
		t.Errorf("the fake should sell stock: %d → %d", before, after)
	}
}

func TestOrdersSince(t *testing.T) {
	s := newTestShop(t)
	v := s.fake.AddListing(fake.Listing{ProductTitle: "Mug", Price: "5.00", Quantity: 10})
	old := s.clock.Now()
	s.fake.AddOrder(fake.Order{Lines: []fake.OrderLine{{VariantID: v.ID, Quantity: 1}}})
	s.clock.Advance(time.Hour)
	recent, _ := s.fake.AddOrder(fake.Order{Lines: []fake.OrderLine{{VariantID: v.ID, Quantity: 1}}})
	page, err := s.client.FetchOrders(context.Background(), old.Add(time.Minute), "")
	if err != nil || len(page.Orders) != 1 || page.Orders[0].ExternalID != recent.ID {
		t.Fatalf("got %+v, %v", page, err)
	}
}

func pushUpdates(listings []fake.Listing, quantity func(i int) int) []channel.QuantityUpdate {
	out := make([]channel.QuantityUpdate, len(listings))
	for i, l := range listings {
		out[i] = channel.QuantityUpdate{ExternalID: l.ID, InventoryRef: l.InventoryItemID, Quantity: quantity(i)}
	}
	return out
}

func TestSetQuantitiesWritesStockOnceAndLearnsTheLocationOnce(t *testing.T) {
	s := newTestShop(t)
	s.fake.SetLocations(
		fake.Location{ID: "gid://shopify/Location/1", Name: "Old warehouse", Active: false},
		fake.Location{ID: "gid://shopify/Location/2", Name: "Shop", Active: true})
	s.fake.Generate(250, 1)
	listings := s.fake.Listings()
	results, err := s.client.SetQuantities(context.Background(), pushUpdates(listings, func(i int) int { return i }), "push-1")
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range results {
		if r.Err != nil || r.ExternalID != listings[i].ID {
			t.Fatalf("result %d: %+v", i, r)
		}
		if q, _ := s.fake.Quantity(listings[i].ID); q != i {
			t.Fatalf("listing %d has %d", i, q)
		}
	}
	if _, err := s.client.SetQuantities(context.Background(), pushUpdates(listings[:1], func(int) int { return 9 }), "push-2"); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, c := range s.fake.Calls() {
		if c.Operation == "inventorySetQuantities" {
			keys = append(keys, c.IdempotencyKey)
		}
	}
	if fmt.Sprint(keys) != "[push-1 push-2]" || s.fake.CallCount("location") != 1 {
		t.Fatalf("keys %v, %d location lookups", keys, s.fake.CallCount("location"))
	}
}

func TestSetQuantitiesRepeatedKeyIsNotAppliedTwice(t *testing.T) {
	s := newTestShop(t)
	l := s.fake.AddListing(fake.Listing{ProductTitle: "Mug", Quantity: 3})
	update := pushUpdates([]fake.Listing{l}, func(int) int { return 10 })
	if _, err := s.client.SetQuantities(context.Background(), update, "same"); err != nil {
		t.Fatal(err)
	}
	s.fake.SetQuantity(l.ID, 4) // a sale on the channel in between
	results, err := s.client.SetQuantities(context.Background(), update, "same")
	if err != nil || results[0].Err != nil {
		t.Fatalf("replay: %v, %+v", err, results)
	}
	if q, _ := s.fake.Quantity(l.ID); q != 4 {
		t.Fatalf("a replayed push overwrote the channel: %d", q)
	}
}

func TestSetQuantitiesStaleItemIsRefusedAlone(t *testing.T) {
	s := newTestShop(t)
	a := s.fake.AddListing(fake.Listing{ProductTitle: "A", Quantity: 5})
	b := s.fake.AddListing(fake.Listing{ProductTitle: "B", Quantity: 5})
	c := s.fake.AddListing(fake.Listing{ProductTitle: "C", Quantity: 5})
	s.fake.SetQuantity(b.ID, 3) // sold on Shopify since our last push
	five := 5
	updates := pushUpdates([]fake.Listing{a, b, c}, func(int) int { return 8 })
	for i := range updates {
		updates[i].Previous = &five
	}
	results, err := s.client.SetQuantities(context.Background(), updates, "k")
	if err != nil {
		t.Fatal(err)
	}
	if results[0].Err != nil || results[2].Err != nil || !errors.Is(results[1].Err, channel.ErrStaleQuantity) {
		t.Fatalf("results %+v", results)
	}
	for id, want := range map[string]int{a.ID: 8, b.ID: 3, c.ID: 8} {
		if q, _ := s.fake.Quantity(id); q != want {
			t.Errorf("%s has %d, want %d", id, q, want)
		}
	}
}

func TestSetQuantitiesLimitsAndBadReferences(t *testing.T) {
	s := newTestShop(t)
	_, err := s.client.SetQuantities(context.Background(), make([]channel.QuantityUpdate, 251), "k")
	if err == nil || !strings.Contains(err.Error(), "at most 250") || len(s.fake.Calls()) != 0 {
		t.Fatalf("251 updates: %v after %d calls", err, len(s.fake.Calls()))
	}
	l := s.fake.AddListing(fake.Listing{ProductTitle: "A", Quantity: 1})
	updates := []channel.QuantityUpdate{
		{ExternalID: l.ID, InventoryRef: l.ID, Quantity: 2}, // a variant GID where the item belongs
		{ExternalID: l.ID, InventoryRef: l.InventoryItemID, Quantity: 2},
	}
	results, err := s.client.SetQuantities(context.Background(), updates, "")
	if err != nil || results[0].Err == nil || results[1].Err != nil {
		t.Fatalf("got %+v, %v", results, err)
	}
	if keys := s.fake.Calls(); keys[len(keys)-1].IdempotencyKey == "" {
		t.Fatal("an empty key must be replaced by a generated one")
	}
}

func TestSetQuantitiesWithoutWriteScope(t *testing.T) {
	s := newTestShop(t)
	l := s.fake.AddListing(fake.Listing{ProductTitle: "A", Quantity: 1})
	s.fake.DenyAccess("inventorySetQuantities")
	_, err := s.client.SetQuantities(context.Background(), pushUpdates([]fake.Listing{l}, func(int) int { return 1 }), "k")
	if !errors.Is(err, channel.ErrUnauthorized) {
		t.Fatalf("got %v", err)
	}
}

func TestHundredThousandListings(t *testing.T) {
	if testing.Short() {
		t.Skip("pages through 100,000 listings")
	}
	s := newTestShop(t)
	s.fake.Generate(100_000, 42)
	all, pages := fetchAll(t, s.client, time.Time{})
	if len(all) != 100_000 || pages != (100_000+variantsPageSize-1)/variantsPageSize {
		t.Fatalf("%d listings in %d pages", len(all), pages)
	}
}
