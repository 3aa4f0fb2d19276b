package fake

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"stocksync/internal/channel/internal/fakekit"
)

const (
	// APIVersion is the only Admin API version the fake serves.
	APIVersion = "2026-04"
	// GraphQLPath is where the fake answers.
	GraphQLPath = "/admin/api/" + APIVersion + "/graphql.json"
	// DefaultAccessToken is the token a fake accepts unless Options says otherwise.
	DefaultAccessToken = "shpat_sandbox0000000000000000000000"
	// maxQueryCost is the most a single query may cost, as on Shopify.
	maxQueryCost = 1000
)

// Options configure a fake shop. The zero value is a Standard-plan shop.
type Options struct {
	AccessToken      string  // DefaultAccessToken when empty
	ShopName         string  // "Sandbox Shop" when empty
	RestoreRate      float64 // cost points restored per second; 100 when zero
	MaximumAvailable float64 // bucket size; 2000 when zero
	// Now is the fake's clock; tests pass one they advance from the
	// client's injected Sleep so that throttling resolves without waiting.
	Now func() time.Time
	// BulkDelay is how long a bulk query runs on the fake's clock before
	// it is COMPLETED; 0 completes it at once.
	BulkDelay time.Duration
	// BulkObjectsPerSecond, when set, adds the time Shopify takes to
	// export the objects: a bulk query then runs BulkDelay plus its
	// variants divided by this rate (see ModelledExport). Tests leave it
	// zero.
	BulkObjectsPerSecond float64
	// BulkLimit is how many bulk queries may run at once; 1 when zero, the
	// strictest Shopify has had (API 2026-01 and later allow five).
	BulkLimit int
}

// Call is one request the fake received.
type Call = fakekit.Call

// Server is a fake shop. Its methods are safe for concurrent use.
type Server struct {
	*fakekit.Faults
	*fakekit.Recorder
	// Webhooks delivers order webhooks to the addresses set with
	// SetWebhooks.
	*fakekit.Webhooks

	opts Options
	http *httptest.Server

	mu             sync.Mutex
	variants       []*variant // sorted by id
	orders         []*storedOrder
	locations      []Location
	bucket         bucket
	storefront     string // see SetStorefront
	idempotent     map[string]idempotentResult
	denied         map[string]bool
	bulk           bulkState
	nextVariant    int64
	nextProduct    int64
	nextOrder      int64
	nextLineItem   int64
	nextAdjustment int64
}

// New starts a fake shop on a loopback port; Close stops it.
func New(opts Options) *Server {
	if opts.AccessToken == "" {
		opts.AccessToken = DefaultAccessToken
	}
	if opts.ShopName == "" {
		opts.ShopName = "Sandbox Shop"
	}
	if opts.RestoreRate == 0 {
		opts.RestoreRate = 100
	}
	if opts.MaximumAvailable == 0 {
		opts.MaximumAvailable = 2000
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.BulkLimit == 0 {
		opts.BulkLimit = 1
	}
	s := &Server{
		Faults:       fakekit.NewFaults(),
		Recorder:     &fakekit.Recorder{},
		Webhooks:     &fakekit.Webhooks{},
		opts:         opts,
		locations:    []Location{{ID: gid("Location", locationIDBase+1), Name: "Shop location", Active: true, Primary: true}},
		bucket:       bucket{maximum: opts.MaximumAvailable, restoreRate: opts.RestoreRate, available: opts.MaximumAvailable},
		idempotent:   map[string]idempotentResult{},
		denied:       map[string]bool{},
		nextVariant:  variantIDBase + 1,
		nextProduct:  productIDBase + 1,
		nextOrder:    orderIDBase + 1,
		nextLineItem: lineItemIDBase + 1,
	}
	s.http = httptest.NewServer(s.Handler())
	return s
}

// URL is the shop's base URL, to use as the client's shop_url.
func (s *Server) URL() string { return s.http.URL }

// Handler serves the fake's API, for mounting on another listener.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

// Close stops the server, first releasing requests that hang on purpose.
func (s *Server) Close() {
	fakekit.Release(s.Faults)
	s.http.Close()
}

// DenyAccess makes the named root fields ("orders", "inventorySetQuantities"
// …) answer ACCESS_DENIED, as when the app lacks a scope; no names clears it.
func (s *Server) DenyAccess(rootFields ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.denied = map[string]bool{}
	for _, f := range rootFields {
		s.denied[f] = true
	}
}

func (s *Server) now() time.Time { return s.opts.Now() }

type graphqlRequest struct {
	Query     string         `json:"query"`
	Variables map[string]any `json:"variables"`
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, bulkPath) {
		s.serveBulkFile(w, r)
		return
	}
	if strings.HasPrefix(r.URL.Path, storefrontPath) {
		s.serveStorefront(w, r)
		return
	}
	if r.URL.Path != GraphQLPath {
		writeJSON(w, http.StatusNotFound, map[string]any{"errors": "Not Found"})
		return
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	var req graphqlRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	decodeErr := dec.Decode(&req)
	var op *operation
	parseErr := decodeErr
	if decodeErr == nil {
		op, parseErr = parseOperation(req.Query, req.Variables)
	}
	call := Call{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, At: s.now()}
	if op != nil {
		call.Operation = rootFields(op)
		call.IdempotencyKey = idempotencyKey(op)
	}
	fault, ok := fakekit.Begin(r, s.Recorder, s.Faults, call)
	if !ok {
		return
	}
	switch fault.Kind {
	case fakekit.Fail:
		writeJSON(w, fault.Status, map[string]any{"errors": http.StatusText(fault.Status)})
		return
	}
	if r.Method != http.MethodPost {
		writeJSON(w, http.StatusMethodNotAllowed, map[string]any{"errors": "Method Not Allowed"})
		return
	}
	if r.Header.Get("X-Shopify-Access-Token") != s.opts.AccessToken {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"})
		return
	}
	if fault.Kind == fakekit.Malformed {
		tw := fakekit.NewTruncatingWriter(w)
		defer tw.Finish()
		w = tw
	}
	switch {
	case decodeErr != nil || req.Query == "":
		writeJSON(w, http.StatusBadRequest, map[string]any{"errors": map[string]any{"query": "Required parameter missing or invalid"}})
	case parseErr != nil:
		writeJSON(w, http.StatusOK, map[string]any{"errors": []*gqlError{{Message: parseErr.Error()}}})
	default:
		writeJSON(w, http.StatusOK, s.execute(op, fault.Kind == fakekit.Throttle))
	}
}

func idempotencyKey(op *operation) string {
	for _, f := range op.fields {
		if k, ok := f.directives["idempotent"]["key"].(string); ok {
			return k
		}
	}
	return ""
}

// execute charges the query to the bucket and runs it.
func (s *Server) execute(op *operation, forceThrottle bool) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	requested := requestedCost(op)
	s.bucket.refill(now)
	costOf := func(actual any, available float64) map[string]any {
		return map[string]any{"cost": map[string]any{
			"requestedQueryCost": requested, "actualQueryCost": actual,
			"throttleStatus": s.bucket.status(available),
		}}
	}
	fail := func(err error) map[string]any {
		var ge *gqlError
		if !errors.As(err, &ge) {
			ge = newError("INTERNAL_SERVER_ERROR", "%s", err.Error())
		}
		return map[string]any{"errors": []*gqlError{ge}, "extensions": costOf(nil, s.bucket.available)}
	}
	for _, f := range op.fields {
		if s.denied[f.name] {
			return fail(newError("ACCESS_DENIED", "Access denied for %s field.", f.name))
		}
	}
	if requested > maxQueryCost {
		return map[string]any{"errors": []*gqlError{{
			Message:    fmt.Sprintf("Query cost is %d, which exceeds the single query max cost limit (%d).", requested, maxQueryCost),
			Extensions: map[string]any{"code": "MAX_COST_EXCEEDED", "cost": requested, "maxCost": maxQueryCost},
		}}}
	}
	if forceThrottle {
		// Answer as if the bucket were empty, without touching the real one,
		// so the client's computed wait is predictable.
		return map[string]any{"errors": []*gqlError{newError("THROTTLED", "Throttled")}, "extensions": costOf(nil, 0)}
	}
	if !s.bucket.take(requested, now) {
		return fail(newError("THROTTLED", "Throttled"))
	}
	roots, rootType := queryRoot, "QueryRoot"
	if op.kind == "mutation" {
		roots, rootType = mutationRoot, "Mutation"
	}
	data := map[string]any{}
	actual := 0
	for _, f := range op.fields {
		resolve, ok := roots[f.name]
		if !ok {
			s.bucket.refund(requested)
			return fail(&gqlError{
				Message:    "Field '" + f.name + "' doesn't exist on type '" + rootType + "'",
				Extensions: map[string]any{"code": "undefinedField", "typeName": rootType, "fieldName": f.name},
			})
		}
		v, err := resolve(s, f)
		var pv any
		if err == nil {
			cost := 0
			pv, err = project(v, f, &cost)
			if op.kind == "mutation" {
				cost = mutationCost
			}
			actual += cost
		}
		if err != nil {
			s.bucket.refund(requested)
			return fail(err)
		}
		data[f.key()] = pv
	}
	s.bucket.refund(requested - actual)
	return map[string]any{"data": data, "extensions": costOf(actual, s.bucket.available)}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := fakekit.Marshal(v)
	if err != nil {
		status, body = http.StatusInternalServerError, []byte(`{"errors":"fake could not encode its answer"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
