package woocommerce

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"stocksync/internal/channel"
)

const (
	apiPath = "/wp-json/wc/v3"
	// perPage and batchSize are WooCommerce's maximums.
	perPage   = 100
	batchSize = 100
)

var fields = []channel.Field{
	{Name: "site_url", Label: "Store URL", Placeholder: "https://shop.example.com"},
	{Name: "consumer_key", Label: "Consumer key", Secret: true, Placeholder: "ck_…"},
	{Name: "consumer_secret", Label: "Consumer secret", Secret: true, Placeholder: "cs_…"},
	{Name: channel.WebhookSecretField, Label: "Webhook secret", Secret: true, Optional: true,
		Help: "The Secret of the order webhooks you add under WooCommerce ▸ Settings ▸ Advanced ▸ Webhooks. Optional: without it, orders arrive with each sync only."},
}

func init() {
	channel.Register(channel.Kind{
		Name:        "woocommerce",
		DisplayName: "WooCommerce",
		Fields:      fields,
		New:         channel.Constructor(New),
		Webhook:     webhookFormat,
	})
}

// Client is a channel.Connector for one WooCommerce store. It is safe for
// concurrent use.
type Client struct {
	base        string // site URL + apiPath
	key, secret string
	caller      *channel.Caller
}

var _ channel.Connector = (*Client)(nil)

// New checks the credentials' form and builds a Client; it makes no call.
func New(creds map[string]string, opts channel.Options) (*Client, error) {
	if err := channel.RequireFields("woocommerce", fields, creds); err != nil {
		return nil, err
	}
	site, err := channel.ParseBaseURL("woocommerce", "Store URL", creds["site_url"], opts.Addresses)
	if err != nil {
		return nil, err
	}
	key := strings.TrimSpace(creds["consumer_key"])
	secret := strings.TrimSpace(creds["consumer_secret"])
	if !wellFormedKey("ck_", key) {
		return nil, errors.New("woocommerce: the Consumer key should start with ck_ and contain only letters and digits; copy it again from WooCommerce → Settings → Advanced → REST API")
	}
	if !wellFormedKey("cs_", secret) {
		return nil, errors.New("woocommerce: the Consumer secret should start with cs_ and contain only letters and digits; copy it again from WooCommerce → Settings → Advanced → REST API")
	}
	return &Client{base: site + apiPath, key: key, secret: secret, caller: channel.NewCaller(opts)}, nil
}

var keyChars = regexp.MustCompile(`^[A-Za-z0-9]+$`)

func wellFormedKey(prefix, k string) bool {
	rest, ok := strings.CutPrefix(k, prefix)
	return ok && keyChars.MatchString(rest)
}

// Limits reports WooCommerce's page and batch sizes.
func (c *Client) Limits() channel.Limits {
	return channel.Limits{PageSize: perPage, QuantityBatchSize: batchSize}
}

// Verify lists one product: the cheapest call that needs valid keys. The
// answer must be the REST API's: JSON, and a list of products, since any
// web server answers 200 to something (a login page, a parked domain).
func (c *Client) Verify(ctx context.Context) error {
	req, err := c.request("checking the keys", http.MethodGet, "/products", url.Values{"per_page": {"1"}, "_fields": {"id"}}, nil)
	if err != nil {
		return err
	}
	req.Identify = func(resp *channel.Response) error { return channel.ExpectJSON(resp, restAPI, "Store URL") }
	resp, err := c.caller.Do(ctx, req)
	var httpErr *channel.HTTPError
	if errors.As(err, &httpErr) && httpErr.Status == http.StatusNotFound {
		return fmt.Errorf("%w; check the Store URL: the WooCommerce REST API was not found under it", err)
	}
	if err != nil {
		return err
	}
	var products []struct {
		ID *json.Number `json:"id"`
	}
	if json.Unmarshal(resp.Body, &products) != nil || products == nil {
		return channel.NotAPI(resp, "JSON that is not a list of products", restAPI, "Store URL")
	}
	for _, p := range products {
		if p.ID == nil {
			return channel.NotAPI(resp, "JSON that is not a list of products", restAPI, "Store URL")
		}
	}
	return nil
}

const restAPI = "the WooCommerce REST API"

// call sends one request and returns the accepted response. what names the
// call in errors ("products page 3").
func (c *Client) call(ctx context.Context, what, method, path string, query url.Values, body any) (*channel.Response, error) {
	req, err := c.request(what, method, path, query, body)
	if err != nil {
		return nil, err
	}
	return c.caller.Do(ctx, req)
}

func (c *Client) request(what, method, path string, query url.Values, body any) (channel.Request, error) {
	target, payload, err := channel.EncodeCall("woocommerce", what, c.base+path, query, body)
	if err != nil {
		return channel.Request{}, err
	}
	return channel.Request{
		What: "woocommerce: " + what,
		New: func(ctx context.Context) (*http.Request, error) {
			req, err := http.NewRequestWithContext(ctx, method, target, bytes.NewReader(payload))
			if err != nil {
				return nil, err
			}
			req.SetBasicAuth(c.key, c.secret)
			req.Header.Set("Accept", "application/json")
			if body != nil {
				req.Header.Set("Content-Type", "application/json")
			}
			return req, nil
		},
		ErrorMessage: errorMessage,
	}, nil
}

// decode reads a JSON answer into out.
func decode(what string, resp *channel.Response, out any) error {
	if err := json.Unmarshal(resp.Body, out); err != nil {
		return &channel.MalformedError{What: "woocommerce: " + what, Err: err}
	}
	return nil
}

// wooError is WordPress's error body, also used per item in batch answers.
type wooError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e wooError) String() string {
	msg := strings.TrimSpace(htmlTags.ReplaceAllString(e.Message, ""))
	if e.Code == "" {
		return msg
	}
	return msg + " (" + e.Code + ")"
}

var htmlTags = regexp.MustCompile(`<[^>]*>`)

func errorMessage(body []byte) string {
	var e wooError
	if json.Unmarshal(body, &e) != nil || (e.Code == "" && e.Message == "") {
		return ""
	}
	return e.String()
}

// pagesLeft reads WordPress's paging headers: whether a page follows page,
// and the total number of records (-1 when the header is missing).
func pagesLeft(resp *channel.Response, page, got int) (hasMore bool, total int) {
	total = -1
	if n, err := strconv.Atoi(resp.Header.Get("X-WP-Total")); err == nil {
		total = n
	}
	if pages, err := strconv.Atoi(resp.Header.Get("X-WP-TotalPages")); err == nil {
		return page < pages, total
	}
	return got == perPage, total
}
