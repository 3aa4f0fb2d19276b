package shopify

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"stocksync/internal/channel"
)

// APIVersion is the Admin API version every request is made against.
const APIVersion = "2026-04"

// Sizes chosen against Shopify's limits: at most 250 nodes per connection
// and 250 quantities per inventorySetQuantities, and a single query may cost
// at most 1000 points. Objects count per node, so a variants page that
// reads each variant's level at the managed location holds 150, not 250.
// Nested connections multiply, so an orders page with line items must stay
// small: 2 + 20 × (1 + 2 + 10 × 4) = 862 points.
const (
	variantsPageSize      = 150 // 2 + 150 × (1 + 1 product + 1 inventoryItem + 2 inventoryLevel and its quantities) = 752 points
	quantityBatchSize     = 250
	ordersPageSize        = 20
	lineItemsPerOrder     = 10
	moreLineItemsPageSize = 200 // 1 + 2 + 200 × 4 = 803 points
)

var fields = []channel.Field{
	{Name: "shop_url", Label: "Shop URL", Placeholder: "https://your-shop.myshopify.com"},
	{Name: "access_token", Label: "Admin API access token", Secret: true, Placeholder: "shpat_…"},
	{Name: channel.WebhookSecretField, Label: "Webhook secret", Secret: true, Optional: true,
		Help: "The app's client secret, which Shopify signs webhooks with. Optional: without it, orders arrive with each sync only."},
	{Name: locationField, Label: "Location stocksync manages", Optional: true, Placeholder: "gid://shopify/Location/… or its number",
		Help: "Leave blank for the shop's primary location. Stock is read from and written to this location only; Shopify shows a location's number at the end of its address under Settings → Locations."},
}

func init() {
	channel.Register(channel.Kind{
		Name:        "shopify",
		DisplayName: "Shopify",
		Fields:      fields,
		New:         channel.Constructor(New),
		Webhook:     webhookFormat,
	})
}

// Client is a channel.Connector for one Shopify shop. It is safe for
// concurrent use.
type Client struct {
	endpoint string
	token    string
	caller   *channel.Caller
	bucket   costBucket
	sleep    func(context.Context, time.Duration) error // Options.Sleep
	now      func() time.Time                           // reads the clock the bucket's answers are timed by

	// managed is the location_id setting as a Location GID; "" for the
	// shop's primary location.
	managed string

	mu         sync.Mutex
	locationID string // the managed location, looked up on first use; a shop's locations rarely change
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
	managed, err := managedLocation(creds[locationField])
	if err != nil {
		return nil, err
	}
	sleep := opts.Sleep
	if sleep == nil {
		sleep = channel.Sleep
	}
	return &Client{
		endpoint: base + "/admin/api/" + APIVersion + "/graphql.json",
		token:    token,
		caller:   channel.NewCaller(opts),
		managed:  managed,
		sleep:    sleep,
		now:      time.Now,
	}, nil
}

// Limits reports Shopify's page and batch sizes.
func (c *Client) Limits() channel.Limits {
	return channel.Limits{PageSize: variantsPageSize, QuantityBatchSize: quantityBatchSize}
}

// Verify asks for the shop's name, the cheapest authenticated query, and
// then for the location stocksync manages. The answer must be the Admin
// API's: JSON, and a shop with a name, since any web server answers 200 to
// something.
func (c *Client) Verify(ctx context.Context) error {
	var out struct {
		Shop *struct {
			Name *string `json:"name"`
		} `json:"shop"`
		Location *locationNode `json:"location"`
	}
	var answer *channel.Response
	identify := func(resp *channel.Response) error {
		answer = resp
		return channel.ExpectJSON(resp, adminAPI, "Shop URL")
	}
	var malformed *channel.MalformedError
	document, vars := shopPrimaryQuery, map[string]any(nil)
	if c.managed != "" {
		document, vars = shopQuery, map[string]any{"id": c.managed}
	}
	err := c.graphqlIdentified(ctx, "shop", document, vars, &out, identify)
	switch {
	case errors.As(err, &malformed) && answer != nil:
		return channel.NotAPI(answer, "JSON that is not an answer to a GraphQL query", adminAPI, "Shop URL")
	case err != nil:
		return err
	case out.Shop == nil || out.Shop.Name == nil:
		return channel.NotAPI(answer, "JSON without the shop that was asked for", adminAPI, "Shop URL")
	}
	_, err = c.acceptLocation("shop", out.Location)
	return err
}

const adminAPI = "Shopify's Admin API"
