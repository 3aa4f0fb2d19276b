package fake

import (
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"

	"stocksync/internal/channel/internal/fakekit"
)

// Listing is a listing of the fake shop with its inventory.
type Listing struct {
	ID           int64  // assigned when 0
	Title        string // as the seller typed it; sent HTML-escaped, as Etsy does
	State        string // active (the default), inactive, draft, sold_out, expired
	Products     []Product
	Created      time.Time // the fake's now when zero
	LastModified time.Time // Created when zero
	// QuantityOnProperty and the like are the inventory's *_on_property;
	// when a listing has variations and QuantityOnProperty is empty, every
	// product must carry the same quantity.
	QuantityOnProperty, PriceOnProperty, SKUOnProperty []int64
}

// Product is one product (variation) of a listing.
type Product struct {
	ID       int64 // product_id; Etsy gives new IDs on every inventory write
	SKU      string
	Values   []Value
	Price    string // decimal, "12.50"; anything else is sent as a price of 0/0
	Quantity int
	// RawQuantity, when set, is sent instead of Quantity, to seed a broken
	// record ("\"lots\"").
	RawQuantity string
	Disabled    bool // the offering's is_enabled false
}

// Value is a product's value of one property ("Size" = "M").
type Value struct {
	PropertyID int64
	Name       string // the property's name
	ValueID    int64
	Value      string
}

// Key is how the etsy client names the product: listing ID, then the
// value IDs in property order.
func (l Listing) Key(p Product) string {
	vs := slices.Clone(p.Values)
	slices.SortStableFunc(vs, func(a, b Value) int { return int(a.PropertyID - b.PropertyID) })
	var parts []string
	for _, v := range vs {
		parts = append(parts, strconv.FormatInt(v.ValueID, 10))
	}
	id := strconv.FormatInt(l.ID, 10)
	if len(parts) == 0 {
		return id
	}
	return id + "/" + strings.Join(parts, "-")
}

// AddListing adds a listing and returns it with IDs filled in.
func (s *Server) AddListing(l Listing) Listing {
	s.mu.Lock()
	defer s.mu.Unlock()
	stored := s.newListing(l)
	i, _ := slices.BinarySearchFunc(s.listings, stored.ID, func(x *Listing, id int64) int { return cmp64(x.ID, id) })
	s.listings = slices.Insert(s.listings, i, stored)
	return cloneListing(stored)
}

// SetListings replaces the whole catalogue.
func (s *Server) SetListings(ls []Listing) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.listings = s.listings[:0]
	for _, l := range ls {
		s.listings = append(s.listings, s.newListing(l))
	}
	slices.SortFunc(s.listings, func(a, b *Listing) int { return cmp64(a.ID, b.ID) })
}

func cmp64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (s *Server) newListing(l Listing) *Listing {
	c := cloneListing(&l)
	if c.ID == 0 {
		c.ID = s.nextID
	}
	s.nextID = max(s.nextID, c.ID+1)
	if c.State == "" {
		c.State = "active"
	}
	if c.Created.IsZero() {
		c.Created = s.now()
	}
	if c.LastModified.IsZero() {
		c.LastModified = c.Created
	}
	for i := range c.Products {
		if c.Products[i].ID == 0 {
			c.Products[i].ID = s.nextID
			s.nextID++
		}
	}
	return &c
}

func cloneListing(l *Listing) Listing {
	c := *l
	c.Products = slices.Clone(l.Products)
	for i := range c.Products {
		c.Products[i].Values = slices.Clone(c.Products[i].Values)
	}
	c.QuantityOnProperty = slices.Clone(l.QuantityOnProperty)
	c.PriceOnProperty = slices.Clone(l.PriceOnProperty)
	c.SKUOnProperty = slices.Clone(l.SKUOnProperty)
	return c
}

// Listings returns the whole catalogue, sorted by ID.
func (s *Server) Listings() []Listing {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Listing, len(s.listings))
	for i, l := range s.listings {
		out[i] = cloneListing(l)
	}
	return out
}

func (s *Server) listing(id int64) *Listing {
	i, ok := slices.BinarySearchFunc(s.listings, id, func(x *Listing, id int64) int { return cmp64(x.ID, id) })
	if !ok {
		return nil
	}
	return s.listings[i]
}

// Quantity reads back the quantity of the product named by key (see
// Listing.Key); false when there is none.
func (s *Server) Quantity(key string) (int, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, p := s.find(key)
	if p == nil {
		return 0, false
	}
	return p.Quantity, true
}

// Edit changes a listing as the seller would on Etsy, and marks it
// modified.
func (s *Server) Edit(id int64, fn func(*Listing)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.listing(id)
	if l == nil {
		return false
	}
	fn(l)
	l.LastModified = s.now()
	return true
}

func (s *Server) find(key string) (*Listing, *Product) {
	first, _, _ := strings.Cut(key, "/")
	id, err := strconv.ParseInt(first, 10, 64)
	if err != nil {
		return nil, nil
	}
	l := s.listing(id)
	if l == nil {
		return nil, nil
	}
	for i := range l.Products {
		if l.Key(l.Products[i]) == key {
			return l, &l.Products[i]
		}
	}
	return l, nil
}

// DeletedProducts lists the products that inventory PUTs deleted by
// leaving them out, as "listing ID: SKU" (or its values): a client that
// forgets one is caught by a test asserting this is empty.
func (s *Server) DeletedProducts() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.deleted)
}

// Puts counts the inventory writes accepted.
func (s *Server) Puts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.puts
}

// Generate replaces the catalogue with listings holding n products made
// deterministically from seed (see fakekit.Catalogue): products with one
// variant become listings without variations, the others listings whose
// products vary by colour and size.
func (s *Server) Generate(n int, seed int64) {
	gen := fakekit.Catalogue(n, seed)
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var ls []Listing
	for i := 0; i < len(gen); {
		j := i + 1
		for j < len(gen) && gen[j].Product == gen[i].Product {
			j++
		}
		at := base.Add(time.Duration(i) * time.Second)
		l := Listing{Title: gen[i].ProductTitle, Created: at, LastModified: at}
		if j-i > 1 {
			l.QuantityOnProperty, l.SKUOnProperty = []int64{200, 100}, []int64{200, 100}
		}
		for k, g := range gen[i:j] {
			p := Product{SKU: g.SKU, Price: g.Price, Quantity: g.Quantity}
			if j-i > 1 {
				colour, size, _ := strings.Cut(g.VariantTitle, " / ")
				p.Values = []Value{{PropertyID: 200, Name: "Primary color", ValueID: int64(1000 + len(colour)), Value: colour},
					{PropertyID: 100, Name: "Size", ValueID: int64(2000 + k), Value: size}}
			}
			l.Products = append(l.Products, p)
		}
		ls = append(ls, l)
		i = j
	}
	s.SetListings(ls)
}

// money is Etsy's Money of a decimal price; 0/0 when it is not one.
func money(price string) map[string]any {
	r, ok := new(big.Rat).SetString(strings.TrimSpace(price))
	if !ok || r.Sign() < 0 {
		return map[string]any{"amount": 0, "divisor": 0, "currency_code": "USD"}
	}
	cents := new(big.Rat).Mul(r, big.NewRat(100, 1))
	if !cents.IsInt() {
		return map[string]any{"amount": 0, "divisor": 0, "currency_code": "USD"}
	}
	return map[string]any{"amount": cents.Num().Int64(), "divisor": 100, "currency_code": "USD"}
}

func describe(l *Listing, p Product) string {
	if p.SKU != "" {
		return fmt.Sprintf("%d: %s", l.ID, p.SKU)
	}
	var vs []string
	for _, v := range p.Values {
		vs = append(vs, v.Value)
	}
	return fmt.Sprintf("%d: %s", l.ID, strings.Join(vs, ", "))
}
