package etsy

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"stocksync/internal/channel"
)

const (
	// DefaultAPI is Etsy's API host.
	DefaultAPI = "https://api.etsy.com"
	apiPath    = "/v3/application"
	// pageSize is Etsy's largest limit. batchSize is the updates one
	// SetQuantities takes: Etsy charges a call per listing written,
	// whatever it changes, so updates are merged per listing inside, and a
	// batch holds what a default day's budget can pay for, so that a burst
	// writes each listing once rather than once per batch it falls in.
	pageSize  = 100
	batchSize = 10_000
)

var fields = []channel.Field{
	{Name: "keystring", Label: "API key (keystring)", Placeholder: "1aa2bb33c44d55eeeeee6fff",
		Help: "Under Your apps on etsy.com/developers: the app's keystring."},
	{Name: "shared_secret", Label: "Shared secret", Secret: true},
	{Name: "shop_id", Label: "Shop ID", Placeholder: "12345678"},
	{Name: "refresh_token", Label: "Refresh token", Secret: true, Placeholder: "12345678.…",
		Help: "The shop owner's OAuth refresh token; or leave the form and press Connect with Etsy to have Etsy issue one."},
	{Name: "api_url", Label: "API address", Optional: true, Placeholder: DefaultAPI,
		Help: "Leave blank for Etsy itself; only a test server needs another address."},
}

func init() {
	channel.Register(channel.Kind{
		Name:        "etsy",
		DisplayName: "Etsy",
		Fields:      fields,
		New:         channel.Constructor(New),
		OAuth:       oauthFlow,
	})
}

// Client is a channel.Connector for one Etsy shop; safe for concurrent use.
type Client struct {
	api       string // scheme://host of the API
	keystring string
	secret    string
	shopID    string
	tokens    *channel.TokenSource
	caller    *channel.Caller
	quota     *quota
	opts      channel.Options
}

var _ channel.Connector = (*Client)(nil)

var (
	digits   = regexp.MustCompile(`^[0-9]{1,19}$`)
	keyChars = regexp.MustCompile(`^[A-Za-z0-9]+$`)
)

// New checks the credentials' form and builds a Client; it makes no call.
func New(creds map[string]string, opts channel.Options) (*Client, error) {
	if err := channel.RequireFields("etsy", fields, creds); err != nil {
		return nil, err
	}
	api, err := apiBase(creds, opts)
	if err != nil {
		return nil, err
	}
	c := &Client{
		api:       api,
		keystring: strings.TrimSpace(creds["keystring"]),
		secret:    strings.TrimSpace(creds["shared_secret"]),
		shopID:    strings.TrimSpace(creds["shop_id"]),
		caller:    channel.NewCaller(opts),
		opts:      opts.WithDefaults(),
	}
	if !keyChars.MatchString(c.keystring) {
		return nil, errors.New("etsy: the API key (keystring) should contain only letters and digits; copy it again from Your apps on etsy.com/developers")
	}
	if !digits.MatchString(c.shopID) {
		return nil, errors.New("etsy: the Shop ID is a number, such as 12345678")
	}
	c.quota = quotaFor(api, c.keystring)
	saved := maps.Clone(creds)
	persist := func(ctx context.Context, refreshToken string) error {
		saved["refresh_token"] = refreshToken
		if opts.SaveCredentials == nil {
			return nil
		}
		return opts.SaveCredentials(ctx, maps.Clone(saved))
	}
	c.tokens = channel.NewTokenSource([]string{"etsy", api, c.keystring, c.shopID}, strings.TrimSpace(creds["refresh_token"]),
		c.refresh, persist, opts)
	if opts.LoadCredentials != nil {
		c.tokens.WithReload(func(ctx context.Context) (string, error) {
			stored, err := opts.LoadCredentials(ctx)
			if err != nil {
				return "", err
			}
			if saved["refresh_token"] != stored["refresh_token"] {
				maps.Copy(saved, stored) // what is stored next builds on it
			}
			return strings.TrimSpace(stored["refresh_token"]), nil
		})
	}
	return c, nil
}

func apiBase(creds map[string]string, opts channel.Options) (string, error) {
	return channel.APIBaseURL("etsy", creds["api_url"], DefaultAPI, opts.Addresses)
}

// Limits reports Etsy's page size and the updates one SetQuantities takes.
func (c *Client) Limits() channel.Limits {
	return channel.Limits{PageSize: pageSize, QuantityBatchSize: batchSize}
}

const openAPI = "Etsy's Open API"

// Verify renews the access token and asks Etsy whose it is: the token
// must belong to the shop entered, or every later call would read another
// shop or fail.
func (c *Client) Verify(ctx context.Context) error {
	resp, err := c.call(ctx, "checking the credentials", http.MethodGet, "/users/me", nil, nil)
	if err != nil {
		return err
	}
	var me struct {
		UserID *int64 `json:"user_id"`
		ShopID *int64 `json:"shop_id"`
	}
	if json.Unmarshal(resp.Body, &me) != nil || me.UserID == nil {
		return channel.NotAPI(resp, "JSON that is not an Etsy user", openAPI, "API address")
	}
	if me.ShopID == nil || strconv.FormatInt(*me.ShopID, 10) != c.shopID {
		return fmt.Errorf("etsy: the refresh token belongs to another shop than Shop ID %s; check the Shop ID or connect with the shop owner's account", c.shopID)
	}
	return nil
}

// call sends one request under the quota, with a fresh access token, and
// returns the accepted response. A token Etsy refuses before its expiry is
// renewed once.
func (c *Client) call(ctx context.Context, what, method, path string, query url.Values, body any) (*channel.Response, error) {
	target, payload, err := channel.EncodeCall("etsy", what, c.api+apiPath+path, query, body)
	if err != nil {
		return nil, err
	}
	for renewed := false; ; renewed = true {
		token, err := c.tokens.Token(ctx)
		if err != nil {
			return nil, fmt.Errorf("etsy: %s: %w", what, err)
		}
		if err := c.quota.take(ctx, c.opts); err != nil {
			return nil, fmt.Errorf("etsy: %s: %w", what, err)
		}
		resp, err := c.caller.Do(ctx, channel.Request{
			What: "etsy: " + what,
			New: func(ctx context.Context) (*http.Request, error) {
				req, err := http.NewRequestWithContext(ctx, method, target, bytes.NewReader(payload))
				if err != nil {
					return nil, err
				}
				req.Header.Set("x-api-key", c.keystring+":"+c.secret)
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Accept", "application/json")
				if body != nil {
					req.Header.Set("Content-Type", "application/json")
				}
				return req, nil
			},
			ErrorMessage: errorMessage,
			Identify:     func(resp *channel.Response) error { return channel.ExpectJSON(resp, openAPI, "API address") },
			Observe:      func(resp *channel.Response) { c.quota.observe(resp, c.opts.Now()) },
		})
		if errors.Is(err, channel.ErrUnauthorized) && !renewed {
			c.tokens.Invalidate(token)
			continue
		}
		if err != nil {
			return nil, c.quota.explain(err, c.opts.Now())
		}
		return resp, nil
	}
}

// decode reads a JSON answer into out.
func decode(what string, resp *channel.Response, out any) error {
	if err := json.Unmarshal(resp.Body, out); err != nil {
		return &channel.MalformedError{What: "etsy: " + what, Err: err}
	}
	return nil
}

// errorMessage reads Etsy's error body: {"error": "…"}, and the OAuth
// endpoint's {"error": "invalid_grant", "error_description": "…"}.
func errorMessage(body []byte) string {
	var e struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if json.Unmarshal(body, &e) != nil {
		return ""
	}
	if e.Description != "" {
		return e.Description + " (" + e.Error + ")"
	}
	return e.Error
}

var _ channel.QuotaReporter = (*Client)(nil)

// QuotaStatus reports the app's day budget as Etsy's headers last gave it.
// The budget belongs to the app (the keystring), so shops connected
// through one app share it.
func (c *Client) QuotaStatus() (channel.QuotaStatus, bool) { return c.quota.status(c.opts.Now()) }
