package amazon

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"stocksync/internal/channel"
)

// refreshAhead is how long before its expiry an access token is replaced,
// so a call never leaves with a token that dies on the way.
const refreshAhead = 5 * time.Minute

// accessToken is one Login with Amazon access token. mu is held while it is
// refreshed, so only one caller per set of credentials asks for a new one
// and the others wait for its answer.
type accessToken struct {
	mu      sync.Mutex
	value   string
	expires time.Time
}

// tokens caches access tokens in memory only, keyed by a hash of the token
// endpoint, client id, client secret and refresh token, never by the secrets themselves:
// connectors are built anew for each job, and a token lasts an hour.
var tokens = struct {
	sync.Mutex
	m map[string]*accessToken
}{m: map[string]*accessToken{}}

func (c *Client) tokenEntry() *accessToken {
	h := sha256.Sum256([]byte(c.tokenURL + "\x00" + c.clientID + "\x00" + c.clientSecret + "\x00" + c.refreshToken))
	key := hex.EncodeToString(h[:])
	tokens.Lock()
	defer tokens.Unlock()
	t := tokens.m[key]
	if t == nil {
		t = &accessToken{}
		tokens.m[key] = t
	}
	return t
}

// token returns a valid access token, and whether this call minted it,
// refreshing it first when it is missing, expiring, or is the one refused
// (stale).
func (c *Client) token(ctx context.Context, stale string) (string, bool, error) {
	t := c.tokenEntry()
	t.mu.Lock()
	defer t.mu.Unlock()
	now := c.now()
	if t.value != "" && t.value != stale && now.Before(t.expires.Add(-refreshAhead)) {
		return t.value, false, nil
	}
	value, ttl, err := c.refresh(ctx)
	if err != nil {
		return "", false, err
	}
	t.value, t.expires = value, now.Add(ttl)
	return t.value, true, nil
}

// lwaError is Login with Amazon's error body.
type lwaError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// refresh exchanges the refresh token for an access token.
func (c *Client) refresh(ctx context.Context) (string, time.Duration, error) {
	form := url.Values{
		"grant_type": {"refresh_token"}, "refresh_token": {c.refreshToken},
		"client_id": {c.clientID}, "client_secret": {c.clientSecret},
	}.Encode()
	what := "amazon: getting an access token from Login with Amazon"
	resp, err := c.caller.Do(ctx, channel.Request{
		What: what,
		New: func(ctx context.Context) (*http.Request, error) {
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.tokenURL, strings.NewReader(form))
			if err != nil {
				return nil, err
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded;charset=UTF-8")
			req.Header.Set("Accept", "application/json")
			return req, nil
		},
		ErrorMessage: func(body []byte) string {
			var e lwaError
			if json.Unmarshal(body, &e) != nil || e.Error == "" {
				return ""
			}
			return e.Error
		},
	})
	var httpErr *channel.HTTPError
	switch {
	case errors.As(err, &httpErr) && httpErr.Message == "invalid_grant":
		return "", 0, fmt.Errorf("%s: the refresh token was revoked, has expired or was copied wrong: authorise the app again in Seller Central and paste the new refresh token: %w", what, channel.ErrUnauthorized)
	case errors.As(err, &httpErr) && (httpErr.Message == "invalid_client" || httpErr.Message == "unauthorized_client"):
		return "", 0, fmt.Errorf("%s: the LWA client ID or client secret is wrong: copy both again from the app in Developer Central: %w", what, channel.ErrUnauthorized)
	case err != nil && errors.Is(err, channel.ErrUnauthorized):
		// Login with Amazon answers 401 invalid_client.
		return "", 0, fmt.Errorf("%s: the LWA client ID or client secret is wrong: copy both again from the app in Developer Central: %w", what, channel.ErrUnauthorized)
	case err != nil:
		return "", 0, err
	}
	var out struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	if err := json.Unmarshal(resp.Body, &out); err != nil || out.AccessToken == "" {
		if err == nil {
			err = errors.New("no access_token in the answer")
		}
		return "", 0, &channel.MalformedError{What: what, Err: err}
	}
	ttl := time.Duration(out.ExpiresIn) * time.Second
	if ttl <= 0 {
		ttl = time.Hour
	}
	return out.AccessToken, ttl, nil
}
