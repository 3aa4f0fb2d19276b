package etsy

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"stocksync/internal/channel"
)

// cancelledStatuses are receipt statuses whose goods will not ship.
var cancelledStatuses = map[string]bool{"canceled": true, "cancelled": true, "fully refunded": true}

// FetchOrders returns one page of receipts changed after since (Etsy's
// min_last_modified, in whole seconds, so the second of since is read
// again rather than missed), oldest first so that offsets stay put while
// new receipts arrive. The cursor is the offset.
func (c *Client) FetchOrders(ctx context.Context, since time.Time, cursor string) (channel.OrderPage, error) {
	offset, err := channel.OffsetCursor("etsy", "order", cursor)
	if err != nil {
		return channel.OrderPage{}, err
	}
	q := url.Values{"limit": {strconv.Itoa(pageSize)}, "offset": {strconv.Itoa(offset)}, "sort_on": {"created"}, "sort_order": {"asc"}}
	if !since.IsZero() {
		q.Set("min_last_modified", strconv.FormatInt(max(since.Unix(), minTimestamp), 10))
	}
	what := fmt.Sprintf("receipts from offset %d", offset)
	resp, err := c.call(ctx, what, http.MethodGet, "/shops/"+c.shopID+"/receipts", q, nil)
	if err != nil {
		return channel.OrderPage{}, err
	}
	var page listingsPage // {count, results}, as every Etsy collection
	if err := decode(what, resp, &page); err != nil {
		return channel.OrderPage{}, err
	}
	out := channel.OrderPage{Orders: make([]channel.Order, len(page.Results))}
	next := offset + len(page.Results)
	if out.HasMore = len(page.Results) > 0 && next < page.Count; out.HasMore {
		out.NextCursor = strconv.Itoa(next)
	}
	for i, raw := range page.Results {
		var r receipt
		if err := json.Unmarshal(raw, &r); err != nil {
			return channel.OrderPage{}, &channel.MalformedError{What: "etsy: " + what, Err: err}
		}
		out.Orders[i] = orderFrom(r, raw)
	}
	return out, nil
}

// minTimestamp is the earliest min_last_modified Etsy accepts (2000-01-01).
const minTimestamp = 946684800

func orderFrom(r receipt, raw json.RawMessage) channel.Order {
	id := strconv.FormatInt(r.ReceiptID, 10)
	customer := strings.TrimSpace(text(r.Name))
	if customer == "" {
		customer = r.BuyerEmail
	}
	o := channel.Order{
		ExternalID: id, Number: id, Status: r.Status, Currency: r.GrandTotal.CurrencyCode,
		Customer: customer, CreatedAt: unixTime(r.CreateTime), UpdatedAt: unixTime(r.UpdateTime),
		Cancelled: cancelledStatuses[strings.ToLower(r.Status)], Raw: raw,
		Lines: make([]channel.OrderLine, len(r.Transactions)),
	}
	for i, t := range r.Transactions {
		line := channel.OrderLine{
			ExternalID: strconv.FormatInt(t.TransactionID, 10), SKU: t.SKU,
			Name: transactionName(t), Quantity: t.Quantity, UnitPrice: t.Price.decimal(),
		}
		if t.ListingID > 0 {
			line.ListingExternalID = transactionKey(t)
		}
		if o.Currency == "" {
			o.Currency = t.Price.CurrencyCode
		}
		o.Lines[i] = line
	}
	return o
}

// transactionKey is the productKey of what a transaction sold, from the
// property values the buyer chose (personalisation has no value ID and
// names no product).
func transactionKey(t transaction) string {
	vs := append([]variation(nil), t.Variations...)
	sort.SliceStable(vs, func(i, j int) bool { return vs[i].PropertyID < vs[j].PropertyID })
	var pvs []propertyValue
	for _, v := range vs {
		if v.ValueID != nil && *v.ValueID > 0 {
			pvs = append(pvs, propertyValue{PropertyID: v.PropertyID, ValueIDs: []int64{*v.ValueID}})
		}
	}
	return productKey(t.ListingID, pvs)
}

func transactionName(t transaction) string {
	var values []string
	for _, v := range t.Variations {
		if v.ValueID != nil && *v.ValueID > 0 && v.FormattedValue != "" {
			values = append(values, text(v.FormattedValue))
		}
	}
	if len(values) == 0 {
		return text(t.Title)
	}
	return text(t.Title) + " - " + strings.Join(values, ", ")
}
