package woocommerce

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"stocksync/internal/channel"
)

type stockUpdate struct {
	ID            int  `json:"id"`
	ManageStock   bool `json:"manage_stock"`
	StockQuantity int  `json:"stock_quantity"`
}

// batchGroup is one batch call: simple products (parent 0) or the
// variations of one product. indexes point into the caller's updates.
type batchGroup struct {
	parent  int
	indexes []int
	items   []stockUpdate
}

// SetQuantities sets managed stock, simple products through products/batch
// and variations through their product's variations/batch. Each item
// succeeds or fails on its own. The returned error is kept for what makes
// the whole push pointless (rejected keys, a cancelled context); any other
// failure of a call is reported on each of its items.
func (c *Client) SetQuantities(ctx context.Context, updates []channel.QuantityUpdate, _ string) ([]channel.QuantityResult, error) {
	if len(updates) > batchSize {
		return nil, fmt.Errorf("woocommerce: %d quantities in one call; send at most %d", len(updates), batchSize)
	}
	results := make([]channel.QuantityResult, len(updates))
	var groups []*batchGroup
	byParent := map[int]*batchGroup{}
	for i, u := range updates {
		results[i].ExternalID = u.ExternalID
		ref := u.InventoryRef
		if ref == "" {
			ref = u.ExternalID
		}
		parent, id, ok := parseRef(ref)
		if !ok {
			results[i].Err = fmt.Errorf("woocommerce: %q is not a product or variation ID; sync the catalogue before pushing stock", ref)
			continue
		}
		g := byParent[parent]
		if g == nil {
			g = &batchGroup{parent: parent}
			byParent[parent] = g
			groups = append(groups, g)
		}
		g.indexes = append(g.indexes, i)
		g.items = append(g.items, stockUpdate{ID: id, ManageStock: true, StockQuantity: u.Quantity})
	}
	for _, g := range groups {
		itemErrs, err := c.sendBatch(ctx, g)
		if err != nil {
			if errors.Is(err, channel.ErrUnauthorized) || ctx.Err() != nil {
				return nil, err
			}
			for _, i := range g.indexes {
				results[i].Err = err
			}
			continue
		}
		for k, i := range g.indexes {
			results[i].Err = itemErrs[k]
		}
	}
	return results, nil
}

// parseRef reads "pid" (parent 0) or "pid/vid".
func parseRef(ref string) (parent, id int, ok bool) {
	first, second, isVariation := strings.Cut(ref, "/")
	a, err := strconv.Atoi(first)
	if err != nil || a <= 0 {
		return 0, 0, false
	}
	if !isVariation {
		return 0, a, true
	}
	b, err := strconv.Atoi(second)
	if err != nil || b <= 0 {
		return 0, 0, false
	}
	return a, b, true
}

// sendBatch sends one group and returns an error per item (nil when set).
func (c *Client) sendBatch(ctx context.Context, g *batchGroup) ([]error, error) {
	path, what := "/products/batch", "stock update of products"
	if g.parent != 0 {
		path = "/products/" + strconv.Itoa(g.parent) + "/variations/batch"
		what = "stock update of the variations of product " + strconv.Itoa(g.parent)
	}
	resp, err := c.call(ctx, what, http.MethodPost, path, nil, map[string]any{"update": g.items})
	if err != nil {
		return nil, err
	}
	var out struct {
		Update []struct {
			Error *wooError `json:"error"`
		} `json:"update"`
	}
	if err := decode(what, resp, &out); err != nil {
		return nil, err
	}
	// WooCommerce answers each item at the position it was sent in.
	errs := make([]error, len(g.items))
	for k := range g.items {
		switch {
		case k >= len(out.Update):
			errs[k] = fmt.Errorf("woocommerce: %s: the store did not report on this item; check it in WooCommerce and push again", what)
		case out.Update[k].Error != nil:
			errs[k] = fmt.Errorf("woocommerce: the store refused the stock update: %s", out.Update[k].Error)
		}
	}
	return errs, nil
}
