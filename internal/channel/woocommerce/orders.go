package woocommerce

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"stocksync/internal/channel"
)

// cancelledStatuses are the statuses in which an order will not ship.
var cancelledStatuses = map[string]bool{"cancelled": true, "refunded": true, "failed": true, "trash": true}

// FetchOrders returns one page of orders changed after since, lowest ID
// first: ordering by modification date would move an order that changes
// during the sync to the end and shift the pages under it, so one order
// would be skipped.
func (c *Client) FetchOrders(ctx context.Context, since time.Time, cursor string) (channel.OrderPage, error) {
	page, err := pageNumber("order", cursor)
	if err != nil {
		return channel.OrderPage{}, err
	}
	what := fmt.Sprintf("orders page %d", page)
	resp, err := c.call(ctx, what, http.MethodGet, "/orders", listQuery(page, since, orderFields), nil)
	if err != nil {
		return channel.OrderPage{}, err
	}
	var raws []json.RawMessage
	if err := decode(what, resp, &raws); err != nil {
		return channel.OrderPage{}, err
	}
	out := channel.OrderPage{Orders: make([]channel.Order, len(raws))}
	out.HasMore, _ = pagesLeft(resp, page, len(raws))
	if out.HasMore {
		out.NextCursor = strconv.Itoa(page + 1)
	}
	for i, raw := range raws {
		var o order
		if err := json.Unmarshal(raw, &o); err != nil {
			return channel.OrderPage{}, &channel.MalformedError{What: "woocommerce: " + what, Err: err}
		}
		out.Orders[i] = orderFrom(o, raw)
	}
	return out, nil
}

func orderFrom(o order, raw json.RawMessage) channel.Order {
	out := channel.Order{
		ExternalID: strconv.Itoa(o.ID),
		Number:     o.Number,
		Status:     o.Status,
		Currency:   o.Currency,
		CreatedAt:  gmtTime(o.DateCreatedGMT),
		UpdatedAt:  gmtTime(o.DateModifiedGMT),
		Cancelled:  cancelledStatuses[o.Status],
		Customer:   billingName(o),
		Lines:      make([]channel.OrderLine, len(o.LineItems)),
		Raw:        raw,
	}
	for i, l := range o.LineItems {
		line := channel.OrderLine{
			ExternalID: strconv.Itoa(l.ID),
			SKU:        l.SKU,
			Name:       l.Name,
			Quantity:   l.Quantity,
			UnitPrice:  channel.RawText(l.Price),
		}
		switch {
		case l.ProductID != 0 && l.VariationID != 0:
			line.ListingExternalID = strconv.Itoa(l.ProductID) + "/" + strconv.Itoa(l.VariationID)
		case l.ProductID != 0:
			line.ListingExternalID = strconv.Itoa(l.ProductID)
		}
		out.Lines[i] = line
	}
	return out
}

// billingName is who the order bills: a person's name, else the company,
// else the e-mail address.
func billingName(o order) string {
	b := o.Billing
	if n := strings.TrimSpace(b.FirstName + " " + b.LastName); n != "" {
		return n
	}
	if b.Company != "" {
		return b.Company
	}
	return b.Email
}
