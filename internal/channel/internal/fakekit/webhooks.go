package fakekit

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"sync"
	"time"
)

// Webhook is an address a fake delivers webhooks to, and the secret it
// signs them with.
type Webhook struct {
	URL, Secret string
}

// Delivery is one webhook delivery a fake sent, and how it was answered.
type Delivery struct {
	URL    string
	Topic  string
	Header http.Header
	Status int   // 0 when no answer came
	Err    error // the failure to deliver, if any
}

// Webhooks sends a fake's webhook deliveries: each to every registered
// address, in the background as a channel does, signed the way both
// channels sign (base64 HMAC-SHA256 of the raw body). The signing is
// written here, not taken from the connector, so a mistake in one is not
// copied into the other. Safe for concurrent use.
type Webhooks struct {
	mu      sync.Mutex
	targets []Webhook
	sent    []Delivery
	inFly   sync.WaitGroup
	client  *http.Client
}

// SetWebhooks replaces the addresses deliveries go to; none stops them.
func (w *Webhooks) SetWebhooks(targets ...Webhook) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.targets = append([]Webhook(nil), targets...)
}

// HasWebhooks tells whether any address is set, so a fake need not build
// a delivery nobody receives.
func (w *Webhooks) HasWebhooks() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.targets) > 0
}

// WaitWebhooks waits for the deliveries under way to be answered.
func (w *Webhooks) WaitWebhooks() { w.inFly.Wait() }

// Deliveries returns every delivery sent so far and its answer, oldest first.
func (w *Webhooks) Deliveries() []Delivery {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]Delivery(nil), w.sent...)
}

// Sign is the signature of body under secret.
func Sign(body []byte, secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// Deliver sends body to every address. header builds the delivery's
// headers (the same delivery id for every address is fine: ids are per
// subscription on the channels, and each address is one); signed adds the
// signature under signatureHeader ("" sends it unsigned, as a ping is).
func (w *Webhooks) Deliver(topic string, body []byte, header http.Header, signatureHeader string) {
	w.mu.Lock()
	targets := w.targets
	if w.client == nil {
		// Shopify gives up on an answer after 5 seconds in all.
		w.client = &http.Client{Timeout: 5 * time.Second}
	}
	client := w.client
	w.mu.Unlock()
	for _, t := range targets {
		h := header.Clone()
		if signatureHeader != "" {
			h.Set(signatureHeader, Sign(body, t.Secret))
		}
		w.inFly.Add(1)
		go func() {
			defer w.inFly.Done()
			d := Delivery{URL: t.URL, Topic: topic, Header: h}
			req, err := http.NewRequest(http.MethodPost, t.URL, bytes.NewReader(body))
			if err == nil {
				req.Header = h
				var res *http.Response
				if res, err = client.Do(req); err == nil {
					_, _ = io.Copy(io.Discard, res.Body)
					res.Body.Close()
					d.Status = res.StatusCode
				}
			}
			d.Err = err
			w.mu.Lock()
			w.sent = append(w.sent, d)
			w.mu.Unlock()
		}()
	}
}
