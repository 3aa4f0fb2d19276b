package fake

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"

	"stocksync/internal/channel/internal/fakekit"
)

const (
	// BasePath is where the REST API lives under the site URL.
	BasePath = "/wp-json/wc/v3"
	// DefaultConsumerKey and DefaultConsumerSecret are the keys a fake
	// accepts unless Options says otherwise.
	DefaultConsumerKey    = "ck_5a4e0c3f1b2d4e6f8a9b0c1d2e3f4a5b6c7d8e9f"
	DefaultConsumerSecret = "cs_0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e"
	maxPerPage            = 100
	maxBatchItems         = 100
)

// Options configure a fake store.
type Options struct {
	ConsumerKey    string // DefaultConsumerKey when empty
	ConsumerSecret string // DefaultConsumerSecret when empty
	// ThrottleEvery makes every Nth request answer 429, as a host's rate
	// limiter would; 0 never does.
	ThrottleEvery int
	// RetryAfter is what 429 answers tell the client to wait; 1 s when zero.
	// Fractions of a second are sent as such.
	RetryAfter time.Duration
	Now        func() time.Time // the fake's clock; time.Now when nil
}

// Call is one request the fake received.
type Call = fakekit.Call

// Server is a fake store. Its methods are safe for concurrent use.
type Server struct {
	*fakekit.Faults
	*fakekit.Recorder
	// Webhooks delivers order webhooks to the addresses set with
	// SetWebhooks.
	*fakekit.Webhooks

	opts      Options
	throttled fakekit.EveryNth
	http      *httptest.Server
	mux       *http.ServeMux

	mu         sync.Mutex
	products   []*Product // sorted by ID
	storefront string     // see SetStorefront
	orders     []*Order   // sorted by ID
	nextID     int
	nextLine   int
}

// New starts a fake store on a loopback port; Close stops it.
func New(opts Options) *Server {
	if opts.ConsumerKey == "" {
		opts.ConsumerKey = DefaultConsumerKey
	}
	if opts.ConsumerSecret == "" {
		opts.ConsumerSecret = DefaultConsumerSecret
	}
	if opts.RetryAfter == 0 {
		opts.RetryAfter = time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{Faults: fakekit.NewFaults(), Recorder: &fakekit.Recorder{}, Webhooks: &fakekit.Webhooks{}, opts: opts, nextID: 100, nextLine: 1}
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("GET "+BasePath+"/products", s.listProducts)
	s.mux.HandleFunc("GET "+BasePath+"/products/{id}/variations", s.listVariations)
	s.mux.HandleFunc("POST "+BasePath+"/products/batch", s.batchProducts)
	s.mux.HandleFunc("POST "+BasePath+"/products/{id}/variations/batch", s.batchVariations)
	s.mux.HandleFunc("GET "+BasePath+"/orders", s.listOrders)
	s.mux.HandleFunc("GET "+BasePath+"/system_status", s.systemStatus)
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "rest_no_route", "No route was found matching the URL and request method.")
	})
	s.http = httptest.NewServer(s.Handler())
	return s
}

// URL is the store's site URL, to use as the client's site_url.
func (s *Server) URL() string { return s.http.URL }

// Handler serves the fake's API, for mounting on another listener.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

// Close stops the server, first releasing requests that hang on purpose.
func (s *Server) Close() {
	fakekit.Release(s.Faults)
	s.http.Close()
}

func (s *Server) now() time.Time { return s.opts.Now() }

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, storefrontPath) {
		s.serveStorefront(w, r)
		return
	}
	_, pattern := s.mux.Handler(r)
	fault, ok := fakekit.Begin(r, s.Recorder, s.Faults, Call{
		Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, At: s.now(),
		Operation: strings.Replace(pattern, BasePath, "", 1),
	})
	if !ok {
		return
	}
	switch {
	case fault.Kind == fakekit.Fail:
		writeError(w, fault.Status, "internal_server_error", "<p>There has been a critical error on this website.</p>")
		return
	case fault.Kind == fakekit.Throttle || s.throttleThisOne():
		w.Header().Set("Retry-After", strconv.FormatFloat(s.opts.RetryAfter.Seconds(), 'f', -1, 64))
		writeError(w, http.StatusTooManyRequests, "too_many_requests", "Too many requests, slow down.")
		return
	}
	if !s.authorised(r) {
		code, msg := "woocommerce_rest_cannot_view", "Sorry, you cannot list resources."
		if r.Method != http.MethodGet {
			code, msg = "woocommerce_rest_cannot_edit", "Sorry, you are not allowed to edit this resource."
		}
		writeError(w, http.StatusUnauthorized, code, msg)
		return
	}
	if fault.Kind == fakekit.Malformed {
		tw := fakekit.NewTruncatingWriter(w)
		defer tw.Finish()
		w = tw
	}
	s.mux.ServeHTTP(w, r)
}

func (s *Server) throttleThisOne() bool { return s.throttled.Hit(s.opts.ThrottleEvery) }

// authorised accepts Basic auth or, as WooCommerce does for servers that
// strip the Authorization header, the keys as query parameters.
func (s *Server) authorised(r *http.Request) bool {
	key, secret, ok := r.BasicAuth()
	if !ok {
		key, secret = r.URL.Query().Get("consumer_key"), r.URL.Query().Get("consumer_secret")
	}
	return key == s.opts.ConsumerKey && secret == s.opts.ConsumerSecret
}

func (s *Server) systemStatus(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"environment": map[string]any{"home_url": s.URL(), "site_url": s.URL(), "version": "9.9.0", "wp_version": "6.8"},
		"settings":    map[string]any{"currency": "USD"},
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := fakekit.Marshal(v)
	if err != nil {
		status, body = http.StatusInternalServerError, []byte(`{"code":"fake_encoding","message":"The fake could not encode its answer.","data":{"status":500}}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// writeError sends WordPress's error shape: {code, message, data{status}}.
func writeError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, wpError(status, code, message))
}

func wpError(status int, code, message string) map[string]any {
	return map[string]any{"code": code, "message": message, "data": map[string]any{"status": status}}
}
