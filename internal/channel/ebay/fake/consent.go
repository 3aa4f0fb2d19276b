package fake

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"net/url"
	"time"
)

// DefaultRuName is the RuName the fake's application has: eBay's name for
// the accept URL a seller is sent back to after granting access.
const DefaultRuName = "Stocksync_Sandb-Stocksyn-Sandbo-abcdefgh"

// SetAcceptURL sets where the consent page sends the seller back, as the
// accept URL registered with the RuName does on eBay.
func (s *Server) SetAcceptURL(u string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.acceptURL = u
}

// authorize is eBay's consent page, approving at once as the seller would:
// it sends the browser to the accept URL with a code and the state.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mu.Lock()
	accept := s.acceptURL
	s.mu.Unlock()
	if q.Get("client_id") != s.opts.ClientID || q.Get("redirect_uri") != DefaultRuName || q.Get("response_type") != "code" || accept == "" {
		http.Error(w, "The request is invalid: unknown client_id or redirect_uri (RuName).", http.StatusBadRequest)
		return
	}
	var b [18]byte
	_, _ = rand.Read(b[:])
	code := "v^1.1#i^1#r^1#f^0#p^3#I^3#t^" + base64.StdEncoding.EncodeToString(b[:])
	s.mu.Lock()
	s.codes[code] = s.now().Add(5 * time.Minute)
	s.mu.Unlock()
	back := url.Values{"state": {q.Get("state")}, "code": {code}, "expires_in": {"299"}}
	http.Redirect(w, r, accept+"?"+back.Encode(), http.StatusFound)
}

// takeCode accepts a code once, before it expires.
func (s *Server) takeCode(code string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	exp, ok := s.codes[code]
	delete(s.codes, code)
	return ok && s.now().Before(exp)
}
