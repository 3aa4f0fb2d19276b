package amazon

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"golang.org/x/text/encoding/htmlindex"

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
// gzipped, and returns its Content-Type, which names the text's charset.
func (c *Client) download(ctx context.Context, what string, doc document) ([]byte, string, error) {
	resp, err := c.caller.Do(ctx, channel.Request{
		What: "amazon: " + what,
		New: func(ctx context.Context) (*http.Request, error) {
			return http.NewRequestWithContext(ctx, http.MethodGet, doc.URL, nil)
		},
	})
	if err != nil {
		return nil, "", err
	}
	ctype := resp.Header.Get("Content-Type")
	if doc.CompressionAlgorithm != "GZIP" {
		return resp.Body, ctype, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(resp.Body))
	if err != nil {
		return nil, "", &channel.MalformedError{What: "amazon: " + what, Err: fmt.Errorf("unpacking: %w", err)}
	}
	body, err := io.ReadAll(io.LimitReader(zr, maxDocumentBytes+1))
	if err != nil {
		return nil, "", &channel.MalformedError{What: "amazon: " + what, Err: fmt.Errorf("unpacking: %w", err)}
	}
	if len(body) > maxDocumentBytes {
		return nil, "", fmt.Errorf("amazon: %s: the document unpacks to more than %d MiB", what, maxDocumentBytes>>20)
	}
	return body, ctype, nil
}

// toUTF8 decodes a report written in the charset its Content-Type names:
// Amazon writes some marketplaces' reports in a legacy charset (Cp1252 in
// Europe, Shift_JIS in Japan). UTF-8, or no charset, is passed on as is;
// a charset nobody knows is too, and its bytes that are not UTF-8 reach
// the import as the named failures they are.
func toUTF8(body []byte, contentType string) []byte {
	_, params, err := mime.ParseMediaType(contentType)
	cs := strings.ToLower(strings.TrimSpace(params["charset"]))
	if err != nil || cs == "" || cs == "utf-8" || cs == "utf8" {
		return body
	}
	enc, err := htmlindex.Get(cs)
	if err != nil {
		return body
	}
	out, err := enc.NewDecoder().Bytes(body)
	if err != nil {
		return body
	}
	return out
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
