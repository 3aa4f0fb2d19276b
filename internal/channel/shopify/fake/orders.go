package fake

import (
	"fmt"
	"strconv"
	"time"
)

// Order is an order in the fake's order book, as seeded and as read back.
type Order struct {
	ID                string // assigned
	Name              string // "#1001"…, assigned when empty
	Currency          string // "USD" when empty
	FinancialStatus   string // "PAID" when empty
	FulfillmentStatus string // "UNFULFILLED" when empty
	CreatedAt         time.Time
	UpdatedAt         time.Time
	CancelledAt       time.Time // zero while not cancelled
	Customer          string    // the customer's display name; no customer when empty
	Lines             []OrderLine
}

// OrderLine is one line of an Order.
type OrderLine struct {
	ID        string // assigned
	VariantID string // the variant sold; "" for a custom item
	SKU       string // the variant's when empty
	Name      string // the variant's display name when empty
	Quantity  int
	Price     string // unit price; the variant's when empty
}

type storedOrder struct {
	id int64
	Order
}

// AddOrder places an order as a buyer would: blank details are filled from
// the variants, and tracked variants lose the ordered stock.
func (s *Server) AddOrder(o Order) (Order, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	for i := range o.Lines {
		l := &o.Lines[i]
		if l.Quantity <= 0 {
			return Order{}, fmt.Errorf("shopify fake: line %d has quantity %d", i+1, l.Quantity)
		}
		if l.VariantID == "" {
			continue
		}
		v := s.variantByGID(l.VariantID)
		if v == nil {
			return Order{}, fmt.Errorf("shopify fake: line %d: no variant %s", i+1, l.VariantID)
		}
		if l.SKU == "" {
			l.SKU = v.sku
		}
		if l.Name == "" {
			l.Name = v.productTitle
			if v.title != defaultVariantTitle {
				l.Name += " - " + v.title
			}
		}
		if l.Price == "" {
			l.Price = v.price
		}
	}
	for _, l := range o.Lines {
		if v := s.variantByGID(l.VariantID); v != nil && v.tracked {
			v.quantity -= l.Quantity
			v.updatedAt = now
		}
	}
	id := s.nextOrder
	s.nextOrder++
	o.ID = gid("Order", id)
	if o.Name == "" {
		o.Name = "#" + strconv.FormatInt(1001+id-orderIDBase-1, 10)
	}
	if o.Currency == "" {
		o.Currency = "USD"
	}
	if o.FinancialStatus == "" {
		o.FinancialStatus = "PAID"
	}
	if o.FulfillmentStatus == "" {
		o.FulfillmentStatus = "UNFULFILLED"
	}
	if o.CreatedAt.IsZero() {
		o.CreatedAt = now
	}
	if o.UpdatedAt.IsZero() {
		o.UpdatedAt = o.CreatedAt
	}
	o.Lines = append([]OrderLine(nil), o.Lines...)
	for i := range o.Lines {
		o.Lines[i].ID = gid("LineItem", s.nextLineItem)
		s.nextLineItem++
	}
	stored := &storedOrder{id: id, Order: o}
	s.orders = append(s.orders, stored)
	s.deliverOrder("orders/create", stored)
	return o, nil
}

// CancelOrder cancels an order, as the merchant would in Shopify.
func (s *Server) CancelOrder(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orderByGID(id)
	if o == nil {
		return fmt.Errorf("shopify fake: no order %s", id)
	}
	o.CancelledAt = s.now()
	o.UpdatedAt = o.CancelledAt
	s.deliverOrder("orders/cancelled", o)
	return nil
}

// Orders returns the order book, oldest first.
func (s *Server) Orders() []Order {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Order, len(s.orders))
	for i, o := range s.orders {
		out[i] = o.Order
	}
	return out
}

func (s *Server) orderByGID(id string) *storedOrder {
	n, ok := parseGID("Order", id)
	if !ok {
		return nil
	}
	// Orders are appended with rising IDs, so the book is sorted.
	lo, hi := 0, len(s.orders)
	for lo < hi {
		mid := (lo + hi) / 2
		if s.orders[mid].id < n {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo < len(s.orders) && s.orders[lo].id == n {
		return s.orders[lo]
	}
	return nil
}
