package fake

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"stocksync/internal/channel/internal/fakekit"
)

// Webhook is an address the fake delivers order webhooks to, with the
// app's client secret it signs them with.
type Webhook = fakekit.Webhook

// Delivery is a webhook delivery the fake sent and its answer.
type Delivery = fakekit.Delivery

// deliverOrder sends an order webhook, as Shopify does after the order
// changed: the REST shape of the order, signed, with Shopify's headers.
// Callers hold s.mu.
func (s *Server) deliverOrder(topic string, o *storedOrder) {
	if !s.HasWebhooks() {
		return
	}
	body, err := json.Marshal(restOrder(o))
	if err != nil {
		panic(err) // maps of strings and numbers always marshal
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("X-Shopify-Topic", topic)
	h.Set("X-Shopify-Shop-Domain", strings.ToLower(strings.ReplaceAll(s.opts.ShopName, " ", "-"))+".myshopify.com")
	h.Set("X-Shopify-API-Version", APIVersion)
	h.Set("X-Shopify-Webhook-Id", uuid())
	h.Set("X-Shopify-Event-Id", uuid())
	h.Set("X-Shopify-Triggered-At", s.now().UTC().Format(time.RFC3339Nano))
	s.Deliver(topic, body, h, "X-Shopify-Hmac-Sha256")
}

// restOrder is an order as Shopify's webhooks carry it: the REST resource,
// snake_case, with numeric ids beside their GIDs and lower-case statuses.
func restOrder(o *storedOrder) map[string]any {
	lines := make([]map[string]any, len(o.Lines))
	for i, l := range o.Lines {
		var variantID any
		if id, ok := parseGID("ProductVariant", l.VariantID); ok {
			variantID = id
		}
		money := map[string]any{"amount": l.Price, "currency_code": o.Currency}
		lines[i] = map[string]any{
			"id": mustGID("LineItem", l.ID), "admin_graphql_api_id": l.ID, "variant_id": variantID,
			"sku": l.SKU, "name": l.Name, "title": l.Name, "quantity": l.Quantity, "price": l.Price,
			"price_set": map[string]any{"shop_money": money, "presentment_money": money},
		}
	}
	var cancelled, fulfillment any
	if !o.CancelledAt.IsZero() {
		cancelled = o.CancelledAt.Format(time.RFC3339)
	}
	if o.FulfillmentStatus != "UNFULFILLED" {
		fulfillment = strings.ToLower(o.FulfillmentStatus)
	}
	out := map[string]any{
		"id": o.id, "admin_graphql_api_id": o.ID, "name": o.Name, "currency": o.Currency,
		"created_at": o.CreatedAt.Format(time.RFC3339), "updated_at": o.UpdatedAt.Format(time.RFC3339),
		"cancelled_at": cancelled, "financial_status": strings.ToLower(o.FinancialStatus),
		"fulfillment_status": fulfillment, "line_items": lines,
	}
	// The buyer, as the order's GraphQL object has them.
	if c, ok := o.object()["customer"].(object); ok {
		first, last, _ := strings.Cut(fmt.Sprint(c["displayName"]), " ")
		out["customer"] = map[string]any{"first_name": first, "last_name": last, "email": ""}
	}
	return out
}

func uuid() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6], b[8] = b[6]&0x0f|0x40, b[8]&0x3f|0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
