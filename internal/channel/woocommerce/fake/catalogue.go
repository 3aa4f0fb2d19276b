package fake

import (
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"stocksync/internal/channel/internal/fakekit"
)

// Product is a product in the fake's catalogue, as seeded and as read back.
// A variable product is not sold itself: its Variations are.
type Product struct {
	ID            int    // assigned when 0
	Name          string // WordPress post title
	SKU           string
	Type          string // simple (default), variable, grouped or external
	Status        string // publish (default), draft, private …
	Price         string // anything goes, to seed broken records
	RegularPrice  string // Price when empty
	ManageStock   bool
	StockQuantity *int
	DateModified  time.Time // the fake's now when zero
	Variations    []Variation
}

// Variation is one variation of a variable product.
type Variation struct {
	ID           int    // assigned when 0
	Status       string // publish (enabled, the default) or private (disabled)
	SKU          string
	Price        string
	RegularPrice string
	ManageStock  bool
	// StockFromParent makes the variation use the parent's stock, which
	// WooCommerce reports as manage_stock "parent".
	StockFromParent bool
	StockQuantity   *int
	Attributes      []Attribute
	DateModified    time.Time
}

// Attribute is one attribute choice of a variation ("Size" = "M").
type Attribute struct{ Name, Option string }

// AddListing adds a product (with its variations) and returns it with IDs
// filled in.
func (s *Server) AddListing(p Product) Product {
	s.mu.Lock()
	defer s.mu.Unlock()
	stored := s.newProduct(p)
	i, _ := slices.BinarySearchFunc(s.products, stored.ID, func(x *Product, id int) int { return x.ID - id })
	s.products = slices.Insert(s.products, i, stored)
	return clone(stored)
}

// SetListings replaces the whole catalogue.
func (s *Server) SetListings(ps []Product) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.products = s.products[:0]
	for _, p := range ps {
		s.products = append(s.products, s.newProduct(p))
	}
	sort.Slice(s.products, func(i, j int) bool { return s.products[i].ID < s.products[j].ID })
}

// Generate replaces the catalogue with n sellable listings made
// deterministically from seed (see fakekit.Catalogue): products with one
// variant become simple products, the others variable products.
func (s *Server) Generate(n int, seed int64) {
	gen := fakekit.Catalogue(n, seed)
	s.mu.Lock()
	defer s.mu.Unlock()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s.products = s.products[:0]
	for i := 0; i < len(gen); {
		j := i + 1
		for j < len(gen) && gen[j].Product == gen[i].Product {
			j++
		}
		at := base.Add(time.Duration(i) * time.Second)
		p := &Product{ID: s.nextID, Name: gen[i].ProductTitle, Status: "publish", DateModified: at}
		s.nextID++
		if j-i == 1 {
			q := gen[i].Quantity
			p.Type, p.SKU, p.Price, p.ManageStock, p.StockQuantity = "simple", gen[i].SKU, gen[i].Price, true, &q
		} else {
			p.Type, p.Price = "variable", gen[i].Price
			for _, g := range gen[i:j] {
				q := g.Quantity
				colour, size, _ := strings.Cut(g.VariantTitle, " / ")
				p.Variations = append(p.Variations, Variation{
					ID: s.nextID, Status: "publish", SKU: g.SKU, Price: g.Price, RegularPrice: g.Price, ManageStock: true, StockQuantity: &q,
					Attributes: []Attribute{{Name: "Colour", Option: colour}, {Name: "Size", Option: size}}, DateModified: at,
				})
				s.nextID++
			}
		}
		p.RegularPrice = p.Price
		s.products = append(s.products, p)
		i = j
	}
}

func (s *Server) newProduct(p Product) *Product {
	now := s.now()
	copied := clone(&p)
	stored := &copied
	if stored.ID == 0 {
		stored.ID = s.nextID
	}
	s.nextID = max(s.nextID, stored.ID+1)
	if stored.Type == "" {
		stored.Type = "simple"
	}
	if stored.Status == "" {
		stored.Status = "publish"
	}
	if stored.RegularPrice == "" {
		stored.RegularPrice = stored.Price
	}
	if stored.DateModified.IsZero() {
		stored.DateModified = now
	}
	for i := range stored.Variations {
		v := &stored.Variations[i]
		if v.ID == 0 {
			v.ID = s.nextID
		}
		s.nextID = max(s.nextID, v.ID+1)
		if v.RegularPrice == "" {
			v.RegularPrice = v.Price
		}
		if v.Status == "" {
			v.Status = "publish"
		}
		if v.DateModified.IsZero() {
			v.DateModified = now
		}
	}
	return stored
}

func clone(p *Product) Product {
	c := *p
	c.StockQuantity = cloneInt(p.StockQuantity)
	c.Variations = slices.Clone(p.Variations)
	for i := range c.Variations {
		c.Variations[i].StockQuantity = cloneInt(c.Variations[i].StockQuantity)
	}
	return c
}

func cloneInt(p *int) *int {
	if p == nil {
		return nil
	}
	n := *p
	return &n
}

// Products returns the whole catalogue, sorted by ID.
func (s *Server) Products() []Product {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Product, len(s.products))
	for i, p := range s.products {
		out[i] = clone(p)
	}
	return out
}

// Quantity reads back the stock of a listing, "pid" or "pid/vid"; false
// when the listing does not exist or its stock is not managed.
func (s *Server) Quantity(externalID string) (int, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.quantityLocked(externalID)
}

// SetQuantity changes stock as if the merchant had edited it.
func (s *Server) SetQuantity(externalID string, q int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, v := s.find(externalID)
	if p == nil {
		return false
	}
	s.setStock(p, v, q)
	return true
}

// SetBrokenField gives a listing a price that is not a number ("abc").
func (s *Server) SetBrokenField(externalID string) bool {
	return s.Edit(externalID, func(p *Product, v *Variation) {
		if v != nil {
			v.Price = "abc"
		} else {
			p.Price = "abc"
		}
	})
}

// Edit changes a product ("pid") or one variation ("pid/vid") as the
// merchant would in WooCommerce's admin or through its API; edit gets the
// variation nil when a product is edited. The dates move as WooCommerce
// moves them: the edited record's, and a variation's parent's too, because
// saving a variation queues its parent for a sync that saves it at the end
// of the request (WC_Product::maybe_defer_product_sync,
// WC_Product_Variable::sync), and saving a product records the save in its
// post_modified_gmt even when nothing else changed.
func (s *Server) Edit(externalID string, edit func(p *Product, v *Variation)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, v := s.find(externalID)
	if p == nil || (v == nil && strings.Contains(externalID, "/")) {
		return false
	}
	edit(p, v)
	s.touch(p, v)
	return true
}

// touch moves the modification dates of an edited product or variation.
func (s *Server) touch(p *Product, v *Variation) {
	now := s.now()
	if v != nil {
		v.DateModified = now
	}
	p.DateModified = now
}

// RemoveListing deletes a product ("pid") or one variation ("pid/vid"), as
// when the merchant deletes it while we still push stock to it.
func (s *Server) RemoveListing(externalID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, v := s.find(externalID)
	switch {
	case v != nil:
		p.Variations = slices.DeleteFunc(p.Variations, func(x Variation) bool { return x.ID == v.ID })
	case p != nil:
		s.products = slices.DeleteFunc(s.products, func(x *Product) bool { return x == p })
	default:
		return false
	}
	return true
}

func (s *Server) find(externalID string) (*Product, *Variation) {
	pid, vid, hasVariation := strings.Cut(externalID, "/")
	p := s.product(atoi(pid))
	if p == nil || !hasVariation {
		return p, nil
	}
	return p, p.variation(atoi(vid))
}

func (s *Server) product(id int) *Product {
	i, found := slices.BinarySearchFunc(s.products, id, func(x *Product, id int) int { return x.ID - id })
	if !found {
		return nil
	}
	return s.products[i]
}

func (p *Product) variation(id int) *Variation {
	for i := range p.Variations {
		if p.Variations[i].ID == id {
			return &p.Variations[i]
		}
	}
	return nil
}

// setStock sets managed stock on a product or variation, with the stock
// status and modification date WooCommerce would set.
func (s *Server) setStock(p *Product, v *Variation, q int) {
	if v != nil && !v.StockFromParent {
		v.ManageStock, v.StockQuantity = true, &q
		s.touch(p, v)
		return
	}
	p.ManageStock, p.StockQuantity = true, &q
	s.touch(p, nil)
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}
