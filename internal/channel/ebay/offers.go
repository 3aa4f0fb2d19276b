package ebay

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"sync"

	"stocksync/internal/channel"
)

// offersOf reads the offers of the items at indexes, a few SKUs at a time.
func (c *Client) offersOf(ctx context.Context, items []inventoryItem, indexes []int, out [][]json.RawMessage) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
		work     = make(chan int)
	)
	for range min(offerFetchers, len(indexes)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				offers, err := c.offers(ctx, items[i].SKU)
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
						cancel()
					}
					mu.Unlock()
					continue
				}
				out[i] = offers
			}
		}()
	}
feed:
	for _, i := range indexes {
		select {
		case work <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	return firstErr
}

// offers reads every offer of one SKU; none when eBay has no offer for it
// (its answer is then 404, error 25713).
func (c *Client) offers(ctx context.Context, sku string) ([]json.RawMessage, error) {
	var all []json.RawMessage
	offset := 0
	for {
		what := "offers of SKU " + strconv.Quote(sku)
		q := url.Values{"sku": {sku}, "limit": {"100"}, "offset": {strconv.Itoa(offset)}}
		resp, err := c.call(ctx, what, http.MethodGet, inventoryPath+"/offer", q, nil)
		var httpErr *channel.HTTPError
		if errors.As(err, &httpErr) && httpErr.Status == http.StatusNotFound {
			return all, nil
		}
		if err != nil {
			return nil, err
		}
		var page offerPage
		if err := decode(what, resp, &page); err != nil {
			return nil, err
		}
		all = append(all, page.Offers...)
		next, err := nextOffset(what, page.Next)
		if err != nil || next == "" {
			return all, err
		}
		n, _ := strconv.Atoi(next)
		if n <= offset {
			return all, nil
		}
		offset = n
	}
}
