package etsy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"stocksync/internal/channel"
)

// The inventory PUT body: every product, without the IDs Etsy assigns
// (product_id, offering_id) and without is_deleted, prices as decimals.
type putInventory struct {
	Products           []putProduct `json:"products"`
	PriceOnProperty    []int64      `json:"price_on_property"`
	QuantityOnProperty []int64      `json:"quantity_on_property"`
	SKUOnProperty      []int64      `json:"sku_on_property"`
}

type putProduct struct {
	SKU            string             `json:"sku"`
	PropertyValues []putPropertyValue `json:"property_values"`
	Offerings      []putOffering      `json:"offerings"`
}

type putPropertyValue struct {
	PropertyID   int64    `json:"property_id"`
	ValueIDs     []int64  `json:"value_ids"`
	ScaleID      *int64   `json:"scale_id"`
	PropertyName *string  `json:"property_name"`
	Values       []string `json:"values"`
}

type putOffering struct {
	Price     json.Number `json:"price"`
	Quantity  int         `json:"quantity"`
	IsEnabled bool        `json:"is_enabled"`
}

// writeListing changes the quantities of g's products in inv and writes
// the whole inventory back. Per-item results are set for g's updates; the
// error is for the listing as a whole.
func (c *Client) writeListing(ctx context.Context, g *listingGroup, invRaw json.RawMessage, updates []channel.QuantityUpdate, results []channel.QuantityResult) error {
	var inv inventory
	if err := json.Unmarshal(invRaw, &inv); err != nil {
		return fmt.Errorf("etsy: listing %d: its inventory could not be read (%v), so it was not written", g.id, err)
	}
	body := putInventory{Products: []putProduct{}, PriceOnProperty: nonNil(inv.PriceOnProperty),
		QuantityOnProperty: nonNil(inv.QuantityOnProperty), SKUOnProperty: nonNil(inv.SKUOnProperty)}
	index := map[string]int{} // productKey → position in body.Products
	known := map[int]bool{}   // products whose quantity could be read
	current := map[int]int{}  // and that quantity
	for _, raw := range inv.Products {
		var p product
		if err := json.Unmarshal(raw, &p); err != nil {
			return fmt.Errorf("etsy: listing %d: a product could not be read (%v); the inventory was not written, so that no product is lost", g.id, err)
		}
		if p.IsDeleted {
			continue
		}
		pp := putProduct{SKU: p.SKU, PropertyValues: []putPropertyValue{}, Offerings: []putOffering{}}
		for _, pv := range p.PropertyValues {
			pp.PropertyValues = append(pp.PropertyValues, putPropertyValue{PropertyID: pv.PropertyID, ValueIDs: nonNil(pv.ValueIDs),
				ScaleID: pv.ScaleID, PropertyName: pv.PropertyName, Values: unescaped(pv.Values)})
		}
		readable := true
		for _, o := range p.Offerings {
			if o.IsDeleted {
				continue
			}
			price := o.Price.decimal()
			if price == "" {
				return fmt.Errorf("etsy: listing %d: a product has no price Etsy would take back; the inventory was not written", g.id)
			}
			q, err := channel.RawInt(o.Quantity)
			n := 0
			if err != nil || q == nil {
				readable = false
			} else {
				n = *q
			}
			pp.Offerings = append(pp.Offerings, putOffering{Price: json.Number(price), Quantity: n, IsEnabled: o.IsEnabled})
		}
		pos := len(body.Products)
		index[productKey(g.id, p.PropertyValues)] = pos
		known[pos] = readable && len(pp.Offerings) > 0
		if known[pos] {
			current[pos] = pp.Offerings[0].Quantity
		}
		body.Products = append(body.Products, pp)
	}
	// One quantity for the whole listing when it does not vary by
	// property: Etsy then wants every product at the same number, so the
	// lowest asked for is set, which never sells what is not there.
	shared := len(inv.QuantityOnProperty) == 0 && len(body.Products) > 1
	lowest := -1
	set := map[int]bool{}
	for _, i := range g.indexes {
		pos, ok := index[ref(updates[i])]
		if !ok {
			results[i].Err = fmt.Errorf("etsy: listing %d has no such product any more (its variations changed); sync the catalogue", g.id)
			continue
		}
		// Etsy has no compare-and-set, but the inventory was just read: a
		// quantity that is no longer the one we last sent moved on Etsy (a
		// sale), and is not overwritten unseen.
		if prev := updates[i].Previous; prev != nil && known[pos] && current[pos] != *prev {
			results[i].Err = fmt.Errorf("etsy: %w", channel.ErrStaleQuantity)
			continue
		}
		q := max(updates[i].Quantity, 0)
		if lowest < 0 || q < lowest {
			lowest = q
		}
		for k := range body.Products[pos].Offerings {
			body.Products[pos].Offerings[k].Quantity = q
		}
		set[pos] = true
	}
	if len(set) == 0 {
		return nil
	}
	for pos := range body.Products {
		if shared {
			for k := range body.Products[pos].Offerings {
				body.Products[pos].Offerings[k].Quantity = lowest
			}
			continue
		}
		if !set[pos] && !known[pos] {
			return fmt.Errorf("etsy: listing %d: another product's quantity could not be read, and writing the inventory would change it; fix the listing on Etsy", g.id)
		}
	}
	what := fmt.Sprintf("stock update of listing %d", g.id)
	_, err := c.call(ctx, what, http.MethodPut, fmt.Sprintf("/listings/%d/inventory", g.id), nil, body)
	var httpErr *channel.HTTPError
	switch {
	case errors.As(err, &httpErr) && httpErr.Status == http.StatusNotFound:
		return fmt.Errorf("etsy: listing %d is no longer on Etsy; sync the catalogue", g.id)
	case errors.As(err, &httpErr):
		return fmt.Errorf("etsy: Etsy refused the stock of listing %d: %s", g.id, httpErr.Message)
	}
	return err
}

func nonNil(v []int64) []int64 {
	if v == nil {
		return []int64{}
	}
	return v
}

// unescaped undoes Etsy's HTML escaping of the values it sends, so that
// writing them back does not escape them twice ("&amp;amp;").
func unescaped(v []string) []string {
	out := make([]string, len(v))
	for i, s := range v {
		out[i] = text(s)
	}
	return out
}
