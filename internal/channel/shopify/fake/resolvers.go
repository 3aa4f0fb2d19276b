package fake

import (
	"strconv"
	"time"
)

// resolver computes a root field's value; it runs with s.mu held.
type resolver func(s *Server, f *field) (any, error)

var queryRoot = map[string]resolver{
	"shop":            (*Server).resolveShop,
	"locations":       (*Server).resolveLocations,
	"location":        (*Server).resolveLocation,
	"productVariants": (*Server).resolveProductVariants,
	"orders":          (*Server).resolveOrders,
	"order":           (*Server).resolveOrder,
	"ordersCount":     (*Server).resolveOrdersCount,
	// Bulk operations (bulk.go).
	"bulkOperation":        (*Server).resolveBulkOperation,
	"currentBulkOperation": (*Server).resolveCurrentBulkOperation,
}

var mutationRoot = map[string]resolver{
	"inventorySetQuantities": (*Server).resolveInventorySetQuantities,
	"bulkOperationRunQuery":  (*Server).resolveBulkOperationRunQuery,
	"bulkOperationCancel":    (*Server).resolveBulkOperationCancel,
}

func dateTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func (s *Server) resolveShop(*field) (any, error) {
	return object{
		"__typename": "Shop", "id": gid("Shop", 1), "name": s.opts.ShopName,
		"myshopifyDomain": "sandbox.myshopify.com", "currencyCode": "USD",
	}, nil
}

func (s *Server) resolveProductVariants(f *field) (any, error) {
	p, err := readPageArgs(f.args)
	if err != nil {
		return nil, err
	}
	page, more := pageAfter(s.variants, func(v *variant) int64 { return v.id }, p,
		func(v *variant) bool { return matches(p.query, v.updatedAt, v.updatedAt) })
	nodes, cursors := make([]object, len(page)), make([]string, len(page))
	for i, v := range page {
		nodes[i] = v.object(s.view())
		cursors[i] = encodeCursor(v.id)
	}
	return connection("ProductVariantConnection", nodes, cursors, p.hasAfter, more), nil
}

// shopView is what a variant's object needs from the shop: its address,
// under which the Online Store shows each product at /products/{handle}
// (onlineStoreUrl), and its primary location, where v.quantity is kept.
type shopView struct {
	storefront string
	primary    int64
}

func (s *Server) view() shopView {
	return shopView{storefront: s.storefrontURL(), primary: s.primaryID()}
}

// object is the variant as the API shows it.
func (v *variant) object(shop shopView) object {
	displayName := v.productTitle
	if v.title != defaultVariantTitle {
		displayName += " - " + v.title
	}
	return object{
		"__typename":        "ProductVariant",
		"id":                gid("ProductVariant", v.id),
		"legacyResourceId":  strconv.FormatInt(v.id, 10),
		"title":             v.title,
		"displayName":       displayName,
		"sku":               v.sku,
		"price":             v.price,
		"inventoryQuantity": v.total(),
		"createdAt":         dateTime(v.updatedAt),
		"updatedAt":         dateTime(v.updatedAt),
		"inventoryItem": object{
			"__typename": "InventoryItem", "id": gid("InventoryItem", v.id+inventoryItemOffset),
			"tracked": v.tracked, "sku": v.sku, "inventoryLevel": v.inventoryLevel(shop.primary),
		},
		"product": object{"__typename": "Product", "id": gid("Product", v.productID), "title": v.productTitle,
			"handle": v.handle(), "onlineStoreUrl": shop.storefront + "/products/" + v.handle()},
	}
}

func (s *Server) resolveOrders(f *field) (any, error) {
	p, err := readPageArgs(f.args)
	if err != nil {
		return nil, err
	}
	page, more := pageAfter(s.orders, func(o *storedOrder) int64 { return o.id }, p,
		func(o *storedOrder) bool { return matches(p.query, o.UpdatedAt, o.CreatedAt) })
	nodes, cursors := make([]object, len(page)), make([]string, len(page))
	for i, o := range page {
		nodes[i] = o.object()
		cursors[i] = encodeCursor(o.id)
	}
	return connection("OrderConnection", nodes, cursors, p.hasAfter, more), nil
}

// resolveOrdersCount counts the orders the search matches, up to limit
// (10,000 unless given; null for no limit), as Shopify's ordersCount does.
func (s *Server) resolveOrdersCount(f *field) (any, error) {
	var conds []condition
	if q, ok := f.args["query"].(string); ok {
		var err error
		if conds, err = parseSearch(q); err != nil {
			return nil, newError("argumentLiteralsIncompatible", "%v", err)
		}
	}
	limit := int64(10000)
	if v, given := f.args["limit"]; given {
		limit = -1
		if n, ok := toInt(v); ok {
			limit = int64(n)
		}
	}
	var n int64
	for _, o := range s.orders {
		if matches(conds, o.UpdatedAt, o.CreatedAt) {
			n++
		}
	}
	precision := "EXACT"
	if limit >= 0 && n > limit {
		n, precision = limit, "AT_LEAST"
	}
	return object{"__typename": "Count", "count": n, "precision": precision}, nil
}

func (s *Server) resolveOrder(f *field) (any, error) {
	id, _ := f.args["id"].(string)
	if o := s.orderByGID(id); o != nil {
		return o.object(), nil
	}
	return nil, nil
}

func (o *storedOrder) object() object {
	var cancelledAt any
	if !o.CancelledAt.IsZero() {
		cancelledAt = dateTime(o.CancelledAt)
	}
	lines := o.Lines
	var customer any
	if o.Customer != "" {
		customer = object{"__typename": "Customer", "displayName": o.Customer}
	}
	return object{
		"customer":                 customer,
		"__typename":               "Order",
		"id":                       o.ID,
		"name":                     o.Name,
		"createdAt":                dateTime(o.CreatedAt),
		"updatedAt":                dateTime(o.UpdatedAt),
		"cancelledAt":              cancelledAt,
		"currencyCode":             o.Currency,
		"displayFinancialStatus":   o.FinancialStatus,
		"displayFulfillmentStatus": o.FulfillmentStatus,
		"lineItems": lazy(func(args map[string]any) (any, error) {
			return lineItemConnection(lines, o.Currency, args)
		}),
	}
}

func lineItemConnection(lines []OrderLine, currency string, args map[string]any) (any, error) {
	p, err := readPageArgs(args)
	if err != nil {
		return nil, err
	}
	indexes := make([]int64, len(lines))
	for i := range lines {
		indexes[i] = int64(i)
	}
	if !p.hasAfter {
		p.after, p.hasAfter = -1, true
	}
	page, more := pageAfter(indexes, func(i int64) int64 { return i }, p, func(int64) bool { return true })
	nodes, cursors := make([]object, len(page)), make([]string, len(page))
	for i, idx := range page {
		nodes[i] = lineItemObject(lines[idx], currency)
		cursors[i] = encodeCursor(idx)
	}
	return connection("LineItemConnection", nodes, cursors, page != nil && page[0] > 0, more), nil
}

func lineItemObject(l OrderLine, currency string) object {
	var v any
	if l.VariantID != "" {
		v = object{"__typename": "ProductVariant", "id": l.VariantID}
	}
	money := object{"__typename": "MoneyV2", "amount": l.Price, "currencyCode": currency}
	return object{
		"__typename": "LineItem", "id": l.ID, "sku": l.SKU, "name": l.Name, "title": l.Name,
		"quantity": l.Quantity, "currentQuantity": l.Quantity, "variant": v,
		"originalUnitPriceSet": object{"__typename": "MoneyBag", "shopMoney": money, "presentmentMoney": money},
	}
}
