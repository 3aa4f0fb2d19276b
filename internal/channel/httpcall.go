package channel

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// maxResponseBytes caps what is read from a channel: everything it sends is
// untrusted, and no legitimate page comes near this size.
const maxResponseBytes = 32 << 20

// Caller sends requests to a channel under the shared retry policy.
type Caller struct {
	client *http.Client
	retry  retrier
}

// NewCaller builds a Caller from opts, filling in the defaults.
func NewCaller(opts Options) *Caller {
	opts = opts.withDefaults()
	return &Caller{
		client: opts.HTTPClient,
		retry:  retrier{sleep: opts.Sleep, maxRetries: opts.MaxRetries, logger: opts.Logger, now: opts.Now, throttled: opts.Throttled},
	}
}

// Request describes one logical call.
type Request struct {
	// What names the call, with the channel's prefix, at the start of every
	// error: "shopify: productVariants page".
	What string
	// New builds the HTTP request; it is called once per attempt because a
	// request body can only be sent once.
	New func(ctx context.Context) (*http.Request, error)
	// ErrorMessage extracts the channel's own explanation from an error
	// body; "" when it has none.
	ErrorMessage func(body []byte) string
	// Accept inspects a 2xx response. It may return a *ThrottledError or a
	// Retryable error to ask for another attempt (Shopify reports throttling
	// inside a 200), or any other error to stop.
	Accept func(*Response) error
	// Identify, when set, checks that an answer comes from the channel's
	// API before its status is believed: a login page's 200 or a web
	// server's 401 says nothing about the credentials. It sees every answer
	// but throttling and server errors, which proxies and CDNs write too.
	Identify func(*Response) error
	// Observe, when set, sees every answer before it is classified,
	// throttling and errors included: where a channel reports its call
	// budget in headers, the client reads them here.
	Observe func(*Response)
}

// Response is a fully read response.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
	// Redirected is the path a same-host redirect led to; "" when the
	// answer came from the address asked.
	Redirected string
}

// Do performs req, retrying as the policy says, and returns the 2xx
// response that was accepted.
func (c *Caller) Do(ctx context.Context, req Request) (*Response, error) {
	var accepted *Response
	err := c.retry.do(ctx, req.What, func(ctx context.Context) error {
		resp, err := c.attempt(ctx, req)
		if err == nil {
			accepted = resp
		}
		return err
	})
	return accepted, err
}

func (c *Caller) attempt(ctx context.Context, req Request) (*Response, error) {
	httpReq, err := req.New(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s: building the request: %w", req.What, err)
	}
	res, err := c.client.Do(httpReq)
	if err != nil {
		return nil, noAnswer(ctx, req.What, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, maxResponseBytes+1))
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%s: %w", req.What, ctx.Err())
		}
		return nil, Retryable(fmt.Errorf("%s: %w: the connection broke while reading the answer: %v", req.What, ErrUnreachable, err))
	}
	if len(body) > maxResponseBytes {
		return nil, fmt.Errorf("%s: the answer is larger than %d MiB; ask for smaller pages", req.What, maxResponseBytes>>20)
	}
	resp := &Response{Status: res.StatusCode, Header: res.Header, Body: body}
	if res.Request != nil && res.Request.URL.String() != httpReq.URL.String() {
		resp.Redirected = res.Request.URL.RequestURI()
	}
	if req.Observe != nil {
		req.Observe(resp)
	}
	return resp, classify(req, resp)
}

// noAnswer classifies a request that got no answer. Every network failure
// wraps ErrUnreachable, whose sentence is all staff see; the detail stays
// in the error text for the logs.
func noAnswer(ctx context.Context, what string, err error) error {
	var refused *refusedAddressError
	var redirect *RedirectError
	switch {
	case ctx.Err() != nil:
		// The caller gave up; retrying would only be ignored.
		return fmt.Errorf("%s: %w", what, ctx.Err())
	case errors.As(err, &refused):
		// Not retried: the policy will refuse the address again.
		return fmt.Errorf("%s: %w", what, refused)
	case errors.As(err, &redirect):
		return fmt.Errorf("%s: %w", what, redirect)
	}
	return Retryable(fmt.Errorf("%s: %w: %v", what, ErrUnreachable, err))
}

// classify turns a response status into the retry policy's vocabulary.
func classify(req Request, resp *Response) error {
	status := resp.Status
	transient := status == http.StatusTooManyRequests || status == http.StatusRequestTimeout || status >= 500
	if req.Identify != nil && !transient {
		if err := req.Identify(resp); err != nil {
			return err
		}
	}
	if status >= 200 && status < 300 {
		if req.Accept != nil {
			return req.Accept(resp)
		}
		return nil
	}
	msg := errorMessage(req, resp.Body)
	detail := ""
	if msg != "" {
		detail = " (" + msg + ")"
	}
	switch {
	case status == http.StatusTooManyRequests:
		return &ThrottledError{
			Wait: RetryAfter(resp.Header, time.Now(), time.Second),
			Err:  fmt.Errorf("%s: HTTP 429, the channel is limiting how fast we may call it%s", req.What, detail),
		}
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return fmt.Errorf("%s: HTTP %d%s: %w", req.What, status, detail, ErrUnauthorized)
	case status == http.StatusRequestTimeout || status >= 500:
		return Retryable(fmt.Errorf("%s: HTTP %d, the channel failed to answer%s", req.What, status, detail))
	default:
		return fmt.Errorf("%s: %w", req.What, &HTTPError{Status: status, Message: msg})
	}
}

func errorMessage(req Request, body []byte) string {
	if req.ErrorMessage != nil {
		if m := req.ErrorMessage(body); m != "" {
			return m
		}
	}
	return shortText(body)
}

// shortText is a body worth quoting in an error: short, printable, not an
// HTML page.
func shortText(body []byte) string {
	s := strings.TrimSpace(string(body))
	if s == "" || len(s) > 200 || !utf8.ValidString(s) || strings.HasPrefix(s, "<") {
		return ""
	}
	return s
}
