package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// wireLog is a transport that logs the quantities the connectors send.
type wireLog struct {
	mu   sync.Mutex
	sent []sentQty
}

type sentQty struct {
	ref string
	qty int
	at  time.Time
	// computed is when the push read the quantity, where the call says
	// (the idempotency key holds the time of its claim); zero otherwise.
	computed time.Time
}

func (w *wireLog) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil && req.Method == http.MethodPost {
		body, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
		w.note(req.URL.Path, body)
	}
	return http.DefaultTransport.RoundTrip(req)
}

func (w *wireLog) note(path string, body []byte) {
	now := time.Now()
	var got []sentQty
	if strings.HasSuffix(path, "/graphql.json") {
		var b struct {
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
		if json.Unmarshal(body, &b) == nil {
			computed := claimTime(b.Variables.Key)
			for _, q := range b.Variables.Input.Quantities {
				got = append(got, sentQty{q.InventoryItemID, q.Quantity, now, computed})
			}
		}
	} else if strings.HasSuffix(path, "/products/batch") {
		var b struct {
			Update []struct {
				ID            int `json:"id"`
				StockQuantity int `json:"stock_quantity"`
			} `json:"update"`
		}
		if json.Unmarshal(body, &b) == nil {
			for _, u := range b.Update {
				got = append(got, sentQty{ref: strconv.Itoa(u.ID), qty: u.StockQuantity, at: now})
			}
		}
	}
	if len(got) == 0 {
		return
	}
	w.mu.Lock()
	w.sent = append(w.sent, got...)
	w.mu.Unlock()
}

// claimTime reads the claim's time out of a push's idempotency key
// ("stocksync-<channel>-<job>-<unix nanos>-<claim>-<batch>").
func claimTime(key string) time.Time {
	parts := strings.Split(key, "-")
	if len(parts) < 4 {
		return time.Time{}
	}
	n, err := strconv.ParseInt(parts[3], 10, 64)
	if err != nil {
		return time.Time{}
	}
	return time.Unix(0, n)
}

func (w *wireLog) snapshot() []sentQty {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]sentQty(nil), w.sent...)
}

func (w *wireLog) reset() {
	w.mu.Lock()
	w.sent = nil
	w.mu.Unlock()
}
