package fake

import (
	"encoding/json"
	"html"
	"slices"
)

func (s *Server) renderListing(l *Listing, withInventory bool) map[string]any {
	qty, price := 0, ""
	for _, p := range l.Products {
		if !p.Disabled {
			qty += p.Quantity
		}
		if price == "" {
			price = p.Price
		}
	}
	out := map[string]any{
		"listing_id": l.ID, "user_id": 271828, "shop_id": s.opts.ShopID,
		"title": html.EscapeString(l.Title), "description": html.EscapeString(l.Title),
		"state": l.State, "creation_timestamp": l.Created.Unix(), "created_timestamp": l.Created.Unix(),
		"last_modified_timestamp": l.LastModified.Unix(), "updated_timestamp": l.LastModified.Unix(),
		"quantity": qty, "url": s.listingURL(l), "has_variations": len(l.Products) > 1,
		"price": money(price), "tags": []string{}, "materials": []string{},
	}
	if withInventory {
		out["inventory"] = s.renderInventory(l)
	}
	return out
}

func (s *Server) listingURL(l *Listing) string {
	return s.storefront() + "/listing/" + itoa(l.ID)
}

func (s *Server) renderInventory(l *Listing) map[string]any {
	products := make([]any, len(l.Products))
	for i, p := range l.Products {
		pvs := make([]any, len(p.Values))
		for k, v := range p.Values {
			pvs[k] = map[string]any{"property_id": v.PropertyID, "property_name": v.Name, "scale_id": nil, "scale_name": nil,
				"value_ids": []int64{v.ValueID}, "values": []string{html.EscapeString(v.Value)}}
		}
		var quantity any = p.Quantity
		if p.RawQuantity != "" {
			quantity = json.RawMessage(p.RawQuantity)
		}
		products[i] = map[string]any{
			"product_id": p.ID, "sku": p.SKU, "is_deleted": false, "property_values": pvs,
			"offerings": []any{map[string]any{"offering_id": p.ID + 7, "quantity": quantity, "is_enabled": !p.Disabled,
				"is_deleted": false, "price": money(p.Price)}},
		}
	}
	return map[string]any{"products": products, "price_on_property": nonNil(l.PriceOnProperty),
		"quantity_on_property": nonNil(l.QuantityOnProperty), "sku_on_property": nonNil(l.SKUOnProperty)}
}

func nonNil(v []int64) []int64 {
	if v == nil {
		return []int64{}
	}
	return slices.Clone(v)
}
