package etsy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"stocksync/internal/channel"
)

// listingGroup is the updates of one listing: one inventory PUT.
type listingGroup struct {
	id      int64
	indexes []int // into the caller's updates
	urgency int   // of its most urgent update: 0 to zero, 1 falling, 2 rising
}

// SetQuantities writes stock one listing at a time, since Etsy replaces a
// listing's whole inventory per call and counts each call against the
// day's budget, whatever it changes: the updates are merged per listing,
// so a batch should hold as many as a day can pay for (batchSize), and
// listings go most urgent first, by their most urgent update (a quantity
// going to zero, then a falling one: they are what oversells).
//
// A hundred listings' inventories are read in one call just before they
// are written back, whole, with the new quantities, so that a sale on
// Etsy in between has seconds, not the length of the push, to be
// overwritten. When the day's budget, less a reserve kept for syncs,
// cannot pay for a listing, it and the rest are answered with a
// *channel.QuotaError and stay pending.
func (c *Client) SetQuantities(ctx context.Context, updates []channel.QuantityUpdate, _ string) ([]channel.QuantityResult, error) {
	if len(updates) > batchSize {
		return nil, fmt.Errorf("etsy: %d quantities in one call; send at most %d", len(updates), batchSize)
	}
	results := make([]channel.QuantityResult, len(updates))
	groups := groupByListing(updates, results)
	failAll := func(gs []*listingGroup, err error) {
		for _, g := range gs {
			for _, i := range g.indexes {
				results[i].Err = err
			}
		}
	}
	for start := 0; start < len(groups); start += pageSize {
		chunk := groups[start:min(start+pageSize, len(groups))]
		if err := c.affordable(1); err != nil {
			failAll(groups[start:], err)
			return results, nil
		}
		invs, err := c.readInventories(ctx, chunk)
		var quotaErr *channel.QuotaError
		switch {
		case err == nil:
		case fatal(ctx, err):
			return nil, err
		case errors.As(err, &quotaErr):
			failAll(groups[start:], err)
			return results, nil
		default:
			failAll(chunk, err)
			continue
		}
		for k, g := range chunk {
			if err := c.affordable(1); err != nil {
				failAll(groups[start+k:], err)
				return results, nil
			}
			inv, ok := invs[g.id]
			if !ok {
				failAll([]*listingGroup{g}, fmt.Errorf("etsy: listing %d is no longer on Etsy (deleted or no longer active); sync the catalogue", g.id))
				continue
			}
			err := c.writeListing(ctx, g, inv, updates, results)
			switch {
			case err == nil:
			case fatal(ctx, err):
				return nil, err
			case errors.As(err, &quotaErr):
				failAll(groups[start+k:], err)
				return results, nil
			default:
				failAll([]*listingGroup{g}, err)
			}
		}
	}
	return results, nil
}

// groupByListing merges the updates per listing, most urgent listing
// first (ties in the order the updates came); an update naming no listing
// gets its error in results.
func groupByListing(updates []channel.QuantityUpdate, results []channel.QuantityResult) []*listingGroup {
	var groups []*listingGroup
	byID := map[int64]*listingGroup{}
	for i, u := range updates {
		results[i].ExternalID = u.ExternalID
		id, _, err := splitKey(ref(u))
		if err != nil {
			results[i].Err = fmt.Errorf("etsy: %w; sync the catalogue before pushing stock", err)
			continue
		}
		g := byID[id]
		if g == nil {
			g = &listingGroup{id: id, urgency: 2}
			byID[id] = g
			groups = append(groups, g)
		}
		g.indexes = append(g.indexes, i)
		switch {
		case u.Quantity <= 0:
			g.urgency = 0
		case u.Previous != nil && u.Quantity < *u.Previous:
			g.urgency = min(g.urgency, 1)
		}
	}
	slices.SortStableFunc(groups, func(a, b *listingGroup) int { return a.urgency - b.urgency })
	return groups
}

func ref(u channel.QuantityUpdate) string {
	if u.InventoryRef != "" {
		return u.InventoryRef
	}
	return u.ExternalID
}

// fatal is what makes the rest of a push pointless: rejected credentials,
// a cancelled context.
func fatal(ctx context.Context, err error) bool {
	return errors.Is(err, channel.ErrUnauthorized) || ctx.Err() != nil
}

// affordable refuses a call that would eat into the reserve of the day's
// budget kept for syncs.
func (c *Client) affordable(calls int) error {
	now := c.opts.Now()
	left, known := c.quota.left(now)
	if !known || left-calls >= c.quota.reserve() {
		return nil
	}
	if left > 0 {
		return &channel.QuotaError{Until: now.Add(dayRetryFallback),
			Reason: fmt.Sprintf("Etsy's daily budget for this app is nearly spent (%d calls left, kept for syncs so orders still come in)", left)}
	}
	spent := c.quota.spentError()
	if spent.Until.Before(now) {
		spent.Until = now.Add(dayRetryFallback)
	}
	return spent
}

// readInventories reads the listings' inventories, a hundred per call
// (getListingsByListingIds with includes=Inventory); a listing answered
// without its inventory has it read on its own. A listing missing from
// the answer is gone.
func (c *Client) readInventories(ctx context.Context, groups []*listingGroup) (map[int64]json.RawMessage, error) {
	out := map[int64]json.RawMessage{}
	for start := 0; start < len(groups); start += pageSize {
		chunk := groups[start:min(start+pageSize, len(groups))]
		ids := make([]string, len(chunk))
		for i, g := range chunk {
			ids[i] = strconv.FormatInt(g.id, 10)
		}
		what := fmt.Sprintf("inventories of %d listings", len(chunk))
		q := url.Values{"listing_ids": {strings.Join(ids, ",")}, "includes": {"Inventory"}}
		resp, err := c.call(ctx, what, http.MethodGet, "/listings/batch", q, nil)
		if err != nil {
			return nil, err
		}
		var page listingsPage
		if err := decode(what, resp, &page); err != nil {
			return nil, err
		}
		for _, raw := range page.Results {
			var l listing
			if json.Unmarshal(raw, &l) != nil || l.ListingID <= 0 {
				continue
			}
			if len(l.Inventory) == 0 || string(l.Inventory) == "null" {
				inv, err := c.readInventory(ctx, l.ListingID)
				if errors.Is(err, errGone) {
					continue
				}
				if err != nil {
					return nil, err
				}
				l.Inventory = inv
			}
			out[l.ListingID] = l.Inventory
		}
	}
	return out, nil
}
