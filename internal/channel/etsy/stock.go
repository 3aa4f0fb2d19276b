package etsy

import (
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

// listingGroup is the updates of one listing: one inventory PUT.
type listingGroup struct {
	id      int64
	indexes []int // into the caller's updates
}

// SetQuantities writes stock one listing at a time, since Etsy replaces a
// listing's whole inventory per call: the updates are merged per listing,
// the listings' current inventories read a hundred to a call, and each
// written back whole with the new quantities. Listings go in the order
// their first update came, which is the push's priority (quantities going
// to zero, then falling ones). When the day's budget, less a reserve kept
// for syncs, cannot pay for a listing, it and the rest are answered with a
// *channel.QuotaError and stay pending.
func (c *Client) SetQuantities(ctx context.Context, updates []channel.QuantityUpdate, _ string) ([]channel.QuantityResult, error) {
	if len(updates) > batchSize {
		return nil, fmt.Errorf("etsy: %d quantities in one call; send at most %d", len(updates), batchSize)
	}
	results := make([]channel.QuantityResult, len(updates))
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
			g = &listingGroup{id: id}
			byID[id] = g
			groups = append(groups, g)
		}
		g.indexes = append(g.indexes, i)
	}
	if len(groups) == 0 {
		return results, nil
	}
	failAll := func(gs []*listingGroup, err error) {
		for _, g := range gs {
			for _, i := range g.indexes {
				results[i].Err = err
			}
		}
	}
	if err := c.affordable(1); err != nil {
		failAll(groups, err)
		return results, nil
	}
	invs, err := c.readInventories(ctx, groups)
	if err != nil {
		if fatal(ctx, err) {
			return nil, err
		}
		failAll(groups, err)
		return results, nil
	}
	for k, g := range groups {
		if err := c.affordable(1); err != nil {
			failAll(groups[k:], err)
			break
		}
		inv, ok := invs[g.id]
		if !ok {
			failAll([]*listingGroup{g}, fmt.Errorf("etsy: listing %d is no longer on Etsy (deleted or no longer active); sync the catalogue", g.id))
			continue
		}
		err := c.writeListing(ctx, g, inv, updates, results)
		var quotaErr *channel.QuotaError
		switch {
		case err == nil:
		case fatal(ctx, err):
			return nil, err
		case errors.As(err, &quotaErr):
			failAll(groups[k:], err)
			return results, nil
		default:
			failAll([]*listingGroup{g}, err)
		}
	}
	return results, nil
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
