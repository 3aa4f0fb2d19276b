package ebay

import (
	"crypto/sha256"
	"encoding/json"
	"slices"
	"strings"
	"sync"
)

// offerCache keeps, per account, the offers each SKU had when a sync last
// read them. The active inventory report names a SKU's listings but not
// the offer IDs a stock push addresses, and eBay reads offers one SKU a
// call; an offer keeps its ID while its listing lives, so offers are read
// again only for a SKU whose listings in the report are not the ones
// remembered. It is an economy, never a source of truth: a process that
// starts empty reads every SKU's offers once.
type offerCache struct {
	mu    sync.Mutex
	bySKU map[string]cachedOffers
}

type cachedOffers struct {
	listings []string // the published offers' listing IDs, sorted
	raw      []json.RawMessage
}

var (
	cachesMu sync.Mutex
	caches   = map[[32]byte]*offerCache{}
)

// offersOf returns the cache of one account on one marketplace.
func offersOf(parts ...string) *offerCache {
	key := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	cachesMu.Lock()
	defer cachesMu.Unlock()
	c := caches[key]
	if c == nil {
		c = &offerCache{bySKU: map[string]cachedOffers{}}
		caches[key] = c
	}
	return c
}

// get returns the SKU's offers when their listings are exactly those the
// report lists for it. A SKU absent from the report had no live listing
// when it was made: the offers of one remembered without any are taken
// only from a report made for this sync, since an older one may predate
// the listing.
func (c *offerCache) get(sku string, rows []reportRow, fresh bool) ([]json.RawMessage, bool) {
	if len(rows) == 0 && !fresh {
		return nil, false
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ItemID
	}
	slices.Sort(ids)
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.bySKU[sku]
	if !ok || !slices.Equal(e.listings, slices.Compact(ids)) || (len(ids) > 0 && e.raw == nil) {
		return nil, false
	}
	return e.raw, true
}

// put remembers the offers just read for a SKU.
func (c *offerCache) put(sku string, raw []json.RawMessage) {
	var ids []string
	for _, r := range raw {
		var o offer
		if json.Unmarshal(r, &o) == nil && o.Status == "PUBLISHED" && o.Listing.ListingID != "" {
			ids = append(ids, o.Listing.ListingID)
		}
	}
	slices.Sort(ids)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.bySKU[sku] = cachedOffers{listings: slices.Compact(ids), raw: raw}
}
