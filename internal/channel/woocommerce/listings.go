package woocommerce

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"stocksync/internal/channel"
)

// FetchListings returns one page of products, lowest ID first, with each
// variable product replaced by its variations. The cursor is the page
// number; Total counts products, so it only approximates the listings.
func (c *Client) FetchListings(ctx context.Context, since time.Time, cursor string) (channel.ListingPage, error) {
	page, err := pageNumber("listing", cursor)
	if err != nil {
		return channel.ListingPage{}, err
	}
	what := fmt.Sprintf("products page %d", page)
	resp, err := c.call(ctx, what, http.MethodGet, "/products", listQuery(page, since, productFields), nil)
	if err != nil {
		return channel.ListingPage{}, err
	}
	var raws []json.RawMessage
	if err := decode(what, resp, &raws); err != nil {
		return channel.ListingPage{}, err
	}
	out := channel.ListingPage{Listings: make([]channel.Listing, 0, len(raws))}
	out.HasMore, out.Total = pagesLeft(resp, page, len(raws))
	if out.HasMore {
		out.NextCursor = strconv.Itoa(page + 1)
	}
	for _, raw := range raws {
		var p product
		if err := json.Unmarshal(raw, &p); err != nil {
			out.Listings = append(out.Listings, channel.Listing{Raw: raw, Problem: "the product could not be read: " + err.Error()})
			continue
		}
		switch p.Type {
		case "grouped":
		case "variable":
			vs, err := c.variations(ctx, p)
			if err != nil {
				return channel.ListingPage{}, err
			}
			out.Listings = append(out.Listings, vs...)
		default:
			out.Listings = append(out.Listings, productListing(p, raw))
		}
	}
	return out, nil
}

func pageNumber(kind, cursor string) (int, error) {
	if cursor == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(cursor)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("woocommerce: the %s cursor %q is not a page number; start the sync again", kind, cursor)
	}
	return n, nil
}

// listQuery is the query of a collection page: oldest ID first, because
// page numbers over a list that only grows at its end stay put while a sync
// pages through it.
func listQuery(page int, since time.Time, fields string) url.Values {
	q := url.Values{
		"per_page": {strconv.Itoa(perPage)},
		"page":     {strconv.Itoa(page)},
		"orderby":  {"id"},
		"order":    {"asc"},
		"_fields":  {fields},
	}
	if !since.IsZero() {
		q.Set("modified_after", since.UTC().Format(wcDate))
		q.Set("dates_are_gmt", "true")
	}
	return q
}

func productListing(p product, raw json.RawMessage) channel.Listing {
	id := strconv.Itoa(p.ID)
	l := channel.Listing{
		ExternalID: id, ProductID: id, SKU: p.SKU, Name: p.Name,
		Price: channel.RawText(p.Price), InventoryRef: id,
		UpdatedAt: gmtTime(p.DateModifiedGMT), URL: p.Permalink, Raw: raw, NotForSale: !forSale(p.Status),
	}
	if stockMode(p.ManageStock) == "true" {
		l.Quantity, l.Problem = quantity(p.StockQuantity)
	}
	return l
}

// variations fetches every variation of a variable product, disabled ones
// included (the default status "any"), so that a variation that stops
// being for sale is seen as such. A product deleted between the page and
// this call has none.
//
// A change made only to a variation needs no query of its own: saving a
// variation queues its parent for a sync at the end of the request
// (WC_Product::maybe_defer_product_sync in abstract-wc-product.php), and
// that sync saves the parent (WC_Product_Variable::sync), which records the
// save in its post_modified_gmt even when nothing else changed
// (WC_Product_Data_Store_CPT::update). The parent then passes
// modified_after, and its variations are all read again.
func (c *Client) variations(ctx context.Context, parent product) ([]channel.Listing, error) {
	var out []channel.Listing
	pid := strconv.Itoa(parent.ID)
	for page := 1; ; page++ {
		what := fmt.Sprintf("variations of product %d, page %d", parent.ID, page)
		q := listQuery(page, time.Time{}, variationFields)
		resp, err := c.call(ctx, what, http.MethodGet, "/products/"+pid+"/variations", q, nil)
		var httpErr *channel.HTTPError
		if errors.As(err, &httpErr) && httpErr.Status == http.StatusNotFound {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		var raws []json.RawMessage
		if err := decode(what, resp, &raws); err != nil {
			return nil, err
		}
		for _, raw := range raws {
			out = append(out, variationListing(parent, raw))
		}
		if more, _ := pagesLeft(resp, page, len(raws)); !more {
			return out, nil
		}
	}
}

func variationListing(parent product, raw json.RawMessage) channel.Listing {
	pid := strconv.Itoa(parent.ID)
	var v variation
	if err := json.Unmarshal(raw, &v); err != nil {
		return channel.Listing{ProductID: pid, Raw: raw, Problem: "the variation could not be read: " + err.Error()}
	}
	id := pid + "/" + strconv.Itoa(v.ID)
	options := make([]string, 0, len(v.Attributes))
	for _, a := range v.Attributes {
		if a.Option != "" {
			options = append(options, a.Option)
		}
	}
	name := parent.Name
	if len(options) > 0 {
		name += " - " + strings.Join(options, ", ")
	}
	l := channel.Listing{
		ExternalID: id, ProductID: pid, SKU: v.SKU, Name: name,
		Price: channel.RawText(v.Price), InventoryRef: id,
		UpdatedAt: gmtTime(v.DateModifiedGMT), URL: v.Permalink, Raw: raw,
		// A published product's disabled variation is not sold, nor is any
		// variation of a product that is not published.
		NotForSale: !forSale(v.Status) || !forSale(parent.Status),
	}
	switch stockMode(v.ManageStock) {
	case "true":
		l.Quantity, l.Problem = quantity(v.StockQuantity)
	case "parent":
		// The stock is the parent's, shared by its variations: report it,
		// and address pushes to the parent so they do not split it off.
		l.Quantity, l.Problem = quantity(v.StockQuantity)
		l.InventoryRef = pid
	}
	return l
}

// quantity reads stock_quantity, or says why it could not.
func quantity(raw json.RawMessage) (*int, string) {
	q, err := channel.RawInt(raw)
	if err != nil {
		return nil, "the stock quantity " + err.Error()
	}
	return q, ""
}
