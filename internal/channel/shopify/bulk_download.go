package shopify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"stocksync/internal/channel"
)

// downloadChunkBytes is how much of the JSONL file one request fetches. The
// file of a large shop is bigger than the Caller reads in one answer, so it
// comes in byte ranges: memory stays bounded, each range gets the shared
// retries, and a dropped connection costs one range rather than the file.
const downloadChunkBytes = 8 << 20

const downloadWhat = "shopify: downloading the bulk export"

// downloadListings reads the export's JSONL file, one variant per line, and
// passes the listings to fn in chunks.
func (c *Client) downloadListings(ctx context.Context, fileURL string, chunk int, fn func([]channel.Listing) error) error {
	b := batcher{size: chunk, fn: fn}
	if err := c.downloadLines(ctx, fileURL, b.add); err != nil {
		return err
	}
	return b.flush()
}

// downloadLines reads the export's JSONL file range by range and hands
// each line to add, in file order (the last one may be empty).
func (c *Client) downloadLines(ctx context.Context, fileURL string, add func([]byte) error) error {
	if u, err := url.Parse(fileURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return &channel.MalformedError{What: downloadWhat, Err: errors.New("Shopify gave a download link that is not a web address")}
	}
	var carry []byte // a line cut by the end of the previous range
	var offset int64
	for {
		part, err := c.downloadRange(ctx, fileURL, offset)
		if err != nil {
			return err
		}
		offset += int64(len(part.body))
		data := part.body
		if len(carry) > 0 {
			data = append(carry, data...)
		}
		for {
			i := bytes.IndexByte(data, '\n')
			if i < 0 {
				break
			}
			if err := add(data[:i]); err != nil {
				return err
			}
			data = data[i+1:]
		}
		carry = append([]byte(nil), data...)
		if part.last {
			break
		}
	}
	return add(carry)
}

type rangePart struct {
	body []byte
	last bool // nothing follows
}

// downloadRange fetches the file from offset. The link is signed by
// Shopify's storage, so no access token is sent: it must not leak to a
// third party's server.
func (c *Client) downloadRange(ctx context.Context, fileURL string, offset int64) (rangePart, error) {
	var part rangePart
	_, err := c.caller.Do(ctx, channel.Request{
		What: downloadWhat,
		New: func(ctx context.Context) (*http.Request, error) {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, fileURL, nil)
			if err != nil {
				return nil, err
			}
			req.Header.Set("Range", fmt.Sprintf("bytes=%d-%d", offset, offset+downloadChunkBytes-1))
			return req, nil
		},
		Accept: func(resp *channel.Response) error {
			p, err := readRange(resp, offset)
			part = p
			return err
		},
	})
	var httpErr *channel.HTTPError
	switch {
	case err == nil:
		return part, nil
	case errors.As(err, &httpErr) && httpErr.Status == http.StatusRequestedRangeNotSatisfiable:
		// Asked past the end: the file's size was a multiple of the range.
		return rangePart{last: true}, nil
	case errors.Is(err, channel.ErrUnauthorized):
		// Not the shop's credentials: the storage refused its own signed
		// link, which expires. Reconnecting the channel would not help.
		return rangePart{}, errors.New(downloadWhat + ": the file server refused the download link, which may have expired; run the sync again")
	}
	return rangePart{}, err
}

// readRange checks that a 2xx answer holds the bytes asked for.
func readRange(resp *channel.Response, offset int64) (rangePart, error) {
	switch resp.Status {
	case http.StatusPartialContent:
	case http.StatusOK:
		// The server ignored Range and sent the whole file.
		if int64(len(resp.Body)) < offset {
			return rangePart{}, errors.New(downloadWhat + ": the file got shorter while it was downloaded; run the sync again")
		}
		return rangePart{body: resp.Body[offset:], last: true}, nil
	default:
		return rangePart{last: true}, nil
	}
	start, end, total, ok := parseContentRange(resp.Header.Get("Content-Range"))
	if !ok || start != offset {
		return rangePart{}, &channel.MalformedError{What: downloadWhat, Err: fmt.Errorf("the file server sent the range %q when bytes from %d were asked for", resp.Header.Get("Content-Range"), offset)}
	}
	if int64(len(resp.Body)) != end-start+1 {
		return rangePart{}, channel.Retryable(fmt.Errorf("%s: the connection ended %d bytes into a range of %d", downloadWhat, len(resp.Body), end-start+1))
	}
	last := end+1 >= total
	if total < 0 {
		last = int64(len(resp.Body)) < downloadChunkBytes
	}
	return rangePart{body: resp.Body, last: last}, nil
}

// parseContentRange reads "bytes 0-99/1234"; total is -1 for "/*".
func parseContentRange(h string) (start, end, total int64, ok bool) {
	spec, found := strings.CutPrefix(strings.TrimSpace(h), "bytes ")
	if !found {
		return 0, 0, 0, false
	}
	span, size, found := strings.Cut(spec, "/")
	from, to, found2 := strings.Cut(span, "-")
	if !found || !found2 {
		return 0, 0, 0, false
	}
	var err1, err2, err3 error
	start, err1 = strconv.ParseInt(from, 10, 64)
	end, err2 = strconv.ParseInt(to, 10, 64)
	total = -1
	if size != "*" {
		total, err3 = strconv.ParseInt(size, 10, 64)
	}
	if err1 != nil || err2 != nil || err3 != nil || start < 0 || end < start {
		return 0, 0, 0, false
	}
	return start, end, total, true
}

// batcher collects listings into chunks for fn. Each chunk is a new slice,
// so fn may keep it.
type batcher struct {
	size int
	fn   func([]channel.Listing) error
	buf  []channel.Listing
}

func (b *batcher) add(line []byte) error {
	line = bytes.TrimSpace(line)
	if len(line) == 0 {
		return nil
	}
	l, ok := bulkListing(line)
	if !ok {
		return nil
	}
	if b.buf == nil {
		b.buf = make([]channel.Listing, 0, min(b.size, 4096))
	}
	b.buf = append(b.buf, l)
	if len(b.buf) >= b.size {
		return b.flush()
	}
	return nil
}

func (b *batcher) flush() error {
	if len(b.buf) == 0 {
		return nil
	}
	chunk := b.buf
	b.buf = nil
	return b.fn(chunk)
}

// bulkListing reads one line of the export; ok is false for a line that is
// not a variant. Shopify writes the nodes of a nested connection as lines
// of their own after their parent's, each naming it in __parentId, and a
// query that nests variants under products would write product lines: none
// of them is a listing. A line that cannot be read is one, with a Problem,
// so the failure is reported rather than lost.
func bulkListing(line []byte) (l channel.Listing, ok bool) {
	// Copied so a kept Listing.Raw does not pin the whole downloaded range.
	raw := json.RawMessage(bytes.Clone(line))
	var n variantNode
	if err := json.Unmarshal(raw, &n); err != nil {
		return channel.Listing{Raw: raw, Problem: "the variant could not be read: " + err.Error()}, true
	}
	if n.ParentID != "" || (n.ID != "" && !strings.HasPrefix(n.ID, variantGIDPrefix)) {
		return channel.Listing{}, false
	}
	return n.listing(raw), true
}

const variantGIDPrefix = "gid://shopify/ProductVariant/"
