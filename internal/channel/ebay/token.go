package ebay

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"stocksync/internal/channel"
)

// scopes are what the access token is minted for: a subset of the
// seller's consent, as eBay requires of a refresh.
const scopes = "https://api.ebay.com/oauth/api_scope/sell.inventory https://api.ebay.com/oauth/api_scope/sell.fulfillment"

// refreshMargin is how long before its expiry an access token is replaced,
// so that a call never leaves with a token that dies on the way.
const refreshMargin = 5 * time.Minute

type tokenKey struct{ endpoint, clientID, secret, refresh string }

// tokenSource holds one set of credentials' access token. Connectors are
// built anew for every job, so the token lives in a package-level cache
// keyed by a hash of the credentials (never the credentials themselves),
// and its mutex lets one caller at a time mint a token while the others
// wait for it: eBay limits refresh grants to 50,000 a day per application.
type tokenSource struct {
	key     tokenKey
	mu      sync.Mutex
	token   string
	expires time.Time
}

var tokenCache = struct {
	sync.Mutex
	m map[[32]byte]*tokenSource
}{m: map[[32]byte]*tokenSource{}}

func tokenFor(k tokenKey) *tokenSource {
	h := sha256.Sum256([]byte(k.endpoint + "\x00" + k.clientID + "\x00" + k.secret + "\x00" + k.refresh))
	tokenCache.Lock()
	defer tokenCache.Unlock()
	ts := tokenCache.m[h]
	if ts == nil {
		ts = &tokenSource{key: k}
		tokenCache.m[h] = ts
	}
	return ts
}

// now is the clock tokens expire by; tests move it.
var now = time.Now

// get returns a token with more than refreshMargin to live, minting one if
// needed.
func (t *tokenSource) get(ctx context.Context, caller *channel.Caller) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.token != "" && now().Before(t.expires) {
		return t.token, nil
	}
	token, lifetime, err := mint(ctx, caller, t.key)
	if err != nil {
		return "", err
	}
	margin := min(refreshMargin, lifetime/2)
	t.token, t.expires = token, now().Add(lifetime-margin)
	return token, nil
}

// invalidate forgets token if it is still the current one, so that the
// next get mints another; a token another caller already replaced stays.
func (t *tokenSource) invalidate(token string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.token == token {
		t.token = ""
	}
}

// mint asks the OAuth endpoint for a user access token.
func mint(ctx context.Context, caller *channel.Caller, k tokenKey) (string, time.Duration, error) {
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {k.refresh}, "scope": {scopes}}.Encode()
	const what = "ebay: renewing the access token"
	resp, err := caller.Do(ctx, channel.Request{
		What: what,
		New: func(ctx context.Context) (*http.Request, error) {
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, k.endpoint, strings.NewReader(form))
			if err != nil {
				return nil, err
			}
			req.SetBasicAuth(k.clientID, k.secret)
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Accept", "application/json")
			return req, nil
		},
		ErrorMessage: errorMessage,
		Identify: func(resp *channel.Response) error {
			return channel.ExpectJSON(resp, "eBay's OAuth endpoint", "API address")
		},
	})
	var httpErr *channel.HTTPError
	if errors.As(err, &httpErr) && httpErr.Status == http.StatusBadRequest && refused(httpErr.Message) {
		// OAuth answers a refused grant with 400 invalid_grant (RFC 6749
		// §5.2): the refresh token expired or was revoked, or belongs to
		// another application.
		return "", 0, fmt.Errorf("%s: eBay refused the refresh token (%s): %w", what, httpErr.Message, channel.ErrUnauthorized)
	}
	if err != nil {
		return "", 0, err
	}
	var out struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	if err := decode("access token", resp, &out); err != nil {
		return "", 0, err
	}
	if out.AccessToken == "" || out.ExpiresIn <= 0 {
		return "", 0, &channel.MalformedError{What: what, Err: errors.New("the answer holds no access token and lifetime")}
	}
	return out.AccessToken, time.Duration(out.ExpiresIn) * time.Second, nil
}

func refused(msg string) bool {
	return strings.Contains(msg, "invalid_grant") || strings.Contains(msg, "invalid_client") || strings.Contains(msg, "invalid_scope")
}
