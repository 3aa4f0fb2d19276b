package woocommerce

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/url"
	"strings"

	"stocksync/internal/channel"
)

// webhookFormat: WooCommerce sends the resource as GET returns it, signed
// with the webhook's secret. Cancelling or refunding an order arrives as
// order.updated with the new status.
var webhookFormat = &channel.WebhookFormat{
	SignatureHeader: "X-WC-Webhook-Signature",
	DeliveryHeader:  "X-WC-Webhook-Delivery-ID",
	TopicHeader:     "X-WC-Webhook-Topic",
	OrderTopics:     []string{"order.created", "order.updated", "order.restored"},
	ParseOrder:      ParseWebhookOrder,
	IsPing:          isPing,
}

// ParseWebhookOrder reads the body of an order webhook: the order as
// GET /orders/{id} returns it, read as FetchOrders reads each order.
func ParseWebhookOrder(body []byte) (channel.Order, error) {
	var o order
	if err := json.Unmarshal(body, &o); err != nil {
		return channel.Order{}, &channel.MalformedError{What: "woocommerce: webhook order", Err: err}
	}
	if o.ID == 0 {
		return channel.Order{}, &channel.MalformedError{What: "woocommerce: webhook order", Err: errors.New("the body has no order id")}
	}
	return orderFrom(o, json.RawMessage(body)), nil
}

// isPing tells the delivery WooCommerce sends when a webhook is created: a
// form body "webhook_id=N" without a signature.
func isPing(contentType string, body []byte) bool {
	if !strings.HasPrefix(contentType, "application/x-www-form-urlencoded") || bytes.HasPrefix(bytes.TrimSpace(body), []byte("{")) {
		return false
	}
	v, err := url.ParseQuery(string(body))
	return err == nil && v.Get("webhook_id") != ""
}
