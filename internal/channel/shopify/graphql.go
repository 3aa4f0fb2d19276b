package shopify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"stocksync/internal/channel"
)

// graphql sends one document and decodes its data into out. what names the
// call in errors: "productVariants page".
func (c *Client) graphql(ctx context.Context, what, document string, vars map[string]any, out any) error {
	return c.graphqlIdentified(ctx, what, document, vars, out, nil)
}

// graphqlIdentified is graphql with a check of every answer's origin (see
// channel.Request.Identify).
func (c *Client) graphqlIdentified(ctx context.Context, what, document string, vars map[string]any, out any, identify func(*channel.Response) error) error {
	body, err := json.Marshal(map[string]any{"query": document, "variables": vars})
	if err != nil {
		return fmt.Errorf("shopify: %s: encoding the request: %w", what, err)
	}
	_, err = c.caller.Do(ctx, channel.Request{
		What: "shopify: " + what,
		New: func(ctx context.Context) (*http.Request, error) {
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, bytes.NewReader(body))
			if err != nil {
				return nil, err
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", "application/json")
			req.Header.Set("X-Shopify-Access-Token", c.token)
			return req, nil
		},
		ErrorMessage: errorBodyMessage,
		Identify:     identify,
		Accept:       func(resp *channel.Response) error { return c.decode(what, resp.Body, out) },
	})
	return err
}

type response struct {
	Data       json.RawMessage `json:"data"`
	Errors     json.RawMessage `json:"errors"`
	Extensions struct {
		Cost *queryCost `json:"cost"`
	} `json:"extensions"`
}

type queryCost struct {
	RequestedQueryCost float64 `json:"requestedQueryCost"`
	ThrottleStatus     struct {
		MaximumAvailable   float64 `json:"maximumAvailable"`
		CurrentlyAvailable float64 `json:"currentlyAvailable"`
		RestoreRate        float64 `json:"restoreRate"`
	} `json:"throttleStatus"`
}

type graphqlError struct {
	Message    string `json:"message"`
	Extensions struct {
		Code string `json:"code"`
	} `json:"extensions"`
}

// decode reads a 200 answer with decodeResponse and notes the state of
// the shop's cost bucket that it reports.
func (c *Client) decode(what string, body []byte, out any) error {
	cost, err := decodeResponse(what, body, out)
	c.bucket.observe(cost, c.now(), what == setQuantitiesWhat)
	return err
}

// decodeResponse reads a 200 answer and returns the query cost it reports.
// Shopify reports most failures inside it, so this is where throttling and
// refused access are recognised.
func decodeResponse(what string, body []byte, out any) (*queryCost, error) {
	var resp response
	if err := json.Unmarshal(body, &resp); err != nil {
		return nil, &channel.MalformedError{What: "shopify: " + what, Err: err}
	}
	return resp.Extensions.Cost, decodeData(what, resp, out)
}

func decodeData(what string, resp response, out any) error {
	if hasValue(resp.Errors) {
		return responseError(what, resp)
	}
	if out == nil {
		return nil
	}
	if !hasValue(resp.Data) {
		return &channel.MalformedError{What: "shopify: " + what, Err: errors.New("the answer has neither data nor errors")}
	}
	if err := json.Unmarshal(resp.Data, out); err != nil {
		return &channel.MalformedError{What: "shopify: " + what, Err: err}
	}
	return nil
}

func hasValue(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) > 0 && string(raw) != "null"
}

func responseError(what string, resp response) error {
	var list []graphqlError
	if err := json.Unmarshal(resp.Errors, &list); err != nil {
		return fmt.Errorf("shopify: %s: the shop refused the query: %s", what, errorsText(resp.Errors))
	}
	messages := make([]string, 0, len(list))
	for _, e := range list {
		switch e.Extensions.Code {
		case "THROTTLED":
			return &channel.ThrottledError{
				Wait: throttleWait(resp.Extensions.Cost),
				Err:  fmt.Errorf("shopify: %s: throttled: the shop's query cost budget is spent", what),
			}
		case "ACCESS_DENIED":
			return fmt.Errorf("shopify: %s: %s (grant the app the missing access scope): %w", what, e.Message, channel.ErrUnauthorized)
		case "INTERNAL_SERVER_ERROR":
			return channel.Retryable(fmt.Errorf("shopify: %s: Shopify had an internal error: %s", what, e.Message))
		}
		msg := e.Message
		if e.Extensions.Code != "" {
			msg += " (" + e.Extensions.Code + ")"
		}
		messages = append(messages, msg)
	}
	return fmt.Errorf("shopify: %s: the shop refused the query: %s", what, strings.Join(messages, "; "))
}

// throttleWait is how long until the bucket holds what the query asked for.
func throttleWait(cost *queryCost) time.Duration {
	if cost == nil || cost.ThrottleStatus.RestoreRate <= 0 {
		return time.Second
	}
	missing := max(cost.RequestedQueryCost-cost.ThrottleStatus.CurrentlyAvailable, 1)
	return channel.Seconds(missing / cost.ThrottleStatus.RestoreRate)
}

// errorBodyMessage reads a non-2xx body: {"errors": "…"}, a list of
// errors, or an object of them.
func errorBodyMessage(body []byte) string {
	var resp struct {
		Errors json.RawMessage `json:"errors"`
	}
	if json.Unmarshal(body, &resp) != nil || !hasValue(resp.Errors) {
		return ""
	}
	return errorsText(resp.Errors)
}

func errorsText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var list []graphqlError
	if json.Unmarshal(raw, &list) == nil {
		msgs := make([]string, len(list))
		for i, e := range list {
			msgs[i] = e.Message
		}
		return strings.Join(msgs, "; ")
	}
	var obj map[string]any
	if json.Unmarshal(raw, &obj) == nil {
		parts := make([]string, 0, len(obj))
		for k, v := range obj {
			parts = append(parts, fmt.Sprintf("%s: %v", k, v))
		}
		return strings.Join(parts, "; ")
	}
	return ""
}
