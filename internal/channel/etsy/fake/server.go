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
	// APIPath is where the application API lives.
	APIPath = "/v3/application"
	// DefaultKeystring, DefaultSharedSecret and DefaultShopID are what a
	// fake accepts unless Options says otherwise.
	DefaultKeystring    = "fakeetsykeystring0123456789"
	DefaultSharedSecret = "fakeetsysharedsecret"
	DefaultShopID       = 31415926
	maxLimit            = 100
)

// Options configure a fake shop.
type Options struct {
	Keystring    string // DefaultKeystring when empty
	SharedSecret string // DefaultSharedSecret when empty
	ShopID       int64  // DefaultShopID when 0
	// PerSecond and PerDay are the app's limits; Etsy's defaults (10 and
	// 10,000) when 0. The day is a rolling 24 hours.
	PerSecond, PerDay int
	// AccessTTL is how long an access token lasts; an hour when 0.
	AccessTTL time.Duration
	// PermanentRefreshToken, when set, is a refresh token that stays valid
	// after use (the sandbox's preset), though it still hands out rotating
	// ones; every other refresh token is void once used.
	PermanentRefreshToken string
	// AcceptEarlierRefreshTokens takes, once, a refresh token this fake
	// did not issue but an earlier run of it may have (the sandbox after a
	// restart, whose channels hold rotated tokens); one used here is void.
	AcceptEarlierRefreshTokens bool
	// IgnoreIncludes answers without the inventory a client asked to
	// include; IgnoreSort ignores sort_on and sort_order, which Etsy
	// documents as working only with a search.
	IgnoreIncludes, IgnoreSort bool
	Now                        func() time.Time // the fake's clock; time.Now when nil
}

// Server is a fake Etsy shop. Its methods are safe for concurrent use.
type Server struct {
	*fakekit.Faults
	*fakekit.Recorder

	opts Options
	http *httptest.Server
	mux  *http.ServeMux

	mu            sync.Mutex
	listings      []*Listing // sorted by ID
	receipts      []*Receipt // sorted by ID
	nextID        int64
	deleted       []string // products deleted by inventory PUTs: "listing: sku or values"
	puts          int
	storefrontURL string

	tokens tokenStore
	calls  callWindow
}

// New starts a fake shop on a loopback port; Close stops it.
func New(opts Options) *Server {
	if opts.Keystring == "" {
		opts.Keystring = DefaultKeystring
	}
	if opts.SharedSecret == "" {
		opts.SharedSecret = DefaultSharedSecret
	}
	if opts.ShopID == 0 {
		opts.ShopID = DefaultShopID
	}
	if opts.PerSecond == 0 {
		opts.PerSecond = 10
	}
	if opts.PerDay == 0 {
		opts.PerDay = 10_000
	}
	if opts.AccessTTL == 0 {
		opts.AccessTTL = time.Hour
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{Faults: fakekit.NewFaults(), Recorder: &fakekit.Recorder{}, opts: opts, nextID: 1000000001}
	s.tokens.init()
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("GET "+APIPath+"/users/me", s.me)
	s.mux.HandleFunc("GET "+APIPath+"/shops/{shop}/listings", s.listListings)
	s.mux.HandleFunc("GET "+APIPath+"/listings/batch", s.listingsByIDs)
	s.mux.HandleFunc("GET "+APIPath+"/listings/{id}/inventory", s.getInventory)
	s.mux.HandleFunc("PUT "+APIPath+"/listings/{id}/inventory", s.putInventory)
	s.mux.HandleFunc("GET "+APIPath+"/shops/{shop}/receipts", s.listReceipts)
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "Resource not found")
	})
	s.http = httptest.NewServer(s.Handler())
	return s
}

// URL is the fake's address, the client's api_url.
func (s *Server) URL() string { return s.http.URL }

// Handler serves the fake, for mounting on another listener.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

// Close stops the server, first releasing requests that hang on purpose.
func (s *Server) Close() {
	fakekit.Release(s.Faults)
	s.http.Close()
}

// Credentials are what a client needs to reach this shop, with a fresh
// refresh token.
func (s *Server) Credentials() map[string]string {
	return map[string]string{"keystring": s.opts.Keystring, "shared_secret": s.opts.SharedSecret,
		"shop_id": strconv.FormatInt(s.opts.ShopID, 10), "refresh_token": s.IssueRefreshToken(), "api_url": s.URL()}
}

func (s *Server) now() time.Time { return s.opts.Now() }

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == tokenPath:
		s.token(w, r)
		return
	case r.URL.Path == consentPath:
		s.consent(w, r)
		return
	case strings.HasPrefix(r.URL.Path, storefrontPath):
		s.serveStorefront(w, r)
		return
	}
	_, pattern := s.mux.Handler(r)
	fault, ok := fakekit.Begin(r, s.Recorder, s.Faults, fakekit.Call{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, At: s.now(),
		Operation: strings.Replace(pattern, APIPath, "", 1)})
	if !ok {
		return
	}
	switch fault.Kind {
	case fakekit.Fail:
		writeError(w, fault.Status, "Internal Server Error")
		return
	case fakekit.Throttle:
		s.setLimitHeaders(w, 0, -1)
		w.Header().Set("Retry-After", "1")
		writeError(w, http.StatusTooManyRequests, "You have exceeded your quota of "+strconv.Itoa(s.opts.PerSecond)+" requests per second.")
		return
	}
	if !s.checkKey(w, r) || !s.checkToken(w, r) || !s.countCall(w) {
		return
	}
	if fault.Kind == fakekit.Malformed {
		tw := fakekit.NewTruncatingWriter(w)
		defer tw.Finish()
		w = tw
	}
	s.mux.ServeHTTP(w, r)
}

// checkKey wants x-api-key "keystring:shared_secret", as Etsy has since
// the shared secret became required.
func (s *Server) checkKey(w http.ResponseWriter, r *http.Request) bool {
	key, secret, ok := strings.Cut(r.Header.Get("x-api-key"), ":")
	switch {
	case key != s.opts.Keystring:
		writeError(w, http.StatusForbidden, "Invalid API key")
	case !ok || secret == "":
		writeError(w, http.StatusForbidden, "Shared secret is required in x-api-key header")
	case secret != s.opts.SharedSecret:
		writeError(w, http.StatusForbidden, "Invalid API key: the shared secret does not match")
	default:
		return true
	}
	return false
}

func (s *Server) checkToken(w http.ResponseWriter, r *http.Request) bool {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || !s.tokens.validAccess(token, s.now()) {
		writeError(w, http.StatusUnauthorized, "invalid_token")
		return false
	}
	return true
}

func (s *Server) me(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"user_id": 271828, "shop_id": s.opts.ShopID})
}

// shopOK answers 404 for another shop's ID, as Etsy does for a shop the
// token may not see.
func (s *Server) shopOK(w http.ResponseWriter, r *http.Request) bool {
	if r.PathValue("shop") != strconv.FormatInt(s.opts.ShopID, 10) {
		writeError(w, http.StatusNotFound, "Could not find a shop with shop_id = "+r.PathValue("shop"))
		return false
	}
	return true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := fakekit.Marshal(v)
	if err != nil {
		status, body = http.StatusInternalServerError, []byte(`{"error":"The fake could not encode its answer."}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// writeError sends Etsy's error body: {"error": "…"}.
func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

// SetStorefront makes listing URLs point at base, where the sandbox
// serves the shop's pages; Etsy's own when never set.
func (s *Server) SetStorefront(base string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.storefrontURL = base
}

// storefront is read with s.mu held.
func (s *Server) storefront() string {
	if s.storefrontURL == "" {
		return "https://www.etsy.com"
	}
	return s.storefrontURL
}
