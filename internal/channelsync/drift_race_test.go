package channelsync_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// raceAt runs event once, at the first request after being armed whose
// body holds match: before the shop answers it, or, with after, once the
// shop has answered and before the answer reaches the sync.
type raceAt struct {
	match string
	after bool
	armed atomic.Bool
	event func()
}

func (r *raceAt) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
		if !strings.Contains(string(body), r.match) || !r.armed.CompareAndSwap(true, false) {
			next.ServeHTTP(w, req)
			return
		}
		if !r.after {
			r.event()
			next.ServeHTTP(w, req)
			return
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, req)
		r.event()
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
	})
}

// A sync's read of a listing outdated by a sale or a push that came after
// the read and before the sync ended must not be reported as someone's
// edit on the channel (drift), and the listing shows what the channel
// shows now.
func TestASaleOrAPushDuringASyncIsNotDrift(t *testing.T) {
	for _, tc := range []struct {
		name  string
		race  *raceAt
		event func(t *testing.T, f *orderShop)
		shows int
	}{
		// The sale comes after the listings are read, before the orders are.
		{"a sale", &raceAt{match: "orders"}, func(t *testing.T, f *orderShop) { f.addOrderOf(f.mug.ID, 2) }, 13},
		// The push lands once the listings' export has begun (Shopify's
		// export is of the catalogue as it was then).
		{"a push", &raceAt{match: "bulkOperationRunQuery", after: true}, func(t *testing.T, f *orderShop) {
			f.receive(f.mugItem, 5)
			// A push job of its own (job ids tell runs apart).
			if err := f.svc.Push(context.Background(), f.ch, "change", 7); err != nil {
				t.Error(err)
			}
		}, 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newOrderShopVia(t, tc.race.wrap)
			tc.race.event = func() { tc.event(t, f) }
			f.sync()
			f.receive(f.mugItem, 5)
			f.push() // the shop shows 15
			tc.race.armed.Store(true)
			f.sync()
			if tc.race.armed.Load() {
				t.Fatal("the sync never made the request the race waits for")
			}
			if got := f.shown(f.mug.ID); got != tc.shows {
				t.Fatalf("the shop shows %d, want %d", got, tc.shows)
			}
			drifted, total, err := f.st.DriftReport(context.Background(), f.ch, 10)
			if err != nil || total != 0 {
				t.Fatalf("%s during the sync was reported as drift: %+v (%d) %v", tc.name, drifted, total, err)
			}
			var quantity int
			if err := f.st.DB.Get(&quantity, `SELECT quantity FROM channel_items WHERE channel_id = $1 AND sku = 'MUG-1'`, f.ch); err != nil {
				t.Fatal(err)
			}
			if quantity != tc.shows {
				t.Fatalf("the listing says the shop shows %d, want %d", quantity, tc.shows)
			}
			// The next sync reads the shop as it is, and finds no drift either.
			f.sync()
			if _, total, _ := f.st.DriftReport(context.Background(), f.ch, 10); total != 0 {
				t.Fatalf("drift after the next sync: %d", total)
			}
		})
	}
}
