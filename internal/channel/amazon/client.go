package amazon

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"stocksync/internal/channel"
)

const (
	// searchPageSize is searchListingsItems' maximum pageSize.
	searchPageSize = 20
	// quantityBatchSize is what one SetQuantities takes: one feed of at
	// most 25,000 messages per marketplace, with room to spare.
	quantityBatchSize = 20_000
)

var fields = []channel.Field{
	{Name: "region", Label: "Region", Placeholder: "NA, EU or FE",
		Help: "NA: North and South America; EU: Europe, Middle East, India, Africa; FE: Japan, Australia, Singapore."},
	{Name: "seller_id", Label: "Seller ID", Placeholder: "A1B2C3D4E5F6G7",
		Help: "Your merchant token, under Seller Central ▸ Settings ▸ Account Info ▸ Business Information ▸ Merchant Token."},
	{Name: "marketplace_ids", Label: "Marketplace IDs", Placeholder: "ATVPDKIKX0DER",
		Help: "One or more, separated by commas, all in the region above."},
	{Name: "client_id", Label: "LWA client ID", Placeholder: "amzn1.application-oa2-client.…"},
	{Name: "client_secret", Label: "LWA client secret", Secret: true},
	{Name: "refresh_token", Label: "Refresh token", Secret: true, Placeholder: "Atzr|…",
		Help: "The refresh token Seller Central shows when you authorise the app."},
	{Name: "endpoint", Label: "API address", Optional: true,
		Help: "Leave blank to use Amazon's Selling Partner API for the region. Only for a sandbox or test server."},
}

func init() {
	channel.Register(channel.Kind{
		Name:        "amazon",
		DisplayName: "Amazon",
		Fields:      fields,
		New:         channel.Constructor(New),
	})
}

// Client is a channel.Connector for one seller account. It is safe for
// concurrent use.
type Client struct {
	base         string // SP-API host, no trailing slash
	tokenURL     string
	region       string
	sellerID     string
	marketplaces []string
	clientID     string
	clientSecret string
	refreshToken string

	caller *channel.Caller
	sleep  func(context.Context, time.Duration) error
	now    func() time.Time // the limiter's and token cache's clock
}

var _ channel.Connector = (*Client)(nil)

// New checks the credentials' form and builds a Client; it makes no call.
func New(creds map[string]string, opts channel.Options) (*Client, error) {
	if err := channel.RequireFields("amazon", fields, creds); err != nil {
		return nil, err
	}
	region := strings.ToUpper(strings.TrimSpace(creds["region"]))
	host, ok := regionHosts[region]
	if !ok {
		return nil, errors.New("amazon: the Region must be NA, EU or FE")
	}
	seller := strings.TrimSpace(creds["seller_id"])
	if !isAlnum(seller) {
		return nil, errors.New("amazon: the Seller ID should contain only letters and digits; copy the Merchant Token again from Seller Central")
	}
	markets, err := parseMarketplaces(region, creds["marketplace_ids"])
	if err != nil {
		return nil, err
	}
	c := &Client{
		base: host, tokenURL: lwaTokenURL, region: region, sellerID: seller, marketplaces: markets,
		clientID: strings.TrimSpace(creds["client_id"]), clientSecret: strings.TrimSpace(creds["client_secret"]),
		refreshToken: strings.TrimSpace(creds["refresh_token"]),
		caller:       channel.NewCaller(opts), sleep: opts.Sleep, now: opts.Now,
	}
	if ep := strings.TrimSpace(creds["endpoint"]); ep != "" {
		base, err := channel.ParseBaseURL("amazon", "API address", ep, opts.Addresses)
		if err != nil {
			return nil, err
		}
		c.base, c.tokenURL = base, base+lwaTokenPath
	}
	if c.sleep == nil {
		c.sleep = channel.Sleep
	}
	if c.now == nil {
		c.now = time.Now
	}
	return c, nil
}

// Limits reports searchListingsItems' page size and how many quantities
// one SetQuantities takes (one feed per marketplace).
func (c *Client) Limits() channel.Limits {
	return channel.Limits{PageSize: searchPageSize, QuantityBatchSize: quantityBatchSize}
}

func isAlnum(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// parseMarketplaces reads the comma-separated marketplace IDs and refuses
// one that belongs to another region: SP-API hosts serve only their own
// region's marketplaces, and saying so here beats Amazon's bare 400.
func parseMarketplaces(region, raw string) ([]string, error) {
	var out []string
	for _, part := range strings.FieldsFunc(raw, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		id := strings.ToUpper(strings.TrimSpace(part))
		if !isAlnum(id) {
			return nil, fmt.Errorf("amazon: %q is not a marketplace ID; they look like ATVPDKIKX0DER", part)
		}
		if m, known := marketplaces[id]; known && m.region != region {
			return nil, fmt.Errorf("amazon: marketplace %s (%s) belongs to the %s region, not %s: check the Region", id, m.country, m.region, region)
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("amazon: Marketplace IDs is required")
	}
	return out, nil
}
