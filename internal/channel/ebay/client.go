package ebay

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"stocksync/internal/channel"
)

const (
	productionAPI = "https://api.ebay.com"
	inventoryPath = "/sell/inventory/v1"
	ordersPath    = "/sell/fulfillment/v1"
	tokenPath     = "/identity/v1/oauth2/token"
	// pageSize is the largest page of inventory items and of orders.
	pageSize = 200
	// batchSize is how many SKUs bulk_update_price_quantity takes.
	batchSize = 25
	// offerFetchers is how many SKUs' offers are read at once.
	offerFetchers = 8
	restAPI       = "eBay's Sell APIs"
)

var fields = []channel.Field{
	{Name: "client_id", Label: "Client ID (App ID)", Placeholder: "YourApp-Stocksyn-PRD-…",
		Help: "From developer.ebay.com ▸ Application Keys, the production (or sandbox) keyset."},
	{Name: "client_secret", Label: "Client secret (Cert ID)", Secret: true, Placeholder: "PRD-…"},
	{Name: "refresh_token", Label: "Refresh token", Secret: true, Placeholder: "v^1.1#i^1#…",
		Help: "The seller's refresh token (valid about 18 months), with the sell.inventory and sell.fulfillment scopes."},
	{Name: "marketplace", Label: "Marketplace", Placeholder: "EBAY_US"},
	{Name: "ru_name", Label: "RuName", Optional: true, Placeholder: "YourName-YourApp-PRD-abcdefgh",
		Help: "Only for Connect with eBay: your keyset's RuName, whose accept URL is this server's /channels/oauth/ebay/callback."},
	{Name: "api_url", Label: "API address", Optional: true, Placeholder: productionAPI,
		Help: "Leave blank for eBay; https://api.sandbox.ebay.com for eBay's sandbox."},
}

func init() {
	channel.Register(channel.Kind{
		Name:        "ebay",
		DisplayName: "eBay",
		Fields:      fields,
		New:         channel.Constructor(New),
		OAuth: &channel.OAuthFlow{Button: "Connect with eBay", Filled: []string{"refresh_token"},
			AuthorizeURL: authorizeURL, Exchange: exchange},
	})
}

// Client is a channel.Connector for one eBay seller on one marketplace. It
// is safe for concurrent use.
type Client struct {
	base        string // API address without a trailing slash
	marketplace string
	language    string // Content-Language of writes, from the marketplace
	caller      *channel.Caller
	tokens      *channel.TokenSource
	now         func() time.Time
	sleep       func(context.Context, time.Duration) error
	mu          sync.Mutex
	// storedRefs reads the refs an earlier sync stored for listings of
	// this channel (channel.Options.StoredRefs); nil: none.
	storedRefs func(ctx context.Context, externalIDs []string) (map[string]string, error)
	// synced is the active inventory report of the sync under way, read at
	// its first page.
	synced *activeReport
	// clientID and secret authenticate the token requests.
	clientID, secret string
}

var _ channel.Connector = (*Client)(nil)

// New checks the credentials' form and builds a Client; it makes no call.
func New(creds map[string]string, opts channel.Options) (*Client, error) {
	if err := channel.RequireFields("ebay", fields, creds); err != nil {
		return nil, err
	}
	base, err := channel.APIBaseURL("ebay", creds["api_url"], productionAPI, opts.Addresses)
	if err != nil {
		return nil, err
	}
	market := strings.ToUpper(strings.TrimSpace(creds["marketplace"]))
	lang, ok := marketplaces[market]
	if !ok {
		return nil, fmt.Errorf("ebay: the Marketplace %q is not one eBay lists; enter its ID such as EBAY_US, EBAY_GB or EBAY_DE", market)
	}
	clientID := strings.TrimSpace(creds["client_id"])
	if !printable.MatchString(clientID) {
		return nil, errors.New("ebay: the Client ID should be the App ID of your eBay keyset, letters, digits and dashes; copy it again from developer.ebay.com")
	}
	defaults := opts.WithDefaults()
	c := &Client{base: base, marketplace: market, language: lang, caller: channel.NewCaller(opts), now: defaults.Now, sleep: defaults.Sleep,
		clientID: clientID, secret: strings.TrimSpace(creds["client_secret"]), storedRefs: opts.StoredRefs}
	// eBay's refresh token does not rotate, so there is nothing to store
	// again; the secret is part of the key so that a corrected one is not
	// served the token of the wrong one.
	c.tokens = channel.NewTokenSource([]string{"ebay", base, clientID, c.secret}, strings.TrimSpace(creds["refresh_token"]), c.refresh, nil, opts)
	return c, nil
}

var printable = regexp.MustCompile(`^[A-Za-z0-9._~-]+$`)

// marketplaces maps each marketplace eBay's Inventory API takes to the
// language its listings are written in.
var marketplaces = map[string]string{
	"EBAY_US": "en-US", "EBAY_MOTORS": "en-US", "EBAY_CA": "en-CA", "EBAY_GB": "en-GB", "EBAY_AU": "en-AU",
	"EBAY_AT": "de-AT", "EBAY_BE": "fr-BE", "EBAY_CH": "de-CH", "EBAY_DE": "de-DE", "EBAY_ES": "es-ES",
	"EBAY_FR": "fr-FR", "EBAY_HK": "zh-HK", "EBAY_IE": "en-IE", "EBAY_IN": "en-IN", "EBAY_IT": "it-IT",
	"EBAY_MY": "en-US", "EBAY_NL": "nl-NL", "EBAY_PH": "en-PH", "EBAY_PL": "pl-PL", "EBAY_SG": "en-US",
	"EBAY_TW": "zh-TW",
}

// Limits reports eBay's page and batch sizes.
func (c *Client) Limits() channel.Limits {
	return channel.Limits{PageSize: pageSize, QuantityBatchSize: batchSize}
}

// Verify mints an access token from the refresh token and reads one
// inventory item: the cheapest call that needs the seller's consent to the
// inventory scope.
func (c *Client) Verify(ctx context.Context) error {
	resp, err := c.call(ctx, "checking the credentials", http.MethodGet, inventoryPath+"/inventory_item", url.Values{"limit": {"1"}, "offset": {"0"}}, nil)
	if err != nil {
		return err
	}
	var page struct {
		Total *int `json:"total"`
	}
	if json.Unmarshal(resp.Body, &page) != nil || page.Total == nil {
		return channel.NotAPI(resp, "JSON that is not a page of inventory items", restAPI, "API address")
	}
	return nil
}

// call sends one request with a current access token. A 401 means the
// token died before its time (revoked, or eBay rotated it): it is minted
// again once and the call repeated; a second 401 is the seller's consent
// withdrawn.
func (c *Client) call(ctx context.Context, what, method, path string, query url.Values, body any) (*channel.Response, error) {
	return c.send(ctx, what, method, path, query, body, func(resp *channel.Response) error { return channel.ExpectJSON(resp, restAPI, "API address") })
}

// callBare is a call whose success is not JSON (a report's file, the
// empty 202 of a task created) while its refusals are.
func (c *Client) callBare(ctx context.Context, what, method, path string, body any) (*channel.Response, error) {
	return c.send(ctx, what, method, path, nil, body, func(resp *channel.Response) error {
		if resp.Status/100 == 2 {
			return nil
		}
		return channel.ExpectJSON(resp, restAPI, "API address")
	})
}

func (c *Client) send(ctx context.Context, what, method, path string, query url.Values, body any, identify func(*channel.Response) error) (*channel.Response, error) {
	target, payload, err := channel.EncodeCall("ebay", what, c.base+path, query, body)
	if err != nil {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		token, err := c.tokens.Token(ctx)
		if err != nil {
			return nil, err
		}
		resp, err := c.caller.Do(ctx, channel.Request{
			What: "ebay: " + what,
			New: func(ctx context.Context) (*http.Request, error) {
				req, err := http.NewRequestWithContext(ctx, method, target, bytes.NewReader(payload))
				if err != nil {
					return nil, err
				}
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Accept", "application/json")
				req.Header.Set("X-EBAY-C-MARKETPLACE-ID", c.marketplace)
				if body != nil {
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("Content-Language", c.language)
				}
				return req, nil
			},
			ErrorMessage: errorMessage,
			Identify:     identify,
		})
		if attempt == 0 && errors.Is(err, channel.ErrUnauthorized) {
			c.tokens.Invalidate(token)
			continue
		}
		return resp, err
	}
}

// decode reads a JSON answer into out.
func decode(what string, resp *channel.Response, out any) error {
	if err := json.Unmarshal(resp.Body, out); err != nil {
		return &channel.MalformedError{What: "ebay: " + what, Err: err}
	}
	return nil
}
