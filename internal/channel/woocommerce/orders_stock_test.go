package woocommerce

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"stocksync/internal/channel"
	"stocksync/internal/channel/woocommerce/fake"
)

func TestOrdersPagedAndMapped(t *testing.T) {
	s := newTestStore(t)
	s.fake.Generate(20, 4)
	products := s.fake.Products()
	var variationRef string
	for _, p := range products {
		if p.Type == "variable" {
			variationRef = fmt.Sprintf("%d/%d", p.ID, p.Variations[0].ID)
			break
		}
	}
	before, _ := s.fake.Quantity(variationRef)
	for i := range 130 {
		lines := []fake.OrderLine{{ExternalID: fmt.Sprint(products[0].ID), Quantity: 1}}
		if i == 0 {
			lines = append(lines, fake.OrderLine{ExternalID: variationRef, Quantity: 2})
		}
		if _, err := s.fake.AddOrder(fake.Order{Lines: lines}); err != nil {
			t.Fatal(err)
		}
	}
	first := s.fake.Orders()[0]
	if err := s.fake.SetOrderStatus(first.ID, "cancelled"); err != nil {
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
	if len(orders) != 130 || s.fake.CallCount("GET /orders") != 2 {
		t.Fatalf("%d orders in %d calls", len(orders), s.fake.CallCount("GET /orders"))
	}
	o := orders[0]
	if o.ExternalID != fmt.Sprint(first.ID) || !o.Cancelled || o.Status != "cancelled" || len(o.Lines) != 2 {
		t.Fatalf("order %+v", o)
	}
	if l := o.Lines[1]; l.ListingExternalID != variationRef || l.Quantity != 2 || l.UnitPrice == "" {
		t.Errorf("variation line %+v", l)
	}
	if after, _ := s.fake.Quantity(variationRef); after != before-2 {
		t.Errorf("stock %d → %d, want the order to take 2", before, after)
	}
}

func TestOrdersSince(t *testing.T) {
	s := newTestStore(t)
	p := s.fake.AddListing(fake.Product{Name: "Mug", Price: "4"})
	old := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s.fake.AddOrder(fake.Order{DateCreated: old, Lines: []fake.OrderLine{{ExternalID: fmt.Sprint(p.ID), Quantity: 1}}})
	recent, _ := s.fake.AddOrder(fake.Order{DateCreated: old.Add(time.Hour), Lines: []fake.OrderLine{{ExternalID: fmt.Sprint(p.ID), Quantity: 1}}})
	page, err := s.client.FetchOrders(context.Background(), old.Add(time.Minute), "")
	if err != nil || len(page.Orders) != 1 || page.Orders[0].ExternalID != fmt.Sprint(recent.ID) {
		t.Fatalf("got %+v, %v", page, err)
	}
}

func TestSetQuantitiesGroupsSimpleProductsAndVariations(t *testing.T) {
	s := newTestStore(t)
	s.fake.Generate(100, 5)
	all, _ := fetchAll(t, s.client, time.Time{})
	updates := make([]channel.QuantityUpdate, len(all))
	for i, l := range all {
		updates[i] = channel.QuantityUpdate{ExternalID: l.ExternalID, InventoryRef: l.InventoryRef, Quantity: 1000 + i}
	}
	gone := all[3].ExternalID
	s.fake.RemoveListing(gone)
	s.fake.ResetCalls()
	results, err := s.client.SetQuantities(context.Background(), updates, "k")
	if err != nil {
		t.Fatal(err)
	}
	parents := map[string]bool{}
	for i, r := range results {
		if r.ExternalID != all[i].ExternalID {
			t.Fatalf("result %d is for %s", i, r.ExternalID)
		}
		if r.ExternalID == gone {
			if r.Err == nil || !strings.Contains(r.Err.Error(), "Invalid ID.") {
				t.Errorf("deleted listing: %v", r.Err)
			}
			continue
		}
		if r.Err != nil {
			t.Fatalf("%s: %v", r.ExternalID, r.Err)
		}
		if q, _ := s.fake.Quantity(r.ExternalID); q != 1000+i {
			t.Fatalf("%s has %d, want %d", r.ExternalID, q, 1000+i)
		}
		if pid, _, ok := strings.Cut(r.ExternalID, "/"); ok {
			parents[pid] = true
		}
	}
	if got := s.fake.CallCount("POST /products/batch"); got != 1 {
		t.Errorf("%d product batches, want 1", got)
	}
	if got := s.fake.CallCount("POST /products/{id}/variations/batch"); got != len(parents) {
		t.Errorf("%d variation batches for %d variable products", got, len(parents))
	}
}

func TestSetQuantitiesOnParentStock(t *testing.T) {
	s := newTestStore(t)
	q := 10
	p := s.fake.AddListing(fake.Product{Name: "Tee", Type: "variable", ManageStock: true, StockQuantity: &q,
		Variations: []fake.Variation{{SKU: "T-S", StockFromParent: true, Attributes: []fake.Attribute{{Name: "Size", Option: "S"}}}}})
	all, _ := fetchAll(t, s.client, time.Time{})
	if len(all) != 1 || all[0].InventoryRef != fmt.Sprint(p.ID) || *all[0].Quantity != 10 {
		t.Fatalf("listing %+v", all)
	}
	results, err := s.client.SetQuantities(context.Background(), []channel.QuantityUpdate{{ExternalID: all[0].ExternalID, InventoryRef: all[0].InventoryRef, Quantity: 4}}, "")
	if err != nil || results[0].Err != nil {
		t.Fatalf("%v %+v", err, results)
	}
	if got, _ := s.fake.Quantity(all[0].ExternalID); got != 4 {
		t.Fatalf("parent stock %d", got)
	}
}

func TestSetQuantitiesBatchLimitAndFailedCall(t *testing.T) {
	s := newTestStore(t)
	if _, err := s.client.SetQuantities(context.Background(), make([]channel.QuantityUpdate, 101), ""); err == nil || !strings.Contains(err.Error(), "at most 100") {
		t.Fatalf("101 updates: %v", err)
	}
	if len(s.fake.Calls()) != 0 {
		t.Fatal("an oversized batch reached the store")
	}
	p := s.fake.AddListing(fake.Product{Name: "Mug", Price: "4"})
	s.fake.FailNext(100, 500)
	results, err := s.client.SetQuantities(context.Background(), []channel.QuantityUpdate{{ExternalID: fmt.Sprint(p.ID), Quantity: 3}}, "")
	var transient *channel.TransientError
	if err != nil || !errors.As(results[0].Err, &transient) {
		t.Fatalf("a failing store gave %v, %+v", err, results)
	}
}
