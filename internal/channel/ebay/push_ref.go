package ebay

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"stocksync/internal/channel"
)

// pushRef is the stock address of an update: its stored ref, or, for a
// listing stored without one, its SKU's offers on the marketplace read
// now (the ExternalID names the SKU), so the push goes out all the same
// and the next sync stores the ref.
func (c *Client) pushRef(ctx context.Context, u channel.QuantityUpdate) (inventoryRef, error) {
	if ref, ok := parseRef(u.InventoryRef); ok {
		return ref, nil
	}
	sku, ok := strings.CutPrefix(u.ExternalID, c.marketplace+":")
	if !ok || sku == "" {
		return inventoryRef{}, fmt.Errorf("ebay: the listing %q carries no SKU and offers to address; sync the catalogue before pushing stock", u.ExternalID)
	}
	rawOffers, err := c.offers(ctx, sku)
	if err != nil {
		return inventoryRef{}, err
	}
	ref := inventoryRef{SKU: sku, Listings: publishedListings(rawOffers)}
	for _, raw := range rawOffers {
		var o offer
		if json.Unmarshal(raw, &o) == nil && o.OfferID != "" && takesQuantity(o) && (o.MarketplaceID == "" || o.MarketplaceID == c.marketplace) {
			ref.Offers = append(ref.Offers, o.OfferID)
		}
	}
	return ref, nil
}
