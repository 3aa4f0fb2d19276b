package fake

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

const (
	tokenPath   = "/v3/public/oauth/token"
	consentPath = "/oauth/connect"
)

// tokenStore holds the tokens the fake issued. Refresh tokens are void
// once used, as Etsy's are; codes are single-use and bound to their PKCE
// challenge and redirect URI.
type tokenStore struct {
	mu       sync.Mutex
	access   map[string]time.Time // token → expiry
	refresh  map[string]bool
	used     map[string]bool
	codes    map[string]pendingCode
	refreshs int // refresh grants answered
}

type pendingCode struct {
	challenge, redirectURI string
	expires                time.Time
}

func (t *tokenStore) init() {
	t.access, t.refresh, t.used, t.codes = map[string]time.Time{}, map[string]bool{}, map[string]bool{}, map[string]pendingCode{}
}

func (t *tokenStore) validAccess(token string, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	exp, ok := t.access[token]
	return ok && now.Before(exp)
}

func random(prefix string) string {
	b := make([]byte, 18)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// IssueRefreshToken makes a new valid refresh token, as if the shop owner
// had just approved the app.
func (s *Server) IssueRefreshToken() string {
	t := random("271828.")
	s.tokens.mu.Lock()
	defer s.tokens.mu.Unlock()
	s.tokens.refresh[t] = true
	return t
}

// ValidRefreshToken tells whether token would be accepted now.
func (s *Server) ValidRefreshToken(token string) bool {
	s.tokens.mu.Lock()
	defer s.tokens.mu.Unlock()
	return s.tokens.refresh[token] || (token != "" && token == s.opts.PermanentRefreshToken)
}

// RevokeAccessTokens voids every access token, as their expiry would.
func (s *Server) RevokeAccessTokens() {
	s.tokens.mu.Lock()
	defer s.tokens.mu.Unlock()
	clear(s.tokens.access)
}

// Refreshes counts the refresh grants answered.
func (s *Server) Refreshes() int {
	s.tokens.mu.Lock()
	defer s.tokens.mu.Unlock()
	return s.tokens.refreshs
}

func oauthError(w http.ResponseWriter, code, description string) {
	writeJSON(w, http.StatusBadRequest, map[string]string{"error": code, "error_description": description})
}

// token is POST /v3/public/oauth/token: the refresh_token and
// authorization_code grants.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeError(w, http.StatusMethodNotAllowed, "Method not allowed")
		return
	}
	if err := r.ParseForm(); err != nil {
		oauthError(w, "invalid_request", "The request body could not be read.")
		return
	}
	if r.PostForm.Get("client_id") != s.opts.Keystring {
		oauthError(w, "invalid_client", "The client_id is not a known app.")
		return
	}
	now := s.now()
	t := &s.tokens
	t.mu.Lock()
	defer t.mu.Unlock()
	switch r.PostForm.Get("grant_type") {
	case "refresh_token":
		rt := r.PostForm.Get("refresh_token")
		permanent := rt != "" && rt == s.opts.PermanentRefreshToken
		earlier := s.opts.AcceptEarlierRefreshTokens && strings.HasPrefix(rt, "271828.") && !t.used[rt]
		if !t.refresh[rt] && !permanent && !earlier {
			oauthError(w, "invalid_grant", "refresh_token is invalid, expired or already used")
			return
		}
		delete(t.refresh, rt)
		if !permanent {
			t.used[rt] = true
		}
		t.refreshs++
	case "authorization_code":
		code := r.PostForm.Get("code")
		p, ok := t.codes[code]
		delete(t.codes, code)
		switch {
		case !ok || now.After(p.expires):
			oauthError(w, "invalid_grant", "code is invalid or expired")
			return
		case p.redirectURI != r.PostForm.Get("redirect_uri"):
			oauthError(w, "invalid_grant", "redirect_uri does not match the one of the authorization request")
			return
		case pkce(r.PostForm.Get("code_verifier")) != p.challenge:
			oauthError(w, "invalid_grant", "code_verifier does not match the code_challenge")
			return
		}
	default:
		oauthError(w, "unsupported_grant_type", "grant_type must be authorization_code or refresh_token")
		return
	}
	access, refresh := random("271828."), random("271828.")
	t.access[access] = now.Add(s.opts.AccessTTL)
	t.refresh[refresh] = true
	writeJSON(w, http.StatusOK, map[string]any{"access_token": access, "token_type": "Bearer",
		"expires_in": int(s.opts.AccessTTL.Seconds()), "refresh_token": refresh})
}

func pkce(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// consent is the shop owner's approval page, which in the fake approves at
// once and sends the browser back with a code, or with an error when the
// request is not one Etsy would take.
func (s *Server) consent(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	back, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || back.Scheme == "" || back.Host == "" {
		writeError(w, http.StatusBadRequest, "redirect_uri is not a valid URL")
		return
	}
	answer := back.Query()
	answer.Set("state", q.Get("state"))
	switch {
	case q.Get("client_id") != s.opts.Keystring:
		answer.Set("error", "invalid_client")
	case q.Get("response_type") != "code":
		answer.Set("error", "unsupported_response_type")
	case q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "":
		answer.Set("error", "invalid_request")
		answer.Set("error_description", "code_challenge with code_challenge_method S256 is required")
	default:
		code := random("code-")
		s.tokens.mu.Lock()
		s.tokens.codes[code] = pendingCode{challenge: q.Get("code_challenge"), redirectURI: q.Get("redirect_uri"), expires: s.now().Add(10 * time.Minute)}
		s.tokens.mu.Unlock()
		answer.Set("code", code)
	}
	back.RawQuery = answer.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}
