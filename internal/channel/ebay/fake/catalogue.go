package fake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"stocksync/internal/channel/internal/fakekit"
)

// Item is an inventory item with its offers, as seeded and as read back.
type Item struct {
	SKU      string
	Title    string
	Quantity int // shipToLocationAvailability.quantity
	Offers   []Offer
	// Raw, when set, is sent instead of the rendered item: a record eBay
	// would never send, to seed broken ones (no SKU, a quantity in words).
	Raw json.RawMessage
	// ReportXML, when set, is the item's <SKUDetails> element in the
	// active inventory report instead of the rendered one: a row eBay
	// would never write, to seed a broken one.
	ReportXML string
}

// Offer is one offer of an item on one marketplace.
type Offer struct {
	OfferID           string // assigned when empty
	MarketplaceID     string // EBAY_US when empty
	Format            string // FIXED_PRICE when empty
	Price             string // pricingSummary.price.value, anything goes
	Currency          string // USD when empty
	AvailableQuantity *int   // the item's Quantity when nil
	Status            string // PUBLISHED (default) or UNPUBLISHED
	ListingID         string // assigned to a published offer when empty
	ListingStatus     string // ACTIVE when empty and published
}

// AddItem adds an item and returns it with IDs filled in; an item of the
// same SKU is replaced.
func (s *Server) AddItem(it Item) Item {
	s.mu.Lock()
	defer s.mu.Unlock()
	stored := s.newItem(it)
	if old := s.bySKU[stored.SKU]; old != nil && stored.SKU != "" {
		*old = *stored
		return clone(old)
	}
	s.items = append(s.items, stored)
	if stored.SKU != "" {
		s.bySKU[stored.SKU] = stored
	}
	return clone(stored)
}

// SetItems replaces the whole catalogue.
func (s *Server) SetItems(items []Item) {
	s.mu.Lock()
	s.items, s.bySKU = nil, map[string]*Item{}
	s.mu.Unlock()
	for _, it := range items {
		s.AddItem(it)
	}
}

// Generate replaces the catalogue with n items made deterministically from
// seed (see fakekit.Catalogue), each with one published offer. A generated
// listing without a SKU is left out: eBay has none.
func (s *Server) Generate(n int, seed int64) {
	gen := fakekit.Catalogue(n, seed)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.items, s.bySKU = make([]*Item, 0, n), make(map[string]*Item, n)
	for i, g := range gen {
		sku := g.SKU
		if sku == "" {
			sku = fmt.Sprintf("SKU-%07d", i+1)
		}
		title := g.ProductTitle
		if g.VariantTitle != "" {
			title += " " + g.VariantTitle
		}
		it := s.newItem(Item{SKU: sku, Title: title, Quantity: g.Quantity, Offers: []Offer{{Price: g.Price}}})
		s.items = append(s.items, it)
		s.bySKU[sku] = it
	}
}

func (s *Server) newItem(it Item) *Item {
	c := clone(&it)
	for i := range c.Offers {
		o := &c.Offers[i]
		if o.OfferID == "" {
			o.OfferID = strconv.FormatInt(s.id(), 10)
		}
		if o.MarketplaceID == "" {
			o.MarketplaceID = DefaultMarketplace
		}
		if o.Format == "" {
			o.Format = "FIXED_PRICE"
		}
		if o.Currency == "" {
			o.Currency = "USD"
		}
		if o.Status == "" {
			o.Status = "PUBLISHED"
		}
		if o.Status == "PUBLISHED" {
			if o.ListingID == "" {
				o.ListingID = strconv.FormatInt(110000000000+s.id(), 10)
			}
			if o.ListingStatus == "" {
				o.ListingStatus = "ACTIVE"
			}
		}
	}
	return &c
}

func (s *Server) id() int64 { s.nextID++; return s.nextID }

func clone(it *Item) Item {
	c := *it
	c.Offers = slices.Clone(it.Offers)
	for i := range c.Offers {
		if q := c.Offers[i].AvailableQuantity; q != nil {
			n := *q
			c.Offers[i].AvailableQuantity = &n
		}
	}
	c.Raw = slices.Clone(it.Raw)
	return c
}

// Items returns the whole catalogue.
func (s *Server) Items() []Item {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Item, len(s.items))
	for i, it := range s.items {
		out[i] = clone(it)
	}
	return out
}

// Item returns the item of a SKU.
func (s *Server) Item(sku string) (Item, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	it := s.bySKU[sku]
	if it == nil {
		return Item{}, false
	}
	return clone(it), true
}

// Edit changes an item as the seller would on eBay; false when the SKU is
// unknown.
func (s *Server) Edit(sku string, edit func(*Item)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	it := s.bySKU[sku]
	if it == nil {
		return false
	}
	edit(it)
	return true
}

// RemoveItem deletes an item and its offers.
func (s *Server) RemoveItem(sku string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.bySKU[sku] == nil {
		return false
	}
	delete(s.bySKU, sku)
	s.items = slices.DeleteFunc(s.items, func(it *Item) bool { return it.SKU == sku && it.Raw == nil })
	return true
}

func (s *Server) renderItem(it *Item) any {
	if it.Raw != nil {
		return it.Raw
	}
	return map[string]any{
		"sku": it.SKU, "locale": "en_US", "condition": "NEW",
		"product": map[string]any{"title": it.Title, "aspects": map[string]any{}, "imageUrls": []string{}},
		"availability": map[string]any{"shipToLocationAvailability": map[string]any{
			"quantity": it.Quantity, "allocationByFormat": map[string]any{"auction": 0, "fixedPrice": it.Quantity}}},
	}
}

func renderOffer(it *Item, o *Offer) map[string]any {
	q := it.Quantity
	if o.AvailableQuantity != nil {
		q = *o.AvailableQuantity
	}
	m := map[string]any{
		"offerId": o.OfferID, "sku": it.SKU, "marketplaceId": o.MarketplaceID, "format": o.Format,
		"availableQuantity": q, "categoryId": "30120", "merchantLocationKey": "WAREHOUSE-1",
		"pricingSummary":  map[string]any{"price": map[string]any{"value": o.Price, "currency": o.Currency}},
		"listingDuration": "GTC", "status": o.Status, "listingPolicies": map[string]any{},
	}
	if o.Status == "PUBLISHED" {
		m["listing"] = map[string]any{"listingId": o.ListingID, "listingStatus": o.ListingStatus, "soldQuantity": 0}
	}
	return m
}

func (s *Server) listItems(w http.ResponseWriter, r *http.Request) {
	limit, offset, bad := pageParams(r.URL.Query(), maxItemsPage, 25)
	if bad != nil {
		writeError(w, http.StatusBadRequest, *bad)
		return
	}
	s.mu.Lock()
	total := len(s.items)
	end := min(offset+limit, total)
	page := make([]any, 0, max(end-offset, 0))
	for i := offset; i < end; i++ {
		page = append(page, s.renderItem(s.items[i]))
	}
	s.mu.Unlock()
	body := map[string]any{"href": s.pageLink(InventoryPath+"/inventory_item", offset, limit, nil),
		"total": total, "size": (total + limit - 1) / limit, "limit": limit, "inventoryItems": page}
	if end < total {
		body["next"] = s.pageLink(InventoryPath+"/inventory_item", end, limit, nil)
	}
	if offset > 0 {
		body["prev"] = s.pageLink(InventoryPath+"/inventory_item", max(offset-limit, 0), limit, nil)
	}
	writeJSON(w, http.StatusOK, body)
}

func (s *Server) listOffers(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, offset, bad := pageParams(q, 200, 100)
	if bad != nil {
		writeError(w, http.StatusBadRequest, *bad)
		return
	}
	sku := q.Get("sku")
	if sku == "" {
		writeError(w, http.StatusBadRequest, apiError{25707, "API_INVENTORY", "REQUEST", "This is an invalid value for a SKU. Only alphanumeric characters can be used for SKUs, and their length must not exceed 50 characters", ""})
		return
	}
	s.mu.Lock()
	it := s.bySKU[sku]
	var offers []any
	if it != nil {
		for i := range it.Offers {
			o := &it.Offers[i]
			if m := q.Get("marketplace_id"); m == "" || m == o.MarketplaceID {
				offers = append(offers, renderOffer(it, o))
			}
		}
	}
	s.mu.Unlock()
	if len(offers) == 0 {
		writeError(w, http.StatusNotFound, apiError{25713, "API_INVENTORY", "REQUEST", "This Offer is not available.", ""})
		return
	}
	total := len(offers)
	end := min(offset+limit, total)
	page := offers[min(offset, total):end]
	body := map[string]any{"href": s.pageLink(InventoryPath+"/offer", offset, limit, url.Values{"sku": {sku}}),
		"total": total, "size": len(page), "limit": limit, "offers": page}
	if end < total {
		body["next"] = s.pageLink(InventoryPath+"/offer", end, limit, url.Values{"sku": {sku}})
	}
	writeJSON(w, http.StatusOK, body)
}
