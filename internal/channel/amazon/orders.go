package amazon

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"time"

	"stocksync/internal/channel"
)

const (
	ordersPageSize = 100 // getOrders' MaxResultsPerPage maximum
	// firstImport is how far back a channel's first order import reaches:
	// getOrders needs a date, and older orders are settled already.
	firstImport = 30 * 24 * time.Hour
	// lastUpdatedLag: Amazon takes a LastUpdatedBefore only when it is at
	// least two minutes old, a sign its order index lags that much; the
	// window never starts later than that, so a late-indexed change is read.
	lastUpdatedLag = 2 * time.Minute
)

// pendingStatuses are orders Amazon has not confirmed (payment not
// authorised): they may still vanish, so they are left out and commit no
// stock until they are Unshipped, which changes their LastUpdateDate and
// brings them into the next sync.
var pendingStatuses = map[string]bool{"Pending": true, "PendingAvailability": true, "PENDING": true, "PENDING_AVAILABILITY": true}

// cancelledStatuses will not ship. Orders API v0 writes "Canceled", the
// 2026-01-01 API "CANCELLED"; both are read, whatever the case.
func cancelledStatus(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "canceled", "cancelled", "unfulfillable":
		return true
	}
	return false
}

// shippedStatus: every unit has left. PartiallyShipped is not: Amazon
// still has units of the order to send.
func shippedStatus(s string) bool {
	return strings.EqualFold(strings.TrimSpace(s), "shipped")
}

// FetchOrders returns one page of orders changed after since (the last 30
// days when since is zero), each with its items, which cost one
// getOrderItems call per order: at its 0.5 calls a second that is about
// 1,800 orders an hour once its burst of 30 is spent.
func (c *Client) FetchOrders(ctx context.Context, since time.Time, cursor string) (channel.OrderPage, error) {
	q := url.Values{"MarketplaceIds": {strings.Join(c.marketplaces, ",")}}
	if cursor != "" {
		q.Set("NextToken", cursor)
	} else {
		latest := c.now().Add(-lastUpdatedLag)
		if since.IsZero() {
			since = c.now().Add(-firstImport)
		}
		if since.After(latest) {
			since = latest
		}
		q.Set("LastUpdatedAfter", isoTime(since))
		q.Set("MaxResultsPerPage", fmt.Sprint(ordersPageSize))
	}
	what := "orders page"
	resp, err := c.call(ctx, opGetOrders, what, http.MethodGet, "/orders/v0/orders", q, nil)
	if err != nil {
		return channel.OrderPage{}, err
	}
	var page ordersPayload
	if err := decode(what, resp, &page); err != nil {
		return channel.OrderPage{}, err
	}
	out := channel.OrderPage{NextCursor: page.Payload.NextToken, HasMore: page.Payload.NextToken != ""}
	for _, raw := range page.Payload.Orders {
		var o order
		if err := json.Unmarshal(raw, &o); err != nil {
			return channel.OrderPage{}, &channel.MalformedError{What: "amazon: " + what, Err: err}
		}
		if pendingStatuses[o.OrderStatus] {
			continue
		}
		items, err := c.orderItems(ctx, o.AmazonOrderID)
		if err != nil {
			return channel.OrderPage{}, err
		}
		out.Orders = append(out.Orders, orderFrom(o, items, raw))
	}
	return out, nil
}

// orderItems reads every item of one order.
func (c *Client) orderItems(ctx context.Context, orderID string) ([]orderItem, error) {
	var all []orderItem
	q := url.Values{}
	for {
		what := "items of order " + orderID
		resp, err := c.call(ctx, opGetOrderItems, what, http.MethodGet, "/orders/v0/orders/"+url.PathEscape(orderID)+"/orderItems", q, nil)
		if err != nil {
			return nil, err
		}
		var page orderItemsPayload
		if err := decode(what, resp, &page); err != nil {
			return nil, err
		}
		all = append(all, page.Payload.OrderItems...)
		if page.Payload.NextToken == "" {
			return all, nil
		}
		q = url.Values{"NextToken": {page.Payload.NextToken}}
	}
}

func orderFrom(o order, items []orderItem, raw json.RawMessage) channel.Order {
	out := channel.Order{
		ExternalID: o.AmazonOrderID,
		Number:     o.AmazonOrderID,
		Status:     o.OrderStatus,
		CreatedAt:  amazonTime(o.PurchaseDate),
		UpdatedAt:  amazonTime(o.LastUpdateDate),
		Cancelled:  cancelledStatus(o.OrderStatus),
		// The order's own FulfillmentChannel decides, not its listings':
		// a listing may be both, and each order is shipped by one.
		FulfilledByChannel: strings.EqualFold(strings.TrimSpace(o.FulfillmentChannel), "AFN"),
		Raw:                raw,
	}
	out.ShippedByChannel = out.FulfilledByChannel && shippedStatus(o.OrderStatus)
	if o.OrderTotal != nil {
		out.Currency = o.OrderTotal.CurrencyCode
	}
	if o.BuyerInfo != nil {
		out.Customer = o.BuyerInfo.BuyerName
		if out.Customer == "" {
			out.Customer = o.BuyerInfo.BuyerEmail
		}
	}
	for _, it := range items {
		qty, price := it.QuantityOrdered, ""
		if it.ItemPrice != nil {
			price = unitPrice(it.ItemPrice.Amount, qty)
			if out.Currency == "" {
				out.Currency = it.ItemPrice.CurrencyCode
			}
		}
		if qty == 0 && out.Cancelled {
			// A cancelled order's items may come back with nothing
			// ordered; one unit that commits nothing keeps the line.
			qty, price = 1, "0"
		}
		line := channel.OrderLine{ExternalID: it.OrderItemID, SKU: it.SellerSKU, Name: it.Title, Quantity: qty, UnitPrice: price}
		if it.SellerSKU != "" && o.MarketplaceID != "" {
			line.ListingExternalID = o.MarketplaceID + "/" + it.SellerSKU
		}
		out.Lines = append(out.Lines, line)
	}
	return out
}

// unitPrice divides ItemPrice, the line total, by the quantity, exactly,
// to the places the total was written with (rounding half away from zero
// when it does not divide). An amount that is not a number is passed on
// for the importer to report.
func unitPrice(total string, qty int) string {
	total = strings.TrimSpace(total)
	if qty <= 1 || total == "" {
		return total
	}
	r, ok := new(big.Rat).SetString(total)
	if !ok {
		return total
	}
	places := 0
	if _, frac, found := strings.Cut(total, "."); found {
		places = len(frac)
	}
	r.Quo(r, new(big.Rat).SetInt64(int64(qty)))
	return r.FloatString(places)
}
