package shopify

import (
	"encoding/json"
	"errors"
	"strings"
	"time"

	"stocksync/internal/channel"
)

// webhookFormat: Shopify signs each delivery with the app's client secret
// and sends the order in the REST resource's shape (snake_case, numeric
// ids beside their GIDs), also for apps that read with GraphQL.
var webhookFormat = &channel.WebhookFormat{
	SignatureHeader: "X-Shopify-Hmac-Sha256",
	DeliveryHeader:  "X-Shopify-Webhook-Id",
	TopicHeader:     "X-Shopify-Topic",
	OrderTopics:     []string{"orders/create", "orders/updated", "orders/cancelled"},
	ParseOrder:      ParseWebhookOrder,
}

// webhookOrder is an order as a webhook carries it.
type webhookOrder struct {
	ID                json.RawMessage `json:"id"`
	GID               string          `json:"admin_graphql_api_id"`
	Name              string          `json:"name"`
	CreatedAt         time.Time       `json:"created_at"`
	UpdatedAt         time.Time       `json:"updated_at"`
	CancelledAt       *time.Time      `json:"cancelled_at"`
	Currency          string          `json:"currency"`
	FinancialStatus   string          `json:"financial_status"`
	FulfillmentStatus *string         `json:"fulfillment_status"`
	LineItems         []struct {
		ID        json.RawMessage `json:"id"`
		GID       string          `json:"admin_graphql_api_id"`
		VariantID json.RawMessage `json:"variant_id"`
		SKU       *string         `json:"sku"`
		Name      string          `json:"name"`
		Quantity  int             `json:"quantity"`
		Price     json.RawMessage `json:"price"`
		PriceSet  *struct {
			ShopMoney struct {
				Amount json.RawMessage `json:"amount"`
			} `json:"shop_money"`
		} `json:"price_set"`
	} `json:"line_items"`
}

// ParseWebhookOrder reads the body of an orders/create, orders/updated or
// orders/cancelled delivery. It turns the REST shape into the GraphQL
// order FetchOrders reads and maps it with the same code, so an order has
// the same ids, status and lines whichever way it arrives.
func ParseWebhookOrder(body []byte) (channel.Order, error) {
	var w webhookOrder
	if err := json.Unmarshal(body, &w); err != nil {
		return channel.Order{}, &channel.MalformedError{What: "shopify: webhook order", Err: err}
	}
	n := orderNode{
		ID: restGID("Order", w.GID, w.ID), Name: w.Name, CreatedAt: w.CreatedAt, UpdatedAt: w.UpdatedAt,
		CancelledAt: w.CancelledAt, CurrencyCode: w.Currency,
		// REST writes the GraphQL enum in lower case: "paid", "partially_refunded".
		DisplayFinancialStatus: strings.ToUpper(w.FinancialStatus),
	}
	if n.ID == "" {
		return channel.Order{}, &channel.MalformedError{What: "shopify: webhook order", Err: errors.New("the body has no order id")}
	}
	if w.FulfillmentStatus != nil {
		n.DisplayFulfillmentStatus = strings.ToUpper(*w.FulfillmentStatus)
	}
	lines := make([]lineItemNode, len(w.LineItems))
	for i, l := range w.LineItems {
		line := lineItemNode{ID: restGID("LineItem", l.GID, l.ID), Name: l.Name, Quantity: l.Quantity}
		if l.SKU != nil {
			line.SKU = *l.SKU
		}
		if v := channel.RawText(l.VariantID); v != "" {
			line.Variant = &struct {
				ID string `json:"id"`
			}{ID: gid("ProductVariant", v)}
		}
		line.OriginalUnitPriceSet.ShopMoney.Amount = l.Price
		if l.PriceSet != nil && len(l.PriceSet.ShopMoney.Amount) > 0 {
			line.OriginalUnitPriceSet.ShopMoney.Amount = l.PriceSet.ShopMoney.Amount
		}
		lines[i] = line
	}
	return orderFrom(n, lines, json.RawMessage(body)), nil
}

// restGID is a record's GID: as sent beside the numeric id, else built
// from it.
func restGID(typ, sent string, id json.RawMessage) string {
	if sent != "" {
		return sent
	}
	if n := channel.RawText(id); n != "" {
		return gid(typ, n)
	}
	return ""
}

func gid(typ, id string) string { return "gid://shopify/" + typ + "/" + id }
