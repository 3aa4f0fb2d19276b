package etsy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"time"

	"stocksync/internal/channel"
)

const (
	tokenPath = "/v3/public/oauth/token"
	// consentURL is where the shop owner approves access; a test server
	// serves it under its own address.
	consentURL = "https://www.etsy.com/oauth/connect"
	// scopes: read listings with their SKUs, write their inventory, read
	// the shop's receipts.
	scopes = "listings_r listings_w transactions_r shops_r"
)

var oauthFlow = &channel.OAuthFlow{
	Button:       "Connect with Etsy",
	Filled:       []string{"refresh_token"},
	AuthorizeURL: authorizeURL,
	Exchange:     exchange,
}

// tokenAnswer is the token endpoint's answer.
type tokenAnswer struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
}

// refresh trades the refresh token for an access token and, Etsy rotating
// them, the next refresh token.
func (c *Client) refresh(ctx context.Context, refreshToken string) (channel.Token, error) {
	form := url.Values{"grant_type": {"refresh_token"}, "client_id": {c.keystring}, "refresh_token": {refreshToken}}
	return requestToken(ctx, c.caller, c.api, "renewing the access token", form, c.opts.Now())
}

func requestToken(ctx context.Context, caller *channel.Caller, api, what string, form url.Values, now time.Time) (channel.Token, error) {
	resp, err := caller.Do(ctx, channel.Request{
		What: "etsy: " + what,
		New: func(ctx context.Context) (*http.Request, error) {
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, api+tokenPath, strings.NewReader(form.Encode()))
			if err != nil {
				return nil, err
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Accept", "application/json")
			return req, nil
		},
		ErrorMessage: errorMessage,
		Identify:     func(resp *channel.Response) error { return channel.ExpectJSON(resp, openAPI, "API address") },
	})
	var httpErr *channel.HTTPError
	if errors.As(err, &httpErr) && httpErr.Status == http.StatusBadRequest && strings.Contains(httpErr.Message, "invalid_grant") {
		// A void refresh token or code: only the shop owner can help.
		return channel.Token{}, fmt.Errorf("%w (Etsy: %s)", channel.ErrUnauthorized, httpErr.Message)
	}
	if err != nil {
		return channel.Token{}, err
	}
	var t tokenAnswer
	if json.Unmarshal(resp.Body, &t) != nil || t.AccessToken == "" {
		return channel.Token{}, &channel.MalformedError{What: "etsy: " + what, Err: errors.New("the answer holds no access_token")}
	}
	expires := time.Duration(t.ExpiresIn) * time.Second
	if expires <= 0 {
		expires = time.Hour // Etsy's documented lifetime
	}
	return channel.Token{Access: t.AccessToken, Refresh: t.RefreshToken, Expiry: now.Add(expires)}, nil
}

// authorizeURL is Etsy's consent page for the app of creds.
func authorizeURL(creds map[string]string, redirectURI, state, challenge string, opts channel.Options) (string, error) {
	key := strings.TrimSpace(creds["keystring"])
	if !keyChars.MatchString(key) {
		return "", errors.New("etsy: the API key (keystring) should contain only letters and digits; copy it again from Your apps on etsy.com/developers")
	}
	page := consentURL
	if api, err := apiBase(creds, opts); err != nil {
		return "", err
	} else if api != DefaultAPI {
		page = api + "/oauth/connect"
	}
	q := url.Values{
		"response_type": {"code"}, "client_id": {key}, "redirect_uri": {redirectURI}, "scope": {scopes},
		"state": {state}, "code_challenge": {challenge}, "code_challenge_method": {"S256"},
	}
	return page + "?" + q.Encode(), nil
}

// exchange trades an authorization code for the shop owner's refresh
// token, and returns creds completed with it.
func exchange(ctx context.Context, creds map[string]string, redirectURI, code, verifier string, opts channel.Options) (map[string]string, error) {
	api, err := apiBase(creds, opts)
	if err != nil {
		return nil, err
	}
	form := url.Values{"grant_type": {"authorization_code"}, "client_id": {strings.TrimSpace(creds["keystring"])},
		"redirect_uri": {redirectURI}, "code": {code}, "code_verifier": {verifier}}
	opts = opts.WithDefaults()
	t, err := requestToken(ctx, channel.NewCaller(opts), api, "exchanging the authorization code", form, opts.Now())
	if err != nil {
		return nil, err
	}
	if t.Refresh == "" {
		return nil, &channel.MalformedError{What: "etsy: exchanging the authorization code", Err: errors.New("the answer holds no refresh_token")}
	}
	out := maps.Clone(creds)
	out["refresh_token"] = t.Refresh
	return out, nil
}
