package fake

import (
	"fmt"
	"net/http"
)

// lwaToken is Login with Amazon's refresh_token grant.
func (s *Server) lwaToken(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request", "error_description": "The request is missing a required parameter"})
		return
	}
	f := r.PostForm
	if f.Get("client_id") != s.opts.ClientID || f.Get("client_secret") != s.opts.ClientSecret {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client", "error_description": "Client authentication failed"})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if f.Get("grant_type") != "refresh_token" || f.Get("refresh_token") != s.opts.RefreshToken || s.revoked {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant", "error_description": "The request has an invalid grant parameter : refresh_token"})
		return
	}
	s.minted++
	token := fmt.Sprintf("Atza|fake-access-token-%d", s.minted)
	s.tokens[token] = s.now().Add(s.opts.TokenTTL)
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": token, "refresh_token": s.opts.RefreshToken, "token_type": "bearer", "expires_in": int(s.opts.TokenTTL.Seconds()),
	})
}

// checkToken says why an access token is refused; "" when it is good.
func (s *Server) checkToken(token string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	exp, ok := s.tokens[token]
	switch {
	case token == "":
		return "The request has no access token."
	case !ok:
		return "The access token you provided is revoked, malformed or invalid."
	case !s.now().Before(exp):
		return "The access token you provided has expired."
	}
	return ""
}

// ExpireTokens ends every access token issued so far, as an hour passing
// would: the next call with one is refused until the client refreshes.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for t := range s.tokens {
		s.tokens[t] = s.now()
	}
}

// RevokeRefreshToken makes the refresh token useless, as the seller
// removing the app's authorisation does; issued access tokens die too.
func (s *Server) RevokeRefreshToken() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.revoked = true
	clear(s.tokens)
}

// TokensMinted says how many access tokens were issued.
func (s *Server) TokensMinted() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.minted
}

// ExpireTokensAfter makes every token issued expire once n more API calls
// have been answered: a token dying in the middle of a sync.
func (s *Server) ExpireTokensAfter(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expireIn = n + 1
}

func (s *Server) countdownExpiry() {
	s.mu.Lock()
	if s.expireIn > 0 {
		s.expireIn--
		if s.expireIn == 0 {
			for t := range s.tokens {
				s.tokens[t] = s.now()
			}
		}
	}
	s.mu.Unlock()
}
