package fakekit

import (
	"sync"
	"time"
)

// Call is one request a fake received.
type Call struct {
	Method         string
	Path           string
	Query          string // raw query string
	Operation      string // Shopify: the root field(s); WooCommerce: the route, "GET /products"
	IdempotencyKey string // Shopify's @idempotent key, when sent
	At             time.Time
}

// Recorder keeps the call log; safe for concurrent use.
type Recorder struct {
	mu    sync.Mutex
	calls []Call
}

// Record appends c to r's log.
func Record(r *Recorder, c Call) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, c)
}

// Calls returns a copy of every call so far, oldest first.
func (r *Recorder) Calls() []Call {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Call(nil), r.calls...)
}

// CallCount returns how many calls had the given operation.
func (r *Recorder) CallCount(operation string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, c := range r.calls {
		if c.Operation == operation {
			n++
		}
	}
	return n
}

// ResetCalls forgets the calls so far.
func (r *Recorder) ResetCalls() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = nil
}
