package channel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

type recordedSleeps struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (r *recordedSleeps) sleep(ctx context.Context, d time.Duration) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.waits = append(r.waits, d)
	return ctx.Err()
}

// serve answers the n-th request (from 0) with answer(n).
func serve(t *testing.T, answer func(n int, w http.ResponseWriter)) (*httptest.Server, *atomic.Int32) {
	var count atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		answer(int(count.Add(1))-1, w)
	}))
	t.Cleanup(srv.Close)
	return srv, &count
}

func get(t *testing.T, srv *httptest.Server, opts Options, accept func(*Response) error) (*Response, error) {
	t.Helper()
	opts.Addresses.Sandbox = true // the test server listens on loopback
	return NewCaller(opts).Do(context.Background(), Request{
		What: "test: thing",
		New: func(ctx context.Context) (*http.Request, error) {
			return http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
		},
		ErrorMessage: func(body []byte) string {
			var e struct{ Message string }
			_ = json.Unmarshal(body, &e)
			return e.Message
		},
		Accept: accept,
	})
}

func TestServerErrorsAreRetriedWithBackoff(t *testing.T) {
	srv, count := serve(t, func(n int, w http.ResponseWriter) {
		if n < 3 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		fmt.Fprint(w, "ok")
	})
	sleeps := &recordedSleeps{}
	resp, err := get(t, srv, Options{Sleep: sleeps.sleep}, nil)
	if err != nil || string(resp.Body) != "ok" {
		t.Fatalf("got %v, %v", resp, err)
	}
	if count.Load() != 4 {
		t.Fatalf("%d requests, want 4", count.Load())
	}
	want := []time.Duration{200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond}
	if fmt.Sprint(sleeps.waits) != fmt.Sprint(want) {
		t.Fatalf("waits %v, want %v", sleeps.waits, want)
	}
}

func TestServerErrorsBecomeTransientAfterMaxRetries(t *testing.T) {
	srv, count := serve(t, func(int, http.ResponseWriter) {})
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		count.Add(1)
		w.WriteHeader(http.StatusBadGateway)
		fmt.Fprint(w, `{"message":"upstream down"}`)
	})
	sleeps := &recordedSleeps{}
	_, err := get(t, srv, Options{Sleep: sleeps.sleep}, nil)
	var transient *TransientError
	if !errors.As(err, &transient) || transient.Attempts != 5 {
		t.Fatalf("got %v, want TransientError after 5 attempts", err)
	}
	if !strings.Contains(err.Error(), "test: thing: HTTP 502") || !strings.Contains(err.Error(), "upstream down") {
		t.Fatalf("message %q does not say what failed", err)
	}
	if len(sleeps.waits) != 4 || sleeps.waits[3] != 1600*time.Millisecond {
		t.Fatalf("waits %v", sleeps.waits)
	}

	count.Store(0)
	_, err = get(t, srv, Options{Sleep: sleeps.sleep, MaxRetries: -1}, nil)
	if !errors.As(err, &transient) || transient.Attempts != 1 || count.Load() != 1 {
		t.Fatalf("MaxRetries -1: %v after %d requests", err, count.Load())
	}
}

func TestTooManyRequestsWaitsRetryAfterWithoutCountingFailures(t *testing.T) {
	srv, _ := serve(t, func(n int, w http.ResponseWriter) {
		if n < 6 {
			w.Header().Set("Retry-After", "1.5")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		fmt.Fprint(w, "ok")
	})
	sleeps := &recordedSleeps{}
	if _, err := get(t, srv, Options{Sleep: sleeps.sleep, MaxRetries: 1}, nil); err != nil {
		t.Fatal(err)
	}
	if len(sleeps.waits) != 6 {
		t.Fatalf("waits %v, want six", sleeps.waits)
	}
	for _, w := range sleeps.waits {
		if w != 1500*time.Millisecond {
			t.Fatalf("waited %v, want the 1.5 s the channel asked for", w)
		}
	}
}

func TestEndlessThrottlingGivesUp(t *testing.T) {
	srv, count := serve(t, func(n int, w http.ResponseWriter) {
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	_, err := get(t, srv, Options{Sleep: (&recordedSleeps{}).sleep}, nil)
	var transient *TransientError
	if !errors.As(err, &transient) || count.Load() != maxThrottleWaits+1 {
		t.Fatalf("got %v after %d requests", err, count.Load())
	}

	srv2, _ := serve(t, func(n int, w http.ResponseWriter) {
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	_, err = get(t, srv2, Options{Sleep: (&recordedSleeps{}).sleep}, nil)
	if !errors.As(err, &transient) || !strings.Contains(err.Error(), "asked to wait 1h0m0s") {
		t.Fatalf("a one-hour Retry-After gave %v", err)
	}
}

func TestRefusalsAreNotRetried(t *testing.T) {
	for status, check := range map[int]func(error) bool{
		http.StatusUnauthorized: func(err error) bool { return errors.Is(err, ErrUnauthorized) },
		http.StatusForbidden:    func(err error) bool { return errors.Is(err, ErrUnauthorized) },
		http.StatusNotFound: func(err error) bool {
			var h *HTTPError
			return errors.As(err, &h) && h.Status == 404 && h.Message == "no such thing"
		},
	} {
		srv, count := serve(t, func(n int, w http.ResponseWriter) {
			w.WriteHeader(status)
			fmt.Fprint(w, `{"message":"no such thing"}`)
		})
		_, err := get(t, srv, Options{Sleep: (&recordedSleeps{}).sleep}, nil)
		if !check(err) || count.Load() != 1 {
			t.Errorf("HTTP %d: %v after %d requests", status, err, count.Load())
		}
	}
}

func TestAcceptDecidesOnSuccessfulAnswers(t *testing.T) {
	srv, count := serve(t, func(n int, w http.ResponseWriter) { fmt.Fprint(w, n) })
	sleeps := &recordedSleeps{}
	resp, err := get(t, srv, Options{Sleep: sleeps.sleep}, func(r *Response) error {
		switch string(r.Body) {
		case "0":
			return &ThrottledError{Wait: 7 * time.Second, Err: errors.New("slow down")}
		case "1":
			return Retryable(errors.New("hiccup"))
		}
		return nil
	})
	if err != nil || string(resp.Body) != "2" || count.Load() != 3 {
		t.Fatalf("got %q, %v after %d", resp.Body, err, count.Load())
	}
	if fmt.Sprint(sleeps.waits) != "[7s 200ms]" {
		t.Fatalf("waits %v", sleeps.waits)
	}
}

func TestTimeoutsAreRetriedButCancellationIsNot(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	sleeps := &recordedSleeps{}
	_, err := get(t, srv, Options{Sleep: sleeps.sleep, MaxRetries: 2, Timeout: 20 * time.Millisecond}, nil)
	var transient *TransientError
	if !errors.As(err, &transient) || transient.Attempts != 3 {
		t.Fatalf("got %v, want TransientError after 3 attempts", err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err = NewCaller(Options{Sleep: sleeps.sleep, Addresses: AddressPolicy{Sandbox: true}}).Do(ctx, Request{What: "test", New: func(ctx context.Context) (*http.Request, error) {
		return http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	}})
	if !errors.Is(err, context.DeadlineExceeded) || errors.As(err, &transient) {
		t.Fatalf("caller's deadline gave %v", err)
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	for header, want := range map[string]time.Duration{
		"":                              time.Second,
		"2":                             2 * time.Second,
		"0.25":                          250 * time.Millisecond,
		"-3":                            time.Second,
		"soon":                          time.Second,
		"Fri, 01 May 2026 12:00:30 GMT": 30 * time.Second,
	} {
		h := http.Header{}
		if header != "" {
			h.Set("Retry-After", header)
		}
		if got := RetryAfter(h, now, time.Second); got != want {
			t.Errorf("Retry-After %q = %v, want %v", header, got, want)
		}
	}
}

func TestRawTextAndRawInt(t *testing.T) {
	for raw, want := range map[string]string{`"12.50"`: "12.50", `12.5`: "12.5", `null`: "", ``: "", `"abc"`: "abc"} {
		if got := RawText(json.RawMessage(raw)); got != want {
			t.Errorf("RawText(%s) = %q, want %q", raw, got, want)
		}
	}
	for raw, want := range map[string]string{`5`: "5", `"7"`: "7", `3.0`: "3", `null`: "<nil>", `""`: "<nil>"} {
		n, err := RawInt(json.RawMessage(raw))
		got := "<nil>"
		if n != nil {
			got = fmt.Sprint(*n)
		}
		if err != nil || got != want {
			t.Errorf("RawInt(%s) = %s, %v; want %s", raw, got, err, want)
		}
	}
	if _, err := RawInt(json.RawMessage(`"lots"`)); err == nil {
		t.Error(`RawInt("lots") did not fail`)
	}
}
