package shopify

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"stocksync/internal/channel"
)

type orderNode struct {
	ID                       string     `json:"id"`
	Name                     string     `json:"name"`
	CreatedAt                time.Time  `json:"createdAt"`
	UpdatedAt                time.Time  `json:"updatedAt"`
	CancelledAt              *time.Time `json:"cancelledAt"`
	CurrencyCode             string     `json:"currencyCode"`
	DisplayFinancialStatus   string     `json:"displayFinancialStatus"`
	DisplayFulfillmentStatus string     `json:"displayFulfillmentStatus"`
	Customer                 *struct {
		DisplayName string `json:"displayName"`
	} `json:"customer"`
	LineItems lineItemConnection `json:"lineItems"`
}

type lineItemConnection struct {
	Nodes    []lineItemNode `json:"nodes"`
	PageInfo pageInfo       `json:"pageInfo"`
}

type lineItemNode struct {
	ID       string `json:"id"`
	SKU      string `json:"sku"`
	Name     string `json:"name"`
	Quantity int    `json:"quantity"`
	Variant  *struct {
		ID string `json:"id"`
	} `json:"variant"`
	OriginalUnitPriceSet struct {
		ShopMoney struct {
			Amount json.RawMessage `json:"amount"`
		} `json:"shopMoney"`
	} `json:"originalUnitPriceSet"`
}

// FetchOrders returns one page of orders changed after since. Orders with
// more lines than fit in the page query get the rest fetched one order at a
// time, so an order is never returned with lines missing.
func (c *Client) FetchOrders(ctx context.Context, since time.Time, cursor string) (channel.OrderPage, error) {
	var out struct {
		Orders struct {
			Nodes    []json.RawMessage `json:"nodes"`
			PageInfo pageInfo          `json:"pageInfo"`
		} `json:"orders"`
	}
	vars := pageVariables(ordersPageSize, since, cursor)
	vars["lineItems"] = lineItemsPerOrder
	if err := c.graphql(ctx, "orders page", ordersQuery, vars, &out); err != nil {
		return channel.OrderPage{}, err
	}
	page := channel.OrderPage{Orders: make([]channel.Order, len(out.Orders.Nodes))}
	for i, raw := range out.Orders.Nodes {
		var n orderNode
		if err := json.Unmarshal(raw, &n); err != nil {
			return channel.OrderPage{}, &channel.MalformedError{What: "shopify: orders page", Err: err}
		}
		lines := n.LineItems.Nodes
		if n.LineItems.PageInfo.HasNextPage {
			more, err := c.remainingLineItems(ctx, n.ID, n.LineItems.PageInfo.EndCursor)
			if err != nil {
				return channel.OrderPage{}, err
			}
			lines = append(lines, more...)
		}
		page.Orders[i] = orderFrom(n, lines, raw)
	}
	if out.Orders.PageInfo.HasNextPage {
		page.HasMore, page.NextCursor = true, out.Orders.PageInfo.EndCursor
	}
	return page, nil
}

func (c *Client) remainingLineItems(ctx context.Context, orderID, after string) ([]lineItemNode, error) {
	var lines []lineItemNode
	for {
		var out struct {
			Order *struct {
				LineItems lineItemConnection `json:"lineItems"`
			} `json:"order"`
		}
		vars := map[string]any{"id": orderID, "first": moreLineItemsPageSize, "after": after}
		if err := c.graphql(ctx, "line items of order "+orderID, orderLineItemsQuery, vars, &out); err != nil {
			return nil, err
		}
		if out.Order == nil {
			return nil, fmt.Errorf("shopify: line items of order %s: the order disappeared while its lines were read; sync again", orderID)
		}
		lines = append(lines, out.Order.LineItems.Nodes...)
		if !out.Order.LineItems.PageInfo.HasNextPage {
			return lines, nil
		}
		after = out.Order.LineItems.PageInfo.EndCursor
	}
}

// orderFrom maps an order. Status is Shopify's financial status (PAID,
// REFUNDED …): Shopify has no single lifecycle status, and cancellation is
// carried by Cancelled.
func orderFrom(n orderNode, lines []lineItemNode, raw json.RawMessage) channel.Order {
	o := channel.Order{
		ExternalID: n.ID,
		Number:     n.Name,
		Status:     n.DisplayFinancialStatus,
		Currency:   n.CurrencyCode,
		CreatedAt:  n.CreatedAt,
		UpdatedAt:  n.UpdatedAt,
		Cancelled:  n.CancelledAt != nil,
		Lines:      make([]channel.OrderLine, len(lines)),
		Customer:   customerName(n),
		Raw:        raw,
	}
	for i, l := range lines {
		line := channel.OrderLine{
			ExternalID: l.ID,
			SKU:        l.SKU,
			Name:       l.Name,
			Quantity:   l.Quantity,
			UnitPrice:  channel.RawText(l.OriginalUnitPriceSet.ShopMoney.Amount),
		}
		if l.Variant != nil {
			line.ListingExternalID = l.Variant.ID
		}
		o.Lines[i] = line
	}
	return o
}

func customerName(n orderNode) string {
	if n.Customer == nil {
		return ""
	}
	return n.Customer.DisplayName
}
