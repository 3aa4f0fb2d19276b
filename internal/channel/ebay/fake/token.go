package fake

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"strings"
)

// mintToken is the refresh-token grant of eBay's OAuth endpoint: Basic
// client credentials, a form body, and OAuth's error shapes.
func (s *Server) mintToken(w http.ResponseWriter, r *http.Request) {
	id, secret, ok := r.BasicAuth()
	if !ok || id != s.opts.ClientID || secret != s.opts.ClientSecret {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "invalid_client", "error_description": "client authentication failed"})
		return
	}
	if err := r.ParseForm(); err != nil || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "invalid_request", "error_description": "request is missing a required parameter or malformed."})
		return
	}
	switch {
	case r.PostForm.Get("grant_type") == "authorization_code":
		if r.PostForm.Get("redirect_uri") != DefaultRuName || !s.takeCode(r.PostForm.Get("code")) {
			writeJSON(w, http.StatusBadRequest, map[string]any{"error": "invalid_grant", "error_description": "the provided authorization grant code is invalid or was issued to another client"})
			return
		}
		token := s.newAccessToken()
		writeJSON(w, http.StatusOK, map[string]any{"access_token": token, "expires_in": int(s.opts.TokenLifetime.Seconds()),
			"refresh_token": s.opts.RefreshToken, "refresh_token_expires_in": 47304000, "token_type": "User Access Token"})
		return
	case r.PostForm.Get("grant_type") != "refresh_token":
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "unsupported_grant_type", "error_description": "grant type in request is not supported by the authorization server"})
		return
	case r.PostForm.Get("refresh_token") != s.opts.RefreshToken:
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "invalid_grant", "error_description": "the provided authorization refresh token is invalid or was issued to another client"})
		return
	}
	for _, scope := range strings.Fields(r.PostForm.Get("scope")) {
		if !strings.HasPrefix(scope, "https://api.ebay.com/oauth/api_scope") {
			writeJSON(w, http.StatusBadRequest, map[string]any{"error": "invalid_scope", "error_description": "the requested scope is invalid, unknown, malformed, or exceeds the scope granted to the client"})
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"access_token": s.newAccessToken(), "expires_in": int(s.opts.TokenLifetime.Seconds()), "token_type": "User Access Token"})
}

// ExpireTokens makes every access token handed out so far invalid, as when
// eBay revokes them before their time; the next call answers 401.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.tokens)
}

// TokenCalls counts the refresh grants asked for.
func (s *Server) TokenCalls() int { return s.CallCount("POST " + TokenPath) }

func (s *Server) newAccessToken() string {
	var b [24]byte
	_, _ = rand.Read(b[:])
	token := "v^1.1#i^1#f^0#p^3#I^3#r^0#t^" + base64.StdEncoding.EncodeToString(b[:])
	s.mu.Lock()
	s.tokens[token] = s.now().Add(s.opts.TokenLifetime)
	s.mu.Unlock()
	return token
}
