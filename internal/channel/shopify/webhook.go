package shopify

import (
	"encoding/json"
	"errors"
	"strings"

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
	CreatedAt         json.RawMessage `json:"created_at"`
	UpdatedAt         json.RawMessage `json:"updated_at"`
	CancelledAt       json.RawMessage `json:"cancelled_at"`
	Currency          string          `json:"currency"`
	FinancialStatus   string          `json:"financial_status"`
	FulfillmentStatus *string         `json:"fulfillment_status"`
	Customer          *struct {
		FirstName string `json:"first_name"`
		LastName  string `json:"last_name"`
		Email     string `json:"email"`
	} `json:"customer"`
	LineItems []struct {
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
// orders/cancelled delivery. It rewrites the REST shape as the GraphQL
// order FetchOrders receives and reads that with the same types and
// mapping, so an order has the same ids, status and lines whichever way it
// arrives.
func ParseWebhookOrder(body []byte) (channel.Order, error) {
	malformed := func(err error) (channel.Order, error) {
		return channel.Order{}, &channel.MalformedError{What: "shopify: webhook order", Err: err}
	}
	var w webhookOrder
	if err := json.Unmarshal(body, &w); err != nil {
		return malformed(err)
	}
	id := restGID("Order", w.GID, w.ID)
	if id == "" {
		return malformed(errors.New("the body has no order id"))
	}
	node := map[string]any{
		"id": id, "name": w.Name, "createdAt": w.CreatedAt, "updatedAt": w.UpdatedAt, "cancelledAt": w.CancelledAt,
		"currencyCode": w.Currency,
		// REST writes the GraphQL enums in lower case: "paid", "partially_refunded".
		"displayFinancialStatus": strings.ToUpper(w.FinancialStatus),
	}
	if w.FulfillmentStatus != nil {
		node["displayFulfillmentStatus"] = strings.ToUpper(*w.FulfillmentStatus)
	}
	if c := w.Customer; c != nil {
		name := strings.TrimSpace(c.FirstName + " " + c.LastName)
		if name == "" {
			name = c.Email
		}
		node["customer"] = map[string]any{"displayName": name}
	}
	lines := make([]map[string]any, len(w.LineItems))
	for i, l := range w.LineItems {
		price := l.Price
		if l.PriceSet != nil && len(l.PriceSet.ShopMoney.Amount) > 0 {
			price = l.PriceSet.ShopMoney.Amount
		}
		line := map[string]any{"id": restGID("LineItem", l.GID, l.ID), "name": l.Name, "quantity": l.Quantity,
			"originalUnitPriceSet": map[string]any{"shopMoney": map[string]any{"amount": rawOrNull(price)}}}
		if l.SKU != nil {
			line["sku"] = *l.SKU
		}
		if v := channel.RawText(l.VariantID); v != "" {
			line["variant"] = map[string]any{"id": gid("ProductVariant", v)}
		}
		lines[i] = line
	}
	node["lineItems"] = map[string]any{"nodes": lines}
	graphQL, err := json.Marshal(node)
	if err != nil {
		return malformed(err)
	}
	var n orderNode
	if err := json.Unmarshal(graphQL, &n); err != nil {
		return malformed(err)
	}
	return orderFrom(n, n.LineItems.Nodes, json.RawMessage(body)), nil
}

// rawOrNull keeps a JSON value as sent, null when nothing was.
func rawOrNull(raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 {
		return json.RawMessage("null")
	}
	return raw
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
