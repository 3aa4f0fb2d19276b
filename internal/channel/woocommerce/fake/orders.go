package fake

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Order is an order in the fake's order book, as seeded and as read back.
type Order struct {
	ID           int    // assigned
	Number       string // the ID when empty
	Status       string // processing when empty
	Currency     string // USD when empty
	DateCreated  time.Time
	DateModified time.Time
	Customer     string // billing first and last name; none when empty
	Lines        []OrderLine
}

// OrderLine is one line item.
type OrderLine struct {
	ID int // assigned
	// ExternalID names the listing sold, "pid" or "pid/vid"; it fills
	// ProductID and VariationID. Leave all three empty for a deleted product.
	ExternalID  string
	ProductID   int
	VariationID int
	Name        string // the product's when empty
	SKU         string // the listing's when empty
	Quantity    int
	Price       string // unit price; the listing's when empty
}

var orderStatuses = map[string]bool{"pending": true, "processing": true, "on-hold": true, "completed": true,
	"cancelled": true, "refunded": true, "failed": true, "trash": true, "checkout-draft": true}

// AddOrder places an order as a shopper would: blank details come from the
// catalogue, and managed stock goes down by the quantities ordered.
func (s *Server) AddOrder(o Order) (Order, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o.Status == "" {
		o.Status = "processing"
	}
	if !orderStatuses[o.Status] {
		return Order{}, fmt.Errorf("woocommerce fake: %q is not an order status", o.Status)
	}
	lines := append([]OrderLine(nil), o.Lines...)
	for i := range lines {
		l := &lines[i]
		if l.Quantity <= 0 {
			return Order{}, fmt.Errorf("woocommerce fake: line %d has quantity %d", i+1, l.Quantity)
		}
		if l.ExternalID != "" {
			pid, vid, _ := strings.Cut(l.ExternalID, "/")
			l.ProductID, l.VariationID = atoi(pid), max(atoi(vid), 0)
		}
		if l.ProductID == 0 {
			continue
		}
		p := s.product(l.ProductID)
		if p == nil {
			return Order{}, fmt.Errorf("woocommerce fake: line %d: no product %d", i+1, l.ProductID)
		}
		name, sku, price := p.Name, p.SKU, p.Price
		if l.VariationID != 0 {
			v := p.variation(l.VariationID)
			if v == nil {
				return Order{}, fmt.Errorf("woocommerce fake: line %d: product %d has no variation %d", i+1, l.ProductID, l.VariationID)
			}
			sku, price = v.SKU, v.Price
			for _, a := range v.Attributes {
				name += " - " + a.Option
			}
		}
		l.ExternalID = strconv.Itoa(l.ProductID)
		if l.VariationID != 0 {
			l.ExternalID += "/" + strconv.Itoa(l.VariationID)
		}
		if l.Name == "" {
			l.Name = name
		}
		if l.SKU == "" {
			l.SKU = sku
		}
		if l.Price == "" {
			l.Price = price
		}
	}
	for _, l := range lines {
		if q, managed := s.quantityLocked(l.ExternalID); managed {
			p, v := s.find(l.ExternalID)
			s.setStock(p, v, q-l.Quantity)
		}
	}
	now := s.now()
	o.ID = s.nextID
	s.nextID++
	if o.Number == "" {
		o.Number = strconv.Itoa(o.ID)
	}
	if o.Currency == "" {
		o.Currency = "USD"
	}
	if o.DateCreated.IsZero() {
		o.DateCreated = now
	}
	if o.DateModified.IsZero() {
		o.DateModified = o.DateCreated
	}
	for i := range lines {
		lines[i].ID = s.nextLine
		s.nextLine++
	}
	o.Lines = lines
	stored := o
	s.orders = append(s.orders, &stored)
	s.deliverOrder("order.created", &stored)
	return o, nil
}

// quantityLocked is Quantity for callers holding s.mu.
func (s *Server) quantityLocked(externalID string) (int, bool) {
	p, v := s.find(externalID)
	switch {
	case p == nil:
		return 0, false
	case v != nil && !v.StockFromParent:
		return derefManaged(v.ManageStock, v.StockQuantity)
	default:
		return derefManaged(p.ManageStock, p.StockQuantity)
	}
}

func derefManaged(manage bool, q *int) (int, bool) {
	if !manage || q == nil {
		return 0, false
	}
	return *q, true
}

// SetOrderStatus changes an order's status, as the merchant would.
func (s *Server) SetOrderStatus(id int, status string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !orderStatuses[status] {
		return fmt.Errorf("woocommerce fake: %q is not an order status", status)
	}
	for _, o := range s.orders {
		if o.ID == id {
			o.Status, o.DateModified = status, s.now()
			s.deliverOrder("order.updated", o)
			return nil
		}
	}
	return fmt.Errorf("woocommerce fake: no order %d", id)
}

// Orders returns the order book, oldest first.
func (s *Server) Orders() []Order {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Order, len(s.orders))
	for i, o := range s.orders {
		out[i] = *o
		out[i].Lines = append([]OrderLine(nil), o.Lines...)
	}
	return out
}

var orderOrderbys = []string{"date", "id", "include", "title", "slug", "modified"}

func (s *Server) listOrders(w http.ResponseWriter, r *http.Request) {
	p, perr := parseList(r.URL.Query(), orderOrderbys...)
	if perr != nil {
		perr.write(w)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// Trashed orders are listed only when asked for by status, as in WooCommerce.
	visible := make([]*Order, 0, len(s.orders))
	for _, o := range s.orders {
		if o.Status != "trash" || r.URL.Query().Get("status") == "trash" {
			visible = append(visible, o)
		}
	}
	page := paginate(w, r, visible, p, func(o *Order) time.Time { return o.DateModified })
	out := make([]map[string]any, len(page))
	for i, o := range page {
		out[i] = onlyFields(renderOrder(o), p.fields)
	}
	writeJSON(w, http.StatusOK, out)
}

func renderOrder(o *Order) map[string]any {
	lines := make([]map[string]any, len(o.Lines))
	total := 0.0
	for i, l := range o.Lines {
		unit, _ := strconv.ParseFloat(l.Price, 64)
		lineTotal := unit * float64(l.Quantity)
		total += lineTotal
		lines[i] = map[string]any{
			"id": l.ID, "name": l.Name, "product_id": l.ProductID, "variation_id": l.VariationID,
			"quantity": l.Quantity, "tax_class": "", "subtotal": fmt.Sprintf("%.2f", lineTotal),
			"total": fmt.Sprintf("%.2f", lineTotal), "sku": l.SKU, "price": unit, "meta_data": []any{},
		}
	}
	return map[string]any{
		"id": o.ID, "parent_id": 0, "number": o.Number, "order_key": "wc_order_" + strconv.Itoa(o.ID),
		"status": o.Status, "currency": o.Currency,
		"date_created": gmt(o.DateCreated), "date_created_gmt": gmt(o.DateCreated),
		"date_modified": gmt(o.DateModified), "date_modified_gmt": gmt(o.DateModified),
		"total": fmt.Sprintf("%.2f", total), "line_items": lines, "billing": billing(o.Customer),
	}
}

func billing(name string) map[string]any {
	first, last, _ := strings.Cut(name, " ")
	return map[string]any{"first_name": first, "last_name": last, "company": "", "email": ""}
}
