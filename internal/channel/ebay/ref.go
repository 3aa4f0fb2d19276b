package ebay

import (
	"encoding/json"
	"slices"
)

// inventoryRef is what SetQuantities needs to address a listing's stock:
// the SKU, its published offers on the marketplace, and the listing they
// revise (the unit of eBay's daily revision limit). Listings are those of
// every published offer of the SKU, on any marketplace, when its offers
// were read: the active inventory report names a SKU's listings but not
// its offer IDs, and eBay reads offers one SKU a call, so a sync takes the
// stored ref as long as the report names exactly these listings (an offer
// keeps its ID while its listing lives) and reads the offers again when
// it does not.
type inventoryRef struct {
	SKU      string   `json:"sku"`
	Offers   []string `json:"offers,omitempty"`
	Listing  string   `json:"listing,omitempty"`
	Listings []string `json:"listings,omitempty"`
}

func (r inventoryRef) String() string {
	b, _ := json.Marshal(r)
	return string(b)
}

func parseRef(s string) (inventoryRef, bool) {
	var r inventoryRef
	if json.Unmarshal([]byte(s), &r) != nil || r.SKU == "" {
		return r, false
	}
	return r, true
}

// publishedListings are the sorted listing IDs of the published offers.
func publishedListings(rawOffers []json.RawMessage) []string {
	var ids []string
	for _, r := range rawOffers {
		var o offer
		if json.Unmarshal(r, &o) == nil && o.Status == "PUBLISHED" && o.Listing.ListingID != "" {
			ids = append(ids, o.Listing.ListingID)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// storedRef reads a SKU's stored ref and tells whether it still holds: it
// addresses a published offer here whose listing the report names, and
// the report names no other listing of the SKU than those its offers had.
func storedRef(stored string, sku string, rows []reportRow) (inventoryRef, bool) {
	ref, ok := parseRef(stored)
	if !ok || ref.SKU != sku || len(ref.Offers) == 0 || ref.Listing == "" || len(rows) == 0 {
		return ref, false
	}
	ids := make([]string, len(rows))
	priced := false // the listing's price comes from the report, or else from its offer
	for i, r := range rows {
		ids[i] = r.ItemID
		priced = priced || (r.ItemID == ref.Listing && (r.Price != "" || r.Problem != ""))
	}
	slices.Sort(ids)
	return ref, priced && slices.Equal(slices.Compact(ids), ref.Listings)
}
