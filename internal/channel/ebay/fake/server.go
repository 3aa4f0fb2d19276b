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
	// The credentials a fake accepts unless Options says otherwise.
	DefaultClientID     = "Stocksyn-Sandbox-PRD-5a4e0c3f1-b2d4e6f8"
	DefaultClientSecret = "PRD-5a4e0c3f1b2d-4e6f-8a9b-0c1d-2e3f"
	DefaultRefreshToken = "v^1.1#i^1#p^3#r^1#I^3#f^0#t^Ul4xMF8yOjQ5RTkzQkU5RkFEM0ZBMDdGRkM0QjA2N0E2MDU5NzRFXzNfMSNFXjI2MA=="
	DefaultMarketplace  = "EBAY_US"

	InventoryPath = "/sell/inventory/v1"
	OrdersPath    = "/sell/fulfillment/v1"
	TokenPath     = "/identity/v1/oauth2/token"

	maxItemsPage  = 200
	maxOrdersPage = 200
	maxBulk       = 25
)

// Options configure a fake account.
type Options struct {
	ClientID, ClientSecret, RefreshToken string // the defaults when empty
	// TokenLifetime is how long an access token lives; eBay's two hours
	// when zero.
	TokenLifetime time.Duration
	// RevisionsPerDay is how many times a listing may be revised in a
	// Pacific calendar day; eBay's 250 when zero.
	RevisionsPerDay int
	// ThrottleEvery makes every Nth API request (not token requests)
	// answer 429; 0 never does.
	ThrottleEvery int
	// ReportsPerDay is how many active inventory report tasks may be
	// created in 24 hours; eBay's 25 when zero.
	ReportsPerDay int
	// RetryAfter, when set, is sent with 429 answers; eBay sends none.
	RetryAfter time.Duration
	Now        func() time.Time // the fake's clock; time.Now when nil
}

// Call is one request the fake received.
type Call = fakekit.Call

// Server is a fake eBay account. Its methods are safe for concurrent use.
type Server struct {
	*fakekit.Faults
	*fakekit.Recorder

	opts      Options
	throttled fakekit.EveryNth
	http      *httptest.Server
	mux       *http.ServeMux

	mu          sync.Mutex
	items       []*Item          // in the order they were added, as eBay pages them
	bySKU       map[string]*Item // the same items
	orders      []*Order         // by creation
	tokens      map[string]time.Time
	revisions   map[string]revisionDay // listing ID → its revisions today
	nextID      int64
	codes       map[string]time.Time // authorization codes not yet used
	acceptURL   string
	tasks       []*reportTask // active inventory report tasks, by creation
	failReports bool
	// expireAfter counts down the API calls until every token dies; 0 is off.
	expireAfter int
}

// New starts a fake account on a loopback port; Close stops it.
func New(opts Options) *Server {
	if opts.ClientID == "" {
		opts.ClientID = DefaultClientID
	}
	if opts.ClientSecret == "" {
		opts.ClientSecret = DefaultClientSecret
	}
	if opts.RefreshToken == "" {
		opts.RefreshToken = DefaultRefreshToken
	}
	if opts.TokenLifetime <= 0 {
		opts.TokenLifetime = 2 * time.Hour
	}
	if opts.RevisionsPerDay <= 0 {
		opts.RevisionsPerDay = 250
	}
	if opts.ReportsPerDay <= 0 {
		opts.ReportsPerDay = 25
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{Faults: fakekit.NewFaults(), Recorder: &fakekit.Recorder{}, opts: opts,
		bySKU: map[string]*Item{}, tokens: map[string]time.Time{}, revisions: map[string]revisionDay{}, codes: map[string]time.Time{}, nextID: 5000000000}
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("POST "+TokenPath, s.mintToken)
	s.mux.HandleFunc("GET /oauth2/authorize", s.authorize)
	s.mux.HandleFunc("GET "+InventoryPath+"/inventory_item", s.listItems)
	s.mux.HandleFunc("GET "+InventoryPath+"/offer", s.listOffers)
	s.mux.HandleFunc("POST "+InventoryPath+"/bulk_update_price_quantity", s.bulkUpdate)
	s.mux.HandleFunc("GET "+OrdersPath+"/order", s.listOrders)
	s.mux.HandleFunc("POST "+FeedPath+"/inventory_task", s.createReportTask)
	s.mux.HandleFunc("GET "+FeedPath+"/inventory_task", s.listReportTasks)
	s.mux.HandleFunc("GET "+FeedPath+"/inventory_task/{id}", s.getReportTask)
	s.mux.HandleFunc("GET "+FeedPath+"/task/{id}/download_result_file", s.downloadResult)
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, apiError{2002, "API_INVENTORY", "REQUEST", "Resource not found", "The resource " + r.URL.Path + " does not exist."})
	})
	s.http = httptest.NewServer(s.Handler())
	return s
}

// URL is the account's API address, to use as the client's api_url.
func (s *Server) URL() string { return s.http.URL }

// Credentials are what connects the client to this fake.
func (s *Server) Credentials() map[string]string {
	return map[string]string{"client_id": s.opts.ClientID, "client_secret": s.opts.ClientSecret,
		"refresh_token": s.opts.RefreshToken, "marketplace": DefaultMarketplace, "api_url": s.URL(), "ru_name": DefaultRuName}
}

// Handler serves the fake's API, for mounting on another listener.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

// Close stops the server, first releasing requests that hang on purpose.
func (s *Server) Close() {
	fakekit.Release(s.Faults)
	s.http.Close()
}

func (s *Server) now() time.Time { return s.opts.Now() }

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	_, pattern := s.mux.Handler(r)
	fault, ok := fakekit.Begin(r, s.Recorder, s.Faults, Call{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, At: s.now(), Operation: pattern})
	if !ok {
		return
	}
	token := r.URL.Path == TokenPath || r.URL.Path == "/oauth2/authorize"
	switch {
	case fault.Kind == fakekit.Fail:
		writeError(w, fault.Status, apiError{25001, "API_INVENTORY", "APPLICATION", "A system error has occurred. Internal server error.", ""})
		return
	case fault.Kind == fakekit.Throttle || (!token && s.throttleThisOne()):
		if s.opts.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.FormatFloat(s.opts.RetryAfter.Seconds(), 'f', -1, 64))
		}
		writeError(w, http.StatusTooManyRequests, apiError{2001, "ACCESS", "REQUEST", "Too many requests. The request limit has been reached for the resource.", ""})
		return
	}
	if !token {
		s.countDownToExpiry()
	}
	if !token && !s.authorised(r) {
		writeError(w, http.StatusUnauthorized, apiError{1001, "OAuth", "REQUEST", "Invalid access token", "Invalid access token. Check the value of the Authorization HTTP request header."})
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

// authorised accepts a bearer token the fake minted that has not expired.
func (s *Server) authorised(r *http.Request) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	exp, known := s.tokens[tok]
	return known && s.now().Before(exp)
}

// ExpireTokensAfter makes every access token handed out die after the next
// n API calls, as when eBay revokes them in the middle of a sync.
func (s *Server) ExpireTokensAfter(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expireAfter = n
}

func (s *Server) countDownToExpiry() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.expireAfter <= 0 {
		return
	}
	s.expireAfter--
	if s.expireAfter == 0 {
		clear(s.tokens)
	}
}
