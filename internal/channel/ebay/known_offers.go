package ebay

import (
	"context"
	"encoding/json"
	"fmt"

	"stocksync/internal/channel"
)

// knownRefs sorts a page's SKUs that have live listings: those whose
// stored ref still holds (see storedRef), by index, and those whose offers
// must be read. The stored refs are asked for in one lookup a page, so a
// sync in a new server process reads offers only for new or changed SKUs.
func (c *Client) knownRefs(ctx context.Context, items []inventoryItem, unreadable []error, rep *activeReport) (map[int]inventoryRef, []int, error) {
	var live []int
	ids := make([]string, 0, len(items))
	for i, it := range items {
		if unreadable[i] != nil || it.SKU == "" || rep.unlisted(it.SKU) {
			continue
		}
		live = append(live, i)
		ids = append(ids, c.marketplace+":"+it.SKU)
	}
	stored := map[string]string{}
	if c.storedRefs != nil && len(ids) > 0 {
		var err error
		if stored, err = c.storedRefs(ctx, ids); err != nil {
			return nil, nil, fmt.Errorf("ebay: reading the stored offers: %w", err)
		}
	}
	known := map[int]inventoryRef{}
	var fetch []int
	for k, i := range live {
		sku := items[i].SKU
		if ref, ok := storedRef(stored[ids[k]], sku, rep.rows[sku]); ok {
			known[i] = ref
			continue
		}
		fetch = append(fetch, i)
	}
	return known, fetch, nil
}

// knownListing is a live SKU whose offers were not read this sync: its
// stored ref addresses them, the report gives its price and what buyers
// see (see overlay), and the inventory item its total. Its raw record
// keeps the item and the offer IDs, which is all that was known.
func (c *Client) knownListing(raw json.RawMessage, item inventoryItem, ref inventoryRef) channel.Listing {
	l := channel.Listing{
		ExternalID: c.marketplace + ":" + item.SKU, ProductID: ref.Listing, SKU: item.SKU, Name: item.Product.Title,
		InventoryRef: ref.String(), URL: c.itemURL(c.marketplace, ref.Listing),
	}
	l.Raw = raw
	if b, err := json.Marshal(struct {
		InventoryItem json.RawMessage `json:"inventoryItem"`
		OfferIDs      []string        `json:"offerIds"`
	}{raw, ref.Offers}); err == nil {
		l.Raw = b
	}
	total, err := channel.RawInt(item.Availability.ShipToLocationAvailability.Quantity)
	if err != nil {
		l.Problem = "the quantity " + err.Error()
	}
	l.Quantity = total
	return l
}
