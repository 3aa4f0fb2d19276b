package ebay

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"stocksync/internal/channel"
)

// scopes are what the access token is minted for: a subset of the
// seller's consent, as eBay requires of a refresh.
const scopes = "https://api.ebay.com/oauth/api_scope/sell.inventory https://api.ebay.com/oauth/api_scope/sell.fulfillment"

// refresh asks the OAuth endpoint for a user access token. eBay's
// refresh token does not rotate: it lasts about 18 months and the answer
// carries none, so the TokenSource keeps the one it has.
func (c *Client) refresh(ctx context.Context, refreshToken string) (channel.Token, error) {
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refreshToken}, "scope": {scopes}}.Encode()
	const what = "ebay: renewing the access token"
	resp, err := grant(ctx, c.caller, c.base, c.clientID, c.secret, form, what, "the refresh token")
	if err != nil {
		return channel.Token{}, err
	}
	var out struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	if err := decode("access token", resp, &out); err != nil {
		return channel.Token{}, err
	}
	if out.AccessToken == "" || out.ExpiresIn <= 0 {
		return channel.Token{}, &channel.MalformedError{What: what, Err: errors.New("the answer holds no access token and lifetime")}
	}
	return channel.Token{Access: out.AccessToken, Refresh: refreshToken, Expiry: c.now().Add(time.Duration(out.ExpiresIn) * time.Second)}, nil
}

// grant posts one grant to eBay's OAuth endpoint with the application's
// credentials. OAuth answers a refused grant with 400 invalid_grant (RFC
// 6749 §5.2: a refresh token expired, revoked or another application's,
// a code used or expired), which is the credentials' fault: ErrUnauthorized,
// naming what was refused.
func grant(ctx context.Context, caller *channel.Caller, base, clientID, secret, form, what, refusedWhat string) (*channel.Response, error) {
	resp, err := caller.Do(ctx, channel.Request{
		What: what,
		New: func(ctx context.Context) (*http.Request, error) {
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+tokenPath, strings.NewReader(form))
			if err != nil {
				return nil, err
			}
			req.SetBasicAuth(clientID, secret)
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
		return nil, fmt.Errorf("%s: eBay refused %s (%s): %w", what, refusedWhat, httpErr.Message, channel.ErrUnauthorized)
	}
	return resp, err
}

func refused(msg string) bool {
	return strings.Contains(msg, "invalid_grant") || strings.Contains(msg, "invalid_client") || strings.Contains(msg, "invalid_scope")
}
