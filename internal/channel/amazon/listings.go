package amazon

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

// searchCap is how many SKUs searchListingsItems lets one search page
// through (50 pages of 20); the next token stops there.
const searchCap = 1000

// FetchListings pages through searchListingsItems: listings changed after
// since, oldest change first, or every listing when since is zero. Sorted
// by last update, a search that reaches Amazon's 1,000-SKU cap is started
// again from the last update it saw, so an incremental sync of any size
// gets through; a listing on the seam comes twice, which the import takes.
// A full sync reads the merchant listings report instead (FetchAllListings).
//
// The cursor is "after|pageToken|seen": the lastUpdatedAfter of the search
// under way, Amazon's page token, and how many SKUs it has paged through.
func (c *Client) FetchListings(ctx context.Context, since time.Time, cursor string) (channel.ListingPage, error) {
	after, token, seen, err := parseSearchCursor(since, cursor)
	if err != nil {
		return channel.ListingPage{}, err
	}
	q := c.searchQuery(searchPageSize)
	q.Set("sortBy", "lastUpdatedDate")
	q.Set("sortOrder", "ASC")
	if !after.IsZero() {
		q.Set("lastUpdatedAfter", isoTime(after))
	}
	if token != "" {
		q.Set("pageToken", token)
	}
	what := fmt.Sprintf("listings page %d", seen/searchPageSize+1)
	res, err := c.search(ctx, what, q)
	if err != nil {
		return channel.ListingPage{}, err
	}
	out := channel.ListingPage{Total: -1}
	if after.IsZero() && token == "" {
		out.Total = res.NumberOfResults
	}
	var last time.Time
	for _, raw := range res.Items {
		ls, updated := c.itemListings(raw)
		out.Listings = append(out.Listings, ls...)
		if updated.After(last) {
			last = updated
		}
	}
	seen += len(res.Items)
	next := ""
	if res.Pagination != nil {
		next = res.Pagination.NextToken
	}
	switch {
	case next != "":
		out.HasMore, out.NextCursor = true, searchCursor(after, next, seen)
	case seen >= searchCap && len(res.Items) > 0 && !last.IsZero():
		// The cap, not the end: search again from the last change seen.
		if !last.After(after) {
			return channel.ListingPage{}, fmt.Errorf("amazon: more than %d listings changed at %s, more than searchListingsItems can page through; run a full sync, which reads the listings report", searchCap, isoTime(last))
		}
		out.HasMore, out.NextCursor = true, searchCursor(last, "", 0)
	}
	return out, nil
}

func (c *Client) searchQuery(pageSize int) url.Values {
	return url.Values{
		"marketplaceIds": {strings.Join(c.marketplaces, ",")},
		"includedData":   {"summaries,offers,fulfillmentAvailability"},
		"pageSize":       {strconv.Itoa(pageSize)},
	}
}

func (c *Client) search(ctx context.Context, what string, q url.Values) (searchResults, error) {
	resp, err := c.call(ctx, opSearchListings, what, http.MethodGet, "/listings/2021-08-01/items/"+url.PathEscape(c.sellerID), q, nil)
	if err != nil {
		return searchResults{}, err
	}
	var res searchResults
	return res, decode(what, resp, &res)
}

func searchCursor(after time.Time, token string, seen int) string {
	a := ""
	if !after.IsZero() {
		a = after.UTC().Format(time.RFC3339Nano)
	}
	return a + "|" + token + "|" + strconv.Itoa(seen)
}

func parseSearchCursor(since time.Time, cursor string) (time.Time, string, int, error) {
	if cursor == "" {
		return since, "", 0, nil
	}
	bad := errors.New("amazon: the listing cursor is not one this client wrote; start the sync again")
	parts := strings.SplitN(cursor, "|", 3)
	if len(parts) != 3 {
		return time.Time{}, "", 0, bad
	}
	var after time.Time
	if parts[0] != "" {
		t, err := time.Parse(time.RFC3339Nano, parts[0])
		if err != nil {
			return time.Time{}, "", 0, bad
		}
		after = t
	}
	seen, err := strconv.Atoi(parts[2])
	if err != nil || seen < 0 {
		return time.Time{}, "", 0, bad
	}
	return after, parts[1], seen, nil
}

// itemListings turns one listings item into a listing per marketplace it
// has a summary in, and returns its latest update.
func (c *Client) itemListings(raw json.RawMessage) ([]channel.Listing, time.Time) {
	var it listingsItem
	if err := json.Unmarshal(raw, &it); err != nil {
		return []channel.Listing{{Raw: raw, Problem: "the listing could not be read: " + err.Error()}}, time.Time{}
	}
	qty, fba, problem := availability(it)
	var out []channel.Listing
	var last time.Time
	for _, m := range c.marketplaces {
		l := channel.Listing{ExternalID: m + "/" + it.SKU, SKU: it.SKU, Raw: raw, Problem: problem}
		l.InventoryRef = l.ExternalID
		found := false
		for _, s := range it.Summaries {
			if s.MarketplaceID != m {
				continue
			}
			found = true
			l.Name, l.ProductID = s.ItemName, s.ASIN
			l.URL = productURL(m, s.ASIN)
			l.UpdatedAt = amazonTime(s.LastUpdatedDate)
		}
		if !found {
			continue // not listed in this marketplace
		}
		l.Price = offerPrice(it, m)
		if !fba {
			l.Quantity = qty
		}
		if l.UpdatedAt.After(last) {
			last = l.UpdatedAt
		}
		out = append(out, l)
	}
	if len(out) == 0 && it.SKU == "" {
		// Nothing says where it is listed; report it rather than drop it.
		return []channel.Listing{{Raw: raw, Name: firstName(it), Problem: "the listing has no SKU"}}, last
	}
	return out, last
}

func firstName(it listingsItem) string {
	for _, s := range it.Summaries {
		if s.ItemName != "" {
			return s.ItemName
		}
	}
	return ""
}

// offerPrice is the price of the marketplace's consumer offer, else of any
// offer in it.
func offerPrice(it listingsItem, marketplaceID string) string {
	price := ""
	for _, o := range it.Offers {
		if o.MarketplaceID != marketplaceID {
			continue
		}
		p := channel.RawText(o.Price.Amount)
		if o.OfferType == "B2C" {
			return p
		}
		if price == "" {
			price = p
		}
	}
	return price
}

// availability reads the merchant-fulfilled quantity (channel code
// DEFAULT). A listing with only Amazon channels (AMAZON_NA, AMAZON_EU …) is
// fulfilled by Amazon: fba is true and there is no quantity of ours.
func availability(it listingsItem) (qty *int, fba bool, problem string) {
	merchant := false
	for _, a := range it.FulfillmentAvailability {
		if a.FulfillmentChannelCode != "DEFAULT" {
			fba = true
			continue
		}
		merchant = true
		q, err := channel.RawInt(a.Quantity)
		if err != nil {
			return nil, false, "the quantity " + err.Error()
		}
		qty = q
	}
	if merchant {
		return qty, false, ""
	}
	return nil, fba, ""
}
