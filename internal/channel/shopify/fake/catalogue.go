package fake

import (
	"cmp"
	"slices"
	"sort"
	"time"

	"stocksync/internal/channel/internal/fakekit"
)

// Listing is one product variant in the fake's catalogue, as seeded and as
// read back.
type Listing struct {
	ID              string // variant GID; assigned when empty
	ProductID       string // product GID; a new product when empty
	ProductTitle    string
	Title           string // variant title; "Default Title" when empty, as Shopify names a lone variant
	SKU             string
	Price           string    // decimal string; anything goes, to seed broken records
	Quantity        int       // available at the primary location
	Untracked       bool      // Shopify does not track stock for it
	UpdatedAt       time.Time // the fake's now when zero
	InventoryItemID string    // filled in by the fake
}

type variant struct {
	id, productID int64
	productTitle  string
	title         string
	sku, price    string
	quantity      int           // available at the primary location
	levels        map[int64]int // available at other locations that stock it, by location number
	tracked       bool
	updatedAt     time.Time
}

func (v *variant) listing() Listing {
	return Listing{
		ID: gid("ProductVariant", v.id), ProductID: gid("Product", v.productID),
		ProductTitle: v.productTitle, Title: v.title, SKU: v.sku, Price: v.price,
		Quantity: v.quantity, Untracked: !v.tracked, UpdatedAt: v.updatedAt,
		InventoryItemID: gid("InventoryItem", v.id+inventoryItemOffset),
	}
}

// AddListing adds one variant and returns it with its IDs filled in.
func (s *Server) AddListing(l Listing) Listing {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.newVariant(l)
	i, _ := slices.BinarySearchFunc(s.variants, v.id, func(x *variant, id int64) int { return cmp.Compare(x.id, id) })
	s.variants = slices.Insert(s.variants, i, v)
	return v.listing()
}

// SetListings replaces the whole catalogue.
func (s *Server) SetListings(ls []Listing) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.variants = s.variants[:0]
	for _, l := range ls {
		s.variants = append(s.variants, s.newVariant(l))
	}
	sort.Slice(s.variants, func(i, j int) bool { return s.variants[i].id < s.variants[j].id })
}

// Generate replaces the catalogue with n listings made deterministically from
// seed (see fakekit.Catalogue); 100,000 take well under a second.
func (s *Server) Generate(n int, seed int64) {
	gen := fakekit.Catalogue(n, seed)
	s.mu.Lock()
	defer s.mu.Unlock()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s.variants = make([]*variant, len(gen))
	for i, g := range gen {
		title := g.VariantTitle
		if title == "" {
			title = defaultVariantTitle
		}
		s.variants[i] = &variant{
			id: variantIDBase + int64(i) + 1, productID: productIDBase + int64(g.Product) + 1,
			productTitle: g.ProductTitle, title: title, sku: g.SKU, price: g.Price,
			quantity: g.Quantity, tracked: true, updatedAt: base.Add(time.Duration(i) * time.Second),
		}
	}
	s.nextVariant = variantIDBase + int64(len(gen)) + 1
	s.nextProduct = productIDBase + int64(len(gen)) + 1
}

const defaultVariantTitle = "Default Title"

func (s *Server) newVariant(l Listing) *variant {
	v := &variant{
		productTitle: l.ProductTitle, title: l.Title, sku: l.SKU, price: l.Price,
		quantity: l.Quantity, tracked: !l.Untracked, updatedAt: l.UpdatedAt,
	}
	if v.title == "" {
		v.title = defaultVariantTitle
	}
	if v.updatedAt.IsZero() {
		v.updatedAt = s.now()
	}
	if l.ID != "" {
		v.id = mustGID("ProductVariant", l.ID)
		s.nextVariant = max(s.nextVariant, v.id+1)
	} else {
		v.id = s.nextVariant
		s.nextVariant++
	}
	if l.ProductID != "" {
		v.productID = mustGID("Product", l.ProductID)
		s.nextProduct = max(s.nextProduct, v.productID+1)
	} else {
		v.productID = s.nextProduct
		s.nextProduct++
	}
	return v
}

// Listings returns the whole catalogue, sorted by ID.
func (s *Server) Listings() []Listing {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Listing, len(s.variants))
	for i, v := range s.variants {
		out[i] = v.listing()
	}
	return out
}

// Listing returns one variant by its GID.
func (s *Server) Listing(id string) (Listing, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v := s.variantByGID(id); v != nil {
		return v.listing(), true
	}
	return Listing{}, false
}

// Quantity reads back a variant's stock, to check what a client pushed.
func (s *Server) Quantity(id string) (int, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v := s.variantByGID(id); v != nil {
		return v.quantity, true
	}
	return 0, false
}

// SetQuantity changes stock as if the merchant had edited it in Shopify, so
// that a client's changeFromQuantity becomes stale.
func (s *Server) SetQuantity(id string, q int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.variantByGID(id)
	if v != nil {
		v.quantity, v.updatedAt = q, s.now()
	}
	return v != nil
}

// SetBrokenField gives a variant a price that is not a number ("abc"), as a
// misbehaving app can leave behind, to exercise failure reports.
func (s *Server) SetBrokenField(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.variantByGID(id)
	if v != nil {
		v.price, v.updatedAt = "abc", s.now()
	}
	return v != nil
}

// SetSKU changes a variant's SKU as if the merchant had edited it.
func (s *Server) SetSKU(id, sku string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.variantByGID(id)
	if v != nil {
		v.sku, v.updatedAt = sku, s.now()
	}
	return v != nil
}

func (s *Server) variantByGID(id string) *variant {
	n, ok := parseGID("ProductVariant", id)
	if !ok {
		return nil
	}
	return s.variantByID(n)
}

func (s *Server) variantByID(id int64) *variant {
	i, found := slices.BinarySearchFunc(s.variants, id, func(x *variant, id int64) int { return cmp.Compare(x.id, id) })
	if !found {
		return nil
	}
	return s.variants[i]
}
