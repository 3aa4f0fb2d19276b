package fake

import (
	"encoding/json"
	"net/http"
	"time"
	_ "time/tzdata" // eBay's calendar day is Pacific time
)

var pacific = func() *time.Location {
	loc, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		panic(err)
	}
	return loc
}()

// revisionDay counts one listing's revisions on one Pacific calendar day.
type revisionDay struct {
	day   string
	count int
}

type bulkRequest struct {
	Requests []struct {
		SKU                        string `json:"sku"`
		ShipToLocationAvailability *struct {
			Quantity *int `json:"quantity"`
		} `json:"shipToLocationAvailability"`
		Offers []struct {
			OfferID           string `json:"offerId"`
			AvailableQuantity *int   `json:"availableQuantity"`
		} `json:"offers"`
	} `json:"requests"`
}

// revisionLimitError is how the fake refuses a revision past the day's
// limit. eBay documents the limit ("Each listing can be revised up to 250
// times in one calendar day") but not the error it answers with; this is
// the generic user error with the documented sentence.
var revisionLimitError = apiError{25002, "API_INVENTORY", "REQUEST",
	"A user error has occurred. This listing has reached the limit of 250 revisions in one calendar day and cannot be revised until the next calendar day.", ""}

// bulkUpdate is bulk_update_price_quantity: up to 25 SKUs, each with its
// ship-to-home total and its offers' quantities; one answer per offer (or
// per SKU when it names none); 200 when all passed, 207 otherwise. A
// listing is revised once per call however many of its SKUs the call
// changes, and refused once it has been revised RevisionsPerDay times today.
func (s *Server) bulkUpdate(w http.ResponseWriter, r *http.Request) {
	var req bulkRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, apiError{25709, "API_INVENTORY", "REQUEST", "Invalid value for requests. The request body could not be read: " + err.Error(), ""})
		return
	}
	if len(req.Requests) == 0 || len(req.Requests) > maxBulk {
		writeError(w, http.StatusBadRequest, apiError{25002, "API_INVENTORY", "REQUEST", "A user error has occurred. The requests container must hold between 1 and 25 entries.", ""})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	day := s.now().In(pacific).Format("2006-01-02")
	revisedThisCall := map[string]bool{}
	// revise counts a revision of a listing, once per call, and says
	// whether the day's limit allows it.
	revise := func(listing string) bool {
		if revisedThisCall[listing] {
			return true
		}
		rd := s.revisions[listing]
		if rd.day != day {
			rd = revisionDay{day: day}
		}
		if rd.count >= s.opts.RevisionsPerDay {
			return false
		}
		rd.count++
		s.revisions[listing] = rd
		revisedThisCall[listing] = true
		return true
	}
	var responses []map[string]any
	failed := false
	answer := func(status int, sku, offerID string, errs ...apiError) {
		m := map[string]any{"statusCode": status, "sku": sku}
		if offerID != "" {
			m["offerId"] = offerID
		}
		if len(errs) > 0 {
			list := make([]map[string]any, len(errs))
			for i, e := range errs {
				list[i] = e.render()
			}
			m["errors"] = list
			failed = true
		}
		responses = append(responses, m)
	}
	for _, pq := range req.Requests {
		it := s.bySKU[pq.SKU]
		if it == nil {
			answer(http.StatusNotFound, pq.SKU, "", apiError{25702, "API_INVENTORY", "REQUEST", "SKU " + pq.SKU + " is not available in the system.", ""})
			continue
		}
		if len(pq.Offers) == 0 {
			if pq.ShipToLocationAvailability != nil && pq.ShipToLocationAvailability.Quantity != nil {
				it.Quantity = max(*pq.ShipToLocationAvailability.Quantity, 0)
			}
			answer(http.StatusOK, pq.SKU, "")
			continue
		}
		for _, oq := range pq.Offers {
			o := offerOf(it, oq.OfferID)
			switch {
			case o == nil:
				answer(http.StatusNotFound, pq.SKU, oq.OfferID, apiError{25713, "API_INVENTORY", "REQUEST", "This Offer is not available.", ""})
				continue
			case o.Status != "PUBLISHED":
				answer(http.StatusBadRequest, pq.SKU, oq.OfferID, apiError{25755, "API_INVENTORY", "REQUEST", "Offer " + oq.OfferID + " is not published; use updateOffer for unpublished offers.", ""})
				continue
			case !revise(o.ListingID):
				answer(http.StatusBadRequest, pq.SKU, oq.OfferID, revisionLimitError)
				continue
			}
			if pq.ShipToLocationAvailability != nil && pq.ShipToLocationAvailability.Quantity != nil {
				it.Quantity = max(*pq.ShipToLocationAvailability.Quantity, 0)
			}
			if oq.AvailableQuantity != nil {
				q := max(*oq.AvailableQuantity, 0)
				o.AvailableQuantity = &q
				if q == 0 {
					o.ListingStatus = "OUT_OF_STOCK"
				} else if o.ListingStatus == "OUT_OF_STOCK" {
					o.ListingStatus = "ACTIVE"
				}
			}
			answer(http.StatusOK, pq.SKU, oq.OfferID)
		}
	}
	status := http.StatusOK
	if failed {
		status = http.StatusMultiStatus
	}
	writeJSON(w, status, map[string]any{"responses": responses})
}

func offerOf(it *Item, id string) *Offer {
	for i := range it.Offers {
		if it.Offers[i].OfferID == id {
			return &it.Offers[i]
		}
	}
	return nil
}

// Quantity is what buyers see of a SKU on a marketplace: the lesser of
// the item's total and its offer's share; false when there is no such
// published offer.
func (s *Server) Quantity(sku, marketplace string) (int, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	it := s.bySKU[sku]
	if it == nil {
		return 0, false
	}
	for _, o := range it.Offers {
		if o.MarketplaceID == marketplace && o.Status == "PUBLISHED" {
			q := it.Quantity
			if o.AvailableQuantity != nil {
				q = min(q, *o.AvailableQuantity)
			}
			return q, true
		}
	}
	return 0, false
}

// Revisions tells how many times a listing was revised today (Pacific).
func (s *Server) Revisions(listingID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	rd := s.revisions[listingID]
	if rd.day != s.now().In(pacific).Format("2006-01-02") {
		return 0
	}
	return rd.count
}

// SetRevisions records n revisions of a listing today, to start a test at
// the limit.
func (s *Server) SetRevisions(listingID string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.revisions[listingID] = revisionDay{day: s.now().In(pacific).Format("2006-01-02"), count: n}
}

// ListingOf returns the listing ID of a SKU's offer on a marketplace.
func (s *Server) ListingOf(sku, marketplace string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if it := s.bySKU[sku]; it != nil {
		for _, o := range it.Offers {
			if o.MarketplaceID == marketplace {
				return o.ListingID
			}
		}
	}
	return ""
}
