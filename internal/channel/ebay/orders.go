package ebay

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"stocksync/internal/channel"
)

// orderWindow is how far back the Fulfillment API is asked for orders: by
// default getOrders answers the last 90 days, and a sync that has been
// away longer cannot import older changes anyway.
const orderWindow = 90 * 24 * time.Hour

// clockMargin keeps the filter's end behind eBay's clock: getOrders
// refuses an end in the future (error 30850), and a clock a little ahead
// of eBay's would fail every import. What changes in the margin is read by
// the next sync, whose filter starts two minutes before this one began.
const clockMargin = 10 * time.Second

// ebayTime is how eBay writes and takes timestamps: UTC, milliseconds.
const ebayTime = "2006-01-02T15:04:05.000Z"

// FetchOrders returns one page of the orders modified after since (or in
// the last 90 days), oldest offset first. The filter's end is fixed when
// the first page is read and travels in the cursor, so orders changing
// while the pages are read do not shift them; the next sync picks those up.
func (c *Client) FetchOrders(ctx context.Context, since time.Time, cursor string) (channel.OrderPage, error) {
	offset, until, err := orderCursor(cursor)
	if err != nil {
		return channel.OrderPage{}, err
	}
	if until.IsZero() {
		until = c.now().UTC().Add(-clockMargin)
	}
	if floor := until.Add(-orderWindow).Add(time.Minute); since.Before(floor) {
		since = floor
	}
	filter := "lastmodifieddate:[" + since.UTC().Format(ebayTime) + ".." + until.Format(ebayTime) + "]"
	what := "orders from " + strconv.Itoa(offset)
	q := url.Values{"filter": {filter}, "limit": {strconv.Itoa(pageSize)}, "offset": {strconv.Itoa(offset)}}
	resp, err := c.call(ctx, what, http.MethodGet, ordersPath+"/order", q, nil)
	if err != nil {
		return channel.OrderPage{}, err
	}
	var page ordersPage
	if err := decode(what, resp, &page); err != nil {
		return channel.OrderPage{}, err
	}
	next, err := nextOffset(what, page.Next)
	if err != nil {
		return channel.OrderPage{}, err
	}
	out := channel.OrderPage{Orders: make([]channel.Order, len(page.Orders)), HasMore: next != ""}
	if out.HasMore {
		out.NextCursor = next + "@" + until.Format(ebayTime)
	}
	for i, raw := range page.Orders {
		var o order
		if err := json.Unmarshal(raw, &o); err != nil {
			return channel.OrderPage{}, &channel.MalformedError{What: "ebay: " + what, Err: err}
		}
		out.Orders[i] = orderFrom(o, raw, c.marketplace)
	}
	return out, nil
}

func orderCursor(cursor string) (int, time.Time, error) {
	if cursor == "" {
		return 0, time.Time{}, nil
	}
	off, at, ok := strings.Cut(cursor, "@")
	n, err := strconv.Atoi(off)
	t, terr := time.Parse(ebayTime, at)
	if !ok || err != nil || n < 0 || terr != nil {
		return 0, time.Time{}, fmt.Errorf("ebay: the order cursor %q is not an offset and time; start the sync again", cursor)
	}
	return n, t, nil
}

func orderFrom(o order, raw json.RawMessage, marketplace string) channel.Order {
	out := channel.Order{
		ExternalID: o.OrderID, Number: o.OrderID, Status: o.OrderFulfillmentStatus,
		Currency:  o.PricingSummary.Total.Currency,
		CreatedAt: parseTime(o.CreationDate), UpdatedAt: parseTime(o.LastModifiedDate),
		Cancelled: o.CancelStatus.CancelState == "CANCELED" || o.OrderPaymentStatus == "FULLY_REFUNDED",
		Customer:  o.Buyer.BuyerRegistrationAddress.FullName,
		Lines:     make([]channel.OrderLine, len(o.LineItems)),
		Raw:       raw,
	}
	if out.Customer == "" {
		out.Customer = o.Buyer.Username
	}
	if out.Cancelled {
		out.Status = "CANCELED"
	}
	for i, l := range o.LineItems {
		line := channel.OrderLine{ExternalID: l.LineItemID, SKU: l.SKU, Name: l.Title, Quantity: l.Quantity,
			UnitPrice: unitPrice(channel.RawText(l.LineItemCost.Value), l.Quantity)}
		if l.SKU != "" {
			market := l.ListingMarketplaceID
			if market == "" {
				market = marketplace
			}
			line.ListingExternalID = market + ":" + l.SKU
		}
		out.Lines[i] = line
	}
	return out
}

// unitPrice derives the price of one unit from eBay's lineItemCost, which
// is the line's total (price × quantity, before discounts), to as many
// decimals as the total has and at least two. A total that is not a
// number is passed on as sent, for the importer to report.
func unitPrice(total string, qty int) string {
	r, ok := new(big.Rat).SetString(strings.TrimSpace(total))
	if !ok || qty <= 0 || strings.ContainsAny(total, "eE/") {
		return total
	}
	decimals := 2
	if _, frac, found := strings.Cut(total, "."); found && len(frac) > decimals {
		decimals = len(frac)
	}
	return r.Quo(r, new(big.Rat).SetInt64(int64(qty))).FloatString(decimals)
}

func parseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}
