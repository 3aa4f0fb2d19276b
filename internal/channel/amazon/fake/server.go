package fake

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"stocksync/internal/channel/internal/fakekit"
)

const (
	DefaultClientID     = "amzn1.application-oa2-client.fake0000000000000000000000000000"
	DefaultClientSecret = "amzn1.oa2-cs.v1.fakesecret000000000000000000000000000000000000"
	DefaultRefreshToken = "Atzr|IwEBIFakeRefreshToken0000000000000000000000000000"
	DefaultSellerID     = "A3FAKESELLER01"
	DefaultMarketplace  = "ATVPDKIKX0DER"
)

// Options configure a fake seller account.
type Options struct {
	ClientID, ClientSecret, RefreshToken string // the Default… values when empty
	SellerID                             string // DefaultSellerID when empty
	Marketplaces                         []string
	// Fast turns the per-operation rate limits off, for tests that are
	// not about them.
	Fast bool
	// TokenTTL is how long an access token lasts; an hour when zero.
	TokenTTL time.Duration
	// ReportDelay and FeedDelay are how long a report or feed takes to
	// process after it is created; it is always seen in progress once.
	ReportDelay, FeedDelay time.Duration
	// GzipReports sends report documents gzipped, as Amazon does for
	// large ones.
	GzipReports bool
	// ReportCharset writes reports in this charset and names it in the
	// document's Content-Type, as Amazon does for some marketplaces
	// ("Cp1252" in Europe, "Shift_JIS" in Japan); UTF-8 when empty.
	ReportCharset string
	Now           func() time.Time // the fake's clock; time.Now when nil
}

// Call is one request the fake received; Operation is the SP-API
// operation name ("searchListingsItems"), "token" for Login with Amazon and
// "uploadDocument"/"downloadDocument" for document transfers.
type Call = fakekit.Call

// Server is a fake seller account. Its methods are safe for concurrent use.
type Server struct {
	*fakekit.Faults
	*fakekit.Recorder

	opts Options
	http *httptest.Server
	mux  *http.ServeMux

	mu         sync.Mutex
	listings   map[key]*Listing
	orders     []*Order
	tokens     map[string]time.Time // access token → expiry
	revoked    bool
	minted     int
	buckets    map[string]*bucket
	documents  map[string]*doc
	reports    map[string]*report
	feeds      map[string]*feed
	rejected   map[string]string // SKU → why its quantity is refused
	failFeeds  []string          // statuses the next feeds end in
	nextID     int
	expireIn   int // API calls until every token expires; 0: never
	nextOrder  int
	orderItems int
}

type key struct{ marketplace, sku string }

// New starts a fake seller account on a loopback port; Close stops it.
func New(opts Options) *Server {
	s := newServer(opts)
	s.http = httptest.NewServer(s.Handler())
	return s
}

func newServer(opts Options) *Server {
	if opts.ClientID == "" {
		opts.ClientID = DefaultClientID
	}
	if opts.ClientSecret == "" {
		opts.ClientSecret = DefaultClientSecret
	}
	if opts.RefreshToken == "" {
		opts.RefreshToken = DefaultRefreshToken
	}
	if opts.SellerID == "" {
		opts.SellerID = DefaultSellerID
	}
	if len(opts.Marketplaces) == 0 {
		opts.Marketplaces = []string{DefaultMarketplace}
	}
	if opts.TokenTTL == 0 {
		opts.TokenTTL = time.Hour
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{
		Faults: fakekit.NewFaults(), Recorder: &fakekit.Recorder{}, opts: opts,
		listings: map[key]*Listing{}, tokens: map[string]time.Time{}, buckets: map[string]*bucket{},
		documents: map[string]*doc{}, reports: map[string]*report{}, feeds: map[string]*feed{}, rejected: map[string]string{},
		nextID: 1000,
	}
	s.mux = http.NewServeMux()
	s.route("POST /auth/o2/token", "token", s.lwaToken)
	s.route("GET /listings/2021-08-01/items/{sellerId}", "searchListingsItems", s.searchListings)
	s.route("PATCH /listings/2021-08-01/items/{sellerId}/{sku}", "patchListingsItem", s.patchListing)
	s.route("GET /orders/v0/orders", "getOrders", s.getOrders)
	s.route("GET /orders/v0/orders/{orderId}/orderItems", "getOrderItems", s.getOrderItems)
	s.route("POST /reports/2021-06-30/reports", "createReport", s.createReport)
	s.route("GET /reports/2021-06-30/reports/{reportId}", "getReport", s.getReport)
	s.route("GET /reports/2021-06-30/documents/{id}", "getReportDocument", s.getReportDocument)
	s.route("POST /feeds/2021-06-30/documents", "createFeedDocument", s.createFeedDocument)
	s.route("POST /feeds/2021-06-30/feeds", "createFeed", s.createFeed)
	s.route("GET /feeds/2021-06-30/feeds/{feedId}", "getFeed", s.getFeed)
	s.route("GET /feeds/2021-06-30/documents/{id}", "getFeedDocument", s.getFeedDocument)
	s.route("PUT /documents/{id}", "uploadDocument", s.uploadDocument)
	s.route("GET /documents/{id}", "downloadDocument", s.downloadDocument)
	return s
}

// URL is the account's API address, to use as the client's endpoint.
func (s *Server) URL() string { return s.http.URL }

// Handler serves the fake's API, for mounting on another listener.
func (s *Server) Handler() http.Handler { return s.mux }

// Credentials are what the amazon client needs to reach this account.
func (s *Server) Credentials() map[string]string {
	return map[string]string{
		"region": "NA", "seller_id": s.opts.SellerID, "marketplace_ids": strings.Join(s.opts.Marketplaces, ","),
		"client_id": s.opts.ClientID, "client_secret": s.opts.ClientSecret, "refresh_token": s.opts.RefreshToken,
		"endpoint": s.URL(),
	}
}

// Close stops the server, first releasing requests that hang on purpose.
func (s *Server) Close() {
	fakekit.Release(s.Faults)
	if s.http != nil {
		s.http.Close()
	}
}

func (s *Server) now() time.Time { return s.opts.Now() }

// route registers a handler behind the fault switches, the access token
// check and the operation's rate limit, as Amazon's gateway applies them.
func (s *Server) route(pattern, op string, h http.HandlerFunc) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		fault, ok := fakekit.Begin(r, s.Recorder, s.Faults, Call{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Operation: op, At: s.now()})
		if !ok {
			return
		}
		limit, limited := limits[op]
		switch {
		case fault.Kind == fakekit.Fail:
			writeErrors(w, fault.Status, "InternalFailure", "We encountered an internal error. Please try again.", "")
			return
		case fault.Kind == fakekit.Throttle || (limited && !s.take(op, limit)):
			if limited {
				w.Header().Set("x-amzn-RateLimit-Limit", formatRate(limit.rate))
			}
			writeErrors(w, http.StatusTooManyRequests, "QuotaExceeded", "You exceeded your quota for the requested resource.", "")
			return
		}
		if op != "token" && op != "uploadDocument" && op != "downloadDocument" {
			s.countdownExpiry()
			if msg := s.checkToken(r.Header.Get("x-amz-access-token")); msg != "" {
				writeErrors(w, http.StatusForbidden, "Unauthorized", "Access to requested resource is denied.", msg)
				return
			}
			if limited {
				w.Header().Set("x-amzn-RateLimit-Limit", formatRate(limit.rate))
			}
		}
		if fault.Kind == fakekit.Malformed {
			tw := fakekit.NewTruncatingWriter(w)
			defer tw.Finish()
			w = tw
		}
		h(w, r)
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := fakekit.Marshal(v)
	if err != nil {
		status, body = http.StatusInternalServerError, []byte(`{"errors":[{"code":"InternalFailure","message":"The fake could not encode its answer."}]}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("x-amzn-RequestId", "fake-request")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// writeErrors sends SP-API's error body.
func writeErrors(w http.ResponseWriter, status int, code, message, details string) {
	e := map[string]string{"code": code, "message": message}
	if details != "" {
		e["details"] = details
	}
	writeJSON(w, status, map[string]any{"errors": []map[string]string{e}})
}

func decodeBody(r *http.Request, v any) error {
	return json.NewDecoder(r.Body).Decode(v)
}
