package fake

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"

	"stocksync/internal/channel/internal/fakekit"
)

// Webhook is an address the fake delivers order webhooks to, with the
// webhook's secret it signs them with.
type Webhook = fakekit.Webhook

// Delivery is a webhook delivery the fake sent and its answer.
type Delivery = fakekit.Delivery

// deliverOrder sends an order webhook as WooCommerce does after an order
// changed: the order as GET returns it, signed, with WooCommerce's
// headers. Callers hold s.mu.
func (s *Server) deliverOrder(topic string, o *Order) {
	if !s.HasWebhooks() {
		return
	}
	body, err := json.Marshal(renderOrder(o))
	if err != nil {
		panic(err) // maps of strings and numbers always marshal
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("User-Agent", "WooCommerce/9.4.0 Hookshot (WordPress/6.7)")
	h.Set("X-WC-Webhook-Source", s.http.URL+"/")
	h.Set("X-WC-Webhook-Topic", topic)
	h.Set("X-WC-Webhook-Resource", "order")
	_, event, _ := strings.Cut(topic, ".")
	h.Set("X-WC-Webhook-Event", event)
	h.Set("X-WC-Webhook-ID", "1")
	h.Set("X-WC-Webhook-Delivery-ID", deliveryID())
	s.Deliver(topic, body, h, "X-WC-Webhook-Signature")
}

// Ping sends what WooCommerce sends when a webhook is created: an
// unsigned form "webhook_id=1".
func (s *Server) Ping() {
	h := http.Header{}
	h.Set("Content-Type", "application/x-www-form-urlencoded")
	h.Set("X-WC-Webhook-Source", s.http.URL+"/")
	s.Deliver("ping", []byte("webhook_id=1"), h, "")
}

func deliveryID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
