package fake

import (
	"fmt"
	"sort"
	"time"

	"stocksync/internal/channel/internal/fakekit"
)

// Listing is one SKU in one marketplace, as seeded and as read back.
type Listing struct {
	Marketplace string // the first marketplace when empty
	SKU         string
	ASIN        string // made up when empty
	Name        string
	Price       string // anything goes, to seed broken records
	Quantity    int    // merchant-fulfilled stock; ignored for FBA
	// FBA makes the listing fulfilled by Amazon (channel AMAZON_NA): it
	// has no quantity of the seller's and refuses quantity updates.
	FBA         bool
	ProductType string    // PRODUCT when empty
	UpdatedAt   time.Time // the fake's now when zero
	// BadQuantity replaces the quantity with this text on the wire.
	BadQuantity string
	// Malformed sends the listing in a shape the API model forbids
	// (summaries as a string; a short row in the report).
	Malformed bool
}

// AddListing adds or replaces a listing and returns it as stored.
func (s *Server) AddListing(l Listing) Listing {
	s.mu.Lock()
	defer s.mu.Unlock()
	return *s.putListing(l)
}

// SetListings replaces the whole catalogue.
func (s *Server) SetListings(ls []Listing) {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.listings)
	for _, l := range ls {
		s.putListing(l)
	}
}

func (s *Server) putListing(l Listing) *Listing {
	if l.Marketplace == "" {
		l.Marketplace = s.opts.Marketplaces[0]
	}
	if l.ASIN == "" {
		s.nextID++
		l.ASIN = fmt.Sprintf("B0FAKE%04d", s.nextID%10000)
	}
	if l.ProductType == "" {
		l.ProductType = "PRODUCT"
	}
	if l.UpdatedAt.IsZero() {
		l.UpdatedAt = s.now()
	}
	stored := l
	s.listings[key{l.Marketplace, l.SKU}] = &stored
	return &stored
}

// Generate replaces the catalogue with n listings in the first
// marketplace made deterministically from seed (fakekit.Catalogue); one in
// ten is fulfilled by Amazon. A listing without a SKU cannot exist on
// Amazon, so those get one.
func (s *Server) Generate(n int, seed int64) {
	gen := fakekit.Catalogue(n, seed)
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.listings)
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	m := s.opts.Marketplaces[0]
	for i, g := range gen {
		sku := g.SKU
		if sku == "" {
			sku = fmt.Sprintf("NOSKU-%07d", i+1)
		}
		name := g.ProductTitle
		if g.VariantTitle != "" {
			name += " (" + g.VariantTitle + ")"
		}
		s.listings[key{m, sku}] = &Listing{
			Marketplace: m, SKU: sku, ASIN: fmt.Sprintf("B%09d", i+1), Name: name, Price: g.Price, Quantity: g.Quantity,
			FBA: i%10 == 9, ProductType: "PRODUCT", UpdatedAt: base.Add(time.Duration(i) * time.Second),
		}
	}
}

// Listings returns the catalogue sorted by marketplace and SKU.
func (s *Server) Listings() []Listing {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Listing, 0, len(s.listings))
	for _, l := range s.listings {
		out = append(out, *l)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Marketplace != out[j].Marketplace {
			return out[i].Marketplace < out[j].Marketplace
		}
		return out[i].SKU < out[j].SKU
	})
	return out
}

// Quantity reads back a merchant-fulfilled listing's stock; false when the
// listing does not exist or is fulfilled by Amazon.
func (s *Server) Quantity(marketplace, sku string) (int, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.listings[key{marketplace, sku}]
	if l == nil || l.FBA {
		return 0, false
	}
	return l.Quantity, true
}

// Edit changes a listing as the seller would in Seller Central; its last
// update moves to now.
func (s *Server) Edit(marketplace, sku string, edit func(*Listing)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.listings[key{marketplace, sku}]
	if l == nil {
		return false
	}
	edit(l)
	l.UpdatedAt = s.now()
	return true
}

// RejectSKU makes quantity updates of sku fail validation (INVALID, with
// why as the issue); "" lets them through again.
func (s *Server) RejectSKU(sku, why string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if why == "" {
		delete(s.rejected, sku)
		return
	}
	s.rejected[sku] = why
}

// quantityIssue says why a quantity update of the listing is refused; ""
// when it is accepted. Called with s.mu held.
func (s *Server) quantityIssue(marketplace, sku string, q int) (code, message string) {
	l := s.listings[key{marketplace, sku}]
	switch {
	case l == nil:
		return "4000001", fmt.Sprintf("SKU '%s' does not exist in marketplace %s.", sku, marketplace)
	case s.rejected[sku] != "":
		return "90000900", s.rejected[sku]
	case l.FBA:
		return "8541", "The quantity of a listing fulfilled by Amazon cannot be set by the seller."
	case q < 0:
		return "90001000", "The value for 'quantity' must be 0 or greater."
	}
	return "", ""
}
