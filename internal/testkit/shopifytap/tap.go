// Package shopifytap stands in front of a Shopify fake and sees every stock
// write go by: which quantities each inventorySetQuantities call carried,
// under which idempotency key, and whether the shop applied it or replayed
// an earlier answer. It can hold a call, before or after the shop applies
// it, until the test releases it or the caller gives up, so that tests can
// stop, kill or race a push in the middle of its call.
package shopifytap

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
)

// When is where a held call waits.
type When int

const (
	// BeforeApply holds the call before the shop sees it.
	BeforeApply When = iota
	// AfterApply lets the shop apply the call and holds its answer.
	AfterApply
)

// Quantity is one quantity a call asked for.
type Quantity struct {
	InventoryItemID string
	Quantity        int
}

// Write is one inventorySetQuantities call.
type Write struct {
	Key        string
	Quantities []Quantity
	// Group is the adjustment group the shop answered with: a replayed call
	// answers with its first group, so distinct groups count applications.
	// "" when the shop applied nothing or the answer never came back.
	Group string
	// Answered is false when the caller gave up while the call was held.
	Answered bool
}

// Tap is the stand-in; its methods are safe for concurrent use.
type Tap struct {
	shop http.Handler
	http *httptest.Server

	mu      sync.Mutex
	writes  []*Write
	holdN   int
	when    When
	held    int
	release chan struct{}
}

// New starts a tap in front of shop (the fake's Handler); use its URL as
// the channel's shop_url.
func New(shop http.Handler) *Tap {
	t := &Tap{shop: shop, release: make(chan struct{})}
	t.http = httptest.NewServer(http.HandlerFunc(t.serve))
	return t
}

func (t *Tap) URL() string { return t.http.URL }

// Close releases held calls and stops the tap.
func (t *Tap) Close() {
	t.Release()
	t.http.Close()
}

// HoldNext holds the next n stock writes at when, until Release.
func (t *Tap) HoldNext(n int, when When) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.holdN, t.when = n, when
	select {
	case <-t.release:
		t.release = make(chan struct{})
	default:
	}
}

// Release lets every held call go on.
func (t *Tap) Release() {
	t.mu.Lock()
	defer t.mu.Unlock()
	select {
	case <-t.release:
	default:
		close(t.release)
	}
}

// Held is how many calls are being held now.
func (t *Tap) Held() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.held
}

// Writes returns a copy of the stock writes so far, oldest first.
func (t *Tap) Writes() []Write {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]Write, len(t.writes))
	for i, w := range t.writes {
		out[i] = *w
		out[i].Quantities = append([]Quantity(nil), w.Quantities...)
	}
	return out
}

// Sent lists, per inventory item, the quantities sent to it in order.
func (t *Tap) Sent() map[string][]int {
	out := map[string][]int{}
	for _, w := range t.Writes() {
		for _, q := range w.Quantities {
			out[q.InventoryItemID] = append(out[q.InventoryItemID], q.Quantity)
		}
	}
	return out
}

type request struct {
	Query     string `json:"query"`
	Variables struct {
		Key   string `json:"key"`
		Input struct {
			Quantities []struct {
				InventoryItemID string `json:"inventoryItemId"`
				Quantity        int    `json:"quantity"`
			} `json:"quantities"`
		} `json:"input"`
	} `json:"variables"`
}

func (t *Tap) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	var req request
	if json.Unmarshal(body, &req) != nil || !strings.Contains(req.Query, "inventorySetQuantities") {
		t.shop.ServeHTTP(w, r)
		return
	}
	write := &Write{Key: req.Variables.Key}
	for _, q := range req.Variables.Input.Quantities {
		write.Quantities = append(write.Quantities, Quantity{q.InventoryItemID, q.Quantity})
	}
	t.mu.Lock()
	t.writes = append(t.writes, write)
	hold, when, release := t.holdN > 0, t.when, t.release
	if hold {
		t.holdN--
	}
	t.mu.Unlock()

	if hold && when == BeforeApply && !t.wait(r, release) {
		return
	}
	rec := httptest.NewRecorder()
	t.shop.ServeHTTP(rec, r)
	group := answeredGroup(rec.Body.Bytes())
	t.mu.Lock()
	write.Group = group
	t.mu.Unlock()
	if hold && when == AfterApply && !t.wait(r, release) {
		return
	}
	t.mu.Lock()
	write.Answered = true
	t.mu.Unlock()
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

// wait holds the call until released (true) or abandoned by its caller.
func (t *Tap) wait(r *http.Request, release chan struct{}) bool {
	t.mu.Lock()
	t.held++
	t.mu.Unlock()
	defer func() {
		t.mu.Lock()
		t.held--
		t.mu.Unlock()
	}()
	select {
	case <-release:
		return true
	case <-r.Context().Done():
		return false
	}
}

func answeredGroup(body []byte) string {
	var out struct {
		Data struct {
			Set struct {
				Group *struct {
					ID string `json:"id"`
				} `json:"inventoryAdjustmentGroup"`
			} `json:"inventorySetQuantities"`
		} `json:"data"`
	}
	if json.Unmarshal(body, &out) != nil || out.Data.Set.Group == nil {
		return ""
	}
	return out.Data.Set.Group.ID
}
