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
	"time"

	"stocksync/internal/channel"
)

// FetchListings returns one page of the shop's active listings, each
// replaced by its products. The cursor is the offset.
//
// The listings are asked for with their inventory included, one call for
// a hundred; a listing that arrives without it has it read on its own.
// An incremental page asks for the most recently updated first and stops
// at the first listing not changed after since, but only trusts that
// order when the page shows it: Etsy documents sort_on as working only
// with a search, so an unsorted page is filtered instead, and paging goes
// on to the end.
func (c *Client) FetchListings(ctx context.Context, since time.Time, cursor string) (channel.ListingPage, error) {
	offset, err := channel.OffsetCursor("etsy", "listing", cursor)
	if err != nil {
		return channel.ListingPage{}, err
	}
	q := url.Values{"state": {"active"}, "limit": {strconv.Itoa(pageSize)}, "offset": {strconv.Itoa(offset)}, "includes": {"Inventory"}}
	incremental := !since.IsZero()
	if incremental {
		q.Set("sort_on", "updated")
		q.Set("sort_order", "desc")
	} else {
		q.Set("sort_on", "created")
		q.Set("sort_order", "asc")
	}
	what := fmt.Sprintf("listings from offset %d", offset)
	resp, err := c.call(ctx, what, http.MethodGet, "/shops/"+c.shopID+"/listings", q, nil)
	if err != nil {
		return channel.ListingPage{}, err
	}
	var page listingsPage
	if err := decode(what, resp, &page); err != nil {
		return channel.ListingPage{}, err
	}
	out := channel.ListingPage{Total: page.Count}
	next := offset + len(page.Results)
	out.HasMore = len(page.Results) > 0 && next < page.Count
	if incremental {
		out.Total = -1
	}
	parsed := make([]listing, len(page.Results))
	for i, raw := range page.Results {
		if err := json.Unmarshal(raw, &parsed[i]); err != nil || parsed[i].ListingID <= 0 {
			parsed[i] = listing{}
			out.Listings = append(out.Listings, channel.Listing{Raw: raw, Problem: "the listing could not be read: " + readError(err)})
		}
	}
	stopAtUnchanged := incremental && sortedByUpdate(parsed)
	for i, l := range parsed {
		if l.ListingID <= 0 {
			continue
		}
		if incremental && !unixTime(l.LastModified).After(since) {
			if stopAtUnchanged {
				out.HasMore = false
				break
			}
			continue
		}
		ls, err := c.listingProducts(ctx, l, page.Results[i])
		if err != nil {
			return channel.ListingPage{}, err
		}
		out.Listings = append(out.Listings, ls...)
	}
	if out.HasMore {
		out.NextCursor = strconv.Itoa(next)
	}
	return out, nil
}

func readError(err error) string {
	if err == nil {
		return "it has no listing_id"
	}
	return err.Error()
}

// listingProducts turns one listing into its products, reading its
// inventory when the page did not include it.
func (c *Client) listingProducts(ctx context.Context, l listing, raw json.RawMessage) ([]channel.Listing, error) {
	invRaw := l.Inventory
	if len(invRaw) == 0 || string(invRaw) == "null" {
		var err error
		invRaw, err = c.readInventory(ctx, l.ListingID)
		if errors.Is(err, errGone) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
	}
	var inv inventory
	if err := json.Unmarshal(invRaw, &inv); err != nil {
		return []channel.Listing{{ExternalID: strconv.FormatInt(l.ListingID, 10), ProductID: strconv.FormatInt(l.ListingID, 10),
			Name: text(l.Title), Raw: raw, Problem: "the listing's inventory could not be read: " + err.Error()}}, nil
	}
	return productListings(l, inv), nil
}

var errGone = errors.New("etsy: the listing is gone")

// readInventory reads one listing's inventory (getListingInventory).
func (c *Client) readInventory(ctx context.Context, id int64) (json.RawMessage, error) {
	resp, err := c.call(ctx, fmt.Sprintf("inventory of listing %d", id), http.MethodGet, fmt.Sprintf("/listings/%d/inventory", id), nil, nil)
	var httpErr *channel.HTTPError
	if errors.As(err, &httpErr) && httpErr.Status == http.StatusNotFound {
		return nil, errGone // deleted since the page was read
	}
	if err != nil {
		return nil, err
	}
	return resp.Body, nil
}

// productListings makes one channel listing per product of l.
func productListings(l listing, inv inventory) []channel.Listing {
	lid := strconv.FormatInt(l.ListingID, 10)
	title := text(l.Title)
	var out []channel.Listing
	for _, raw := range inv.Products {
		var p product
		if err := json.Unmarshal(raw, &p); err != nil {
			out = append(out, channel.Listing{ProductID: lid, Name: title, Raw: raw, Problem: "the product could not be read: " + err.Error()})
			continue
		}
		if p.IsDeleted {
			continue
		}
		key := productKey(l.ListingID, p.PropertyValues)
		item := channel.Listing{
			ExternalID: key, ProductID: lid, SKU: p.SKU, Name: productName(title, p.PropertyValues),
			InventoryRef: key, UpdatedAt: unixTime(l.LastModified), URL: l.URL, Raw: raw,
			NotForSale: l.State != "" && l.State != "active",
		}
		o, ok := p.activeOffering()
		switch {
		case !ok:
			item.Problem = "the product has no offering, so it has no price or quantity"
		default:
			item.Price = o.Price.decimal()
			item.NotForSale = item.NotForSale || !o.IsEnabled
			q, err := channel.RawInt(o.Quantity)
			if err != nil {
				item.Problem = "the quantity " + err.Error()
			} else {
				item.Quantity = q
			}
		}
		out = append(out, item)
	}
	return out
}

// productName is the listing title plus the product's property values,
// as Etsy shows a variation: "Mug - Blue, Large".
func productName(title string, pvs []propertyValue) string {
	var values []string
	for _, pv := range pvs {
		for _, v := range pv.Values {
			if v = strings.TrimSpace(text(v)); v != "" {
				values = append(values, v)
			}
		}
	}
	if len(values) == 0 {
		return title
	}
	return title + " - " + strings.Join(values, ", ")
}

// sortedByUpdate tells whether a page is provably in the order asked for,
// last modified first: its modification times never rise, and its
// creation times do somewhere, so it is not merely Etsy's default order
// (newest created first) in a shop where nothing was edited since. Only
// then may an incremental fetch stop at the first unchanged listing.
func sortedByUpdate(ls []listing) bool {
	proof := false
	var prev *listing
	for i := range ls {
		l := &ls[i]
		if l.ListingID <= 0 {
			continue
		}
		if prev != nil {
			if l.LastModified > prev.LastModified {
				return false
			}
			if l.Created > prev.Created {
				proof = true
			}
		}
		prev = l
	}
	return proof
}
