package shopify

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"stocksync/internal/channel"
)

// APIVersion is the Admin API version every request is made against.
const APIVersion = "2026-04"

// Sizes chosen against Shopify's limits: at most 250 nodes per connection
// and 250 quantities per inventorySetQuantities, and a single query may cost
// at most 1000 points. Nested connections multiply, so an orders page with
// line items must stay small: 2 + 20 × (1 + 2 + 10 × 4) = 862 points.
const (
	variantsPageSize      = 250
	quantityBatchSize     = 250
	ordersPageSize        = 20
	lineItemsPerOrder     = 10
	moreLineItemsPageSize = 200 // 1 + 2 + 200 × 4 = 803 points
	locationsPageSize     = 50
)

var fields = []channel.Field{
	{Name: "shop_url", Label: "Shop URL", Placeholder: "https://your-shop.myshopify.com"},
	{Name: "access_token", Label: "Admin API access token", Secret: true, Placeholder: "shpat_…"},
	{Name: channel.WebhookSecretField, Label: "Webhook secret", Secret: true, Optional: true,
		Help: "The app's client secret, which Shopify signs webhooks with. Optional: without it, orders arrive with each sync only."},
}

func init() {
	channel.Register(channel.Kind{
		Name:        "shopify",
		DisplayName: "Shopify",
		Fields:      fields,
		New: func(creds map[string]string, opts channel.Options) (channel.Connector, error) {
			c, err := New(creds, opts)
			if err != nil {
				return nil, err // not a typed nil *Client, which would compare non-nil
			}
			return c, nil
		},
		Webhook: webhookFormat,
	})
}

// Client is a channel.Connector for one Shopify shop. It is safe for
// concurrent use.
type Client struct {
	endpoint string
	token    string
	caller   *channel.Caller

	mu         sync.Mutex
	locationID string // found on first push; a shop's locations rarely change
}

var _ channel.Connector = (*Client)(nil)

// New checks the credentials' form and builds a Client; it makes no call.
func New(creds map[string]string, opts channel.Options) (*Client, error) {
	if err := channel.RequireFields("shopify", fields, creds); err != nil {
		return nil, err
	}
	base, err := channel.ParseBaseURL("shopify", "Shop URL", creds["shop_url"], opts.Addresses)
	if err != nil {
		return nil, err
	}
	token := strings.TrimSpace(creds["access_token"])
	for _, r := range token {
		if r <= ' ' || r > '~' {
			return nil, fmt.Errorf("shopify: the Admin API access token contains spaces or unusual characters; paste it again exactly as Shopify shows it")
		}
	}
	return &Client{
		endpoint: base + "/admin/api/" + APIVersion + "/graphql.json",
		token:    token,
		caller:   channel.NewCaller(opts),
	}, nil
}

// Limits reports Shopify's page and batch sizes.
func (c *Client) Limits() channel.Limits {
	return channel.Limits{PageSize: variantsPageSize, QuantityBatchSize: quantityBatchSize}
}

// Verify asks for the shop's name, the cheapest authenticated query. The
// answer must be the Admin API's: JSON, and a shop with a name, since any
// web server answers 200 to something.
func (c *Client) Verify(ctx context.Context) error {
	var out struct {
		Shop *struct {
			Name *string `json:"name"`
		} `json:"shop"`
	}
	var answer *channel.Response
	identify := func(resp *channel.Response) error {
		answer = resp
		return channel.ExpectJSON(resp, adminAPI, "Shop URL")
	}
	var malformed *channel.MalformedError
	err := c.graphqlIdentified(ctx, "shop", shopQuery, nil, &out, identify)
	switch {
	case errors.As(err, &malformed) && answer != nil:
		return channel.NotAPI(answer, "JSON that is not an answer to a GraphQL query", adminAPI, "Shop URL")
	case err != nil:
		return err
	case out.Shop == nil || out.Shop.Name == nil:
		return channel.NotAPI(answer, "JSON without the shop that was asked for", adminAPI, "Shop URL")
	}
	return nil
}

const adminAPI = "Shopify's Admin API"
