package amazon

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"stocksync/internal/channel"
)

// document is a report or feed document: a presigned address, valid for
// five minutes, that takes no access token.
type document struct {
	ID                   string `json:"reportDocumentId"`
	FeedDocumentID       string `json:"feedDocumentId"`
	URL                  string `json:"url"`
	CompressionAlgorithm string `json:"compressionAlgorithm"`
}

// maxDocumentBytes bounds an unpacked document: a 50,000-SKU listings
// report is about 15 MiB.
const maxDocumentBytes = 512 << 20

// download fetches a document and unpacks it when Amazon says it is
// gzipped.
func (c *Client) download(ctx context.Context, what string, doc document) ([]byte, error) {
	resp, err := c.caller.Do(ctx, channel.Request{
		What: "amazon: " + what,
		New: func(ctx context.Context) (*http.Request, error) {
			return http.NewRequestWithContext(ctx, http.MethodGet, doc.URL, nil)
		},
	})
	if err != nil {
		return nil, err
	}
	if doc.CompressionAlgorithm != "GZIP" {
		return resp.Body, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(resp.Body))
	if err != nil {
		return nil, &channel.MalformedError{What: "amazon: " + what, Err: fmt.Errorf("unpacking: %w", err)}
	}
	body, err := io.ReadAll(io.LimitReader(zr, maxDocumentBytes+1))
	if err != nil {
		return nil, &channel.MalformedError{What: "amazon: " + what, Err: fmt.Errorf("unpacking: %w", err)}
	}
	if len(body) > maxDocumentBytes {
		return nil, fmt.Errorf("amazon: %s: the document unpacks to more than %d MiB", what, maxDocumentBytes>>20)
	}
	return body, nil
}

// upload puts a feed's content to its document's address.
func (c *Client) upload(ctx context.Context, what, url, contentType string, body []byte) error {
	_, err := c.caller.Do(ctx, channel.Request{
		What: "amazon: " + what,
		New: func(ctx context.Context) (*http.Request, error) {
			req, err := http.NewRequestWithContext(ctx, http.MethodPut, url, bytes.NewReader(body))
			if err != nil {
				return nil, err
			}
			req.Header.Set("Content-Type", contentType)
			return req, nil
		},
	})
	return err
}

// pollInterval is the wait before the n-th status check (from 0) of a
// report or feed: Amazon takes seconds for a small one and many minutes
// for a large one, and getReport and getFeed allow 2 calls a second.
func pollInterval(n int) time.Duration {
	return min(time.Second<<min(n, 5), 30*time.Second)
}
