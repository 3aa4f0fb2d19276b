package fake

import (
	"net/url"
	"strings"
	"time"
)

// wcDate is how WooCommerce writes dates: no zone; the _gmt fields are UTC.
const wcDate = "2006-01-02T15:04:05"

func gmt(t time.Time) string { return t.UTC().Format(wcDate) }

func stockStatus(manage bool, q *int) string {
	if manage && q != nil && *q <= 0 {
		return "outofstock"
	}
	return "instock"
}

func quantityJSON(q *int) any {
	if q == nil {
		return nil
	}
	return *q
}

func (s *Server) renderProduct(p *Product) map[string]any {
	variationIDs := make([]int, len(p.Variations))
	for i, v := range p.Variations {
		variationIDs[i] = v.ID
	}
	slug := productSlug(p)
	return map[string]any{
		"id": p.ID, "name": p.Name, "slug": slug, "permalink": s.permalink(p),
		"date_created": gmt(p.DateModified), "date_created_gmt": gmt(p.DateModified),
		"date_modified": gmt(p.DateModified), "date_modified_gmt": gmt(p.DateModified),
		"type": p.Type, "status": p.Status, "sku": p.SKU,
		"price": p.Price, "regular_price": p.RegularPrice, "sale_price": "",
		"manage_stock": p.ManageStock, "stock_quantity": quantityJSON(p.StockQuantity),
		"stock_status": stockStatus(p.ManageStock, p.StockQuantity),
		"variations":   variationIDs, "attributes": []any{}, "meta_data": []any{},
		"description": "<p>" + p.Name + "</p>", "short_description": "",
	}
}

func (s *Server) renderVariation(p *Product, v *Variation) map[string]any {
	attrs := make([]map[string]any, len(v.Attributes))
	for i, a := range v.Attributes {
		attrs[i] = map[string]any{"id": 0, "name": a.Name, "option": a.Option}
	}
	var manage any = v.ManageStock
	q := v.StockQuantity
	if v.StockFromParent {
		manage, q = "parent", p.StockQuantity
	}
	// WooCommerce links a variation to its product's page with the
	// variation's attributes chosen in the query.
	chosen := url.Values{}
	for _, a := range v.Attributes {
		chosen.Set("attribute_"+strings.ToLower(strings.ReplaceAll(a.Name, " ", "-")), a.Option)
	}
	permalink := s.permalink(p)
	if len(chosen) > 0 {
		permalink += "?" + chosen.Encode()
	}
	return map[string]any{
		"id": v.ID, "permalink": permalink, "date_created_gmt": gmt(v.DateModified), "date_modified_gmt": gmt(v.DateModified),
		"date_modified": gmt(v.DateModified), "sku": v.SKU, "status": v.Status,
		"price": v.Price, "regular_price": v.RegularPrice, "sale_price": "",
		"manage_stock": manage, "stock_quantity": quantityJSON(q),
		"stock_status": stockStatus(v.ManageStock || v.StockFromParent, q),
		"attributes":   attrs, "meta_data": []any{},
	}
}

// onlyFields applies the _fields parameter: the top-level keys asked for.
func onlyFields(obj map[string]any, fields string) map[string]any {
	if fields == "" {
		return obj
	}
	out := map[string]any{}
	for _, f := range strings.Split(fields, ",") {
		f = strings.TrimSpace(f)
		if v, ok := obj[f]; ok {
			out[f] = v
		}
	}
	return out
}
