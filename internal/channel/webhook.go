package channel

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
)

// WebhookSecretField is the credential that holds a channel's webhook
// secret. It is optional: a channel without one refuses every delivery.
const WebhookSecretField = "webhook_secret"

// WebhookFormat is how a kind of channel delivers webhooks: both Shopify and
// WooCommerce sign the raw body with a base64 HMAC-SHA256 in a header.
type WebhookFormat struct {
	SignatureHeader string
	DeliveryHeader  string // the id the channel gives each delivery (the same on a retry)
	TopicHeader     string
	// OrderTopics are the topics whose body is one order: created,
	// updated, cancelled.
	OrderTopics []string
	// ParseOrder reads an order delivery's body with the code that reads
	// the orders of FetchOrders, so that an order arrives the same either way.
	ParseOrder func(body []byte) (Order, error)
	// IsPing tells an unsigned delivery that only checks the address
	// (WooCommerce sends one when a webhook is created); nil: none.
	IsPing func(contentType string, body []byte) bool
}

// IsOrderTopic tells whether a delivery of this topic carries an order.
func (f *WebhookFormat) IsOrderTopic(topic string) bool {
	for _, t := range f.OrderTopics {
		if t == topic {
			return true
		}
	}
	return false
}

// SignWebhook is the signature both channels send: base64 of the
// HMAC-SHA256 of the raw body under the secret.
func SignWebhook(body []byte, secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// ValidWebhookSignature checks a signature in constant time. A blank secret
// never validates, so a channel without one accepts nothing.
func ValidWebhookSignature(body []byte, secret, signature string) bool {
	want := SignWebhook(body, secret)
	return hmac.Equal([]byte(want), []byte(signature)) && secret != "" && signature != ""
}
