package amazon

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"stocksync/internal/channel"
)

// apiError is one entry of SP-API's error body {"errors": [...]}.
type apiError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Details string `json:"details"`
}

func errorMessage(body []byte) string {
	var e struct {
		Errors []apiError `json:"errors"`
	}
	if json.Unmarshal(body, &e) != nil || len(e.Errors) == 0 {
		return ""
	}
	parts := make([]string, 0, len(e.Errors))
	for _, x := range e.Errors {
		s := strings.TrimSpace(x.Message)
		if d := strings.TrimSpace(x.Details); d != "" && d != s {
			s += ": " + d
		}
		if x.Code != "" {
			s += " (" + x.Code + ")"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

// call sends one SP-API request under op's rate limit and returns the
// accepted answer. A cached token Amazon refuses (it expired early, or was
// revoked and replaced) is refreshed once and the call sent again; a token
// refused fresh from Login with Amazon means the credentials are wrong.
func (c *Client) call(ctx context.Context, op operation, what, method, path string, query url.Values, body any) (*channel.Response, error) {
	target, payload, err := channel.EncodeCall("amazon", what, c.base+path, query, body)
	if err != nil {
		return nil, err
	}
	stale := ""
	for attempt := 0; ; attempt++ {
		token, fresh, err := c.token(ctx, stale)
		if err != nil {
			return nil, err
		}
		resp, err := c.caller.Do(ctx, c.request(op, what, method, target, token, payload))
		if err != nil && attempt == 0 && !fresh && errors.Is(err, channel.ErrUnauthorized) {
			stale = token
			continue
		}
		return resp, err
	}
}

func (c *Client) request(op operation, what, method, target, token string, payload []byte) channel.Request {
	attempts := 0
	return channel.Request{
		What: "amazon: " + what,
		New: func(ctx context.Context) (*http.Request, error) {
			if attempts > 0 {
				// Another attempt follows a 429 or a failure: Amazon's
				// bucket is emptier than ours thinks.
				c.bucket(op).penalise(op, c.now())
			}
			attempts++
			if err := c.wait(ctx, op); err != nil {
				return nil, err
			}
			req, err := http.NewRequestWithContext(ctx, method, target, bytes.NewReader(payload))
			if err != nil {
				return nil, err
			}
			req.Header.Set("x-amz-access-token", token)
			req.Header.Set("Accept", "application/json")
			req.Header.Set("User-Agent", "stocksync/1.0 (Language=Go)")
			if payload != nil {
				req.Header.Set("Content-Type", "application/json")
			}
			return req, nil
		},
		ErrorMessage: errorMessage,
	}
}

// decode reads a JSON answer into out.
func decode(what string, resp *channel.Response, out any) error {
	if err := json.Unmarshal(resp.Body, out); err != nil {
		return &channel.MalformedError{What: "amazon: " + what, Err: err}
	}
	return nil
}

// amazonTime reads an ISO 8601 time; zero when absent or unreadable, which
// costs an incremental sync its precision, never a record.
func amazonTime(s string) time.Time {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02"} {
		if t, err := time.Parse(layout, strings.TrimSpace(s)); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

// isoTime writes a time as SP-API query parameters take it.
func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }
