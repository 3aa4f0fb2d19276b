package ebay

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"time"

	"stocksync/internal/channel"
)

// FetchListings returns one page of inventory items, each with its offers,
// as one listing per SKU and marketplace. eBay keeps no modification date
// on inventory items, so every sync reads them all; what makes that cheap
// is the active inventory report, read at the first page (a new one for a
// full sync, one of the last hour otherwise): it gives each live listing's
// price and quantity, and a SKU's offers are read (one call a SKU) only
// when the report's listings of it are not those its stored ref names
// (see storedRef), whichever server process stored it.
//
// The cursor is the offset of the page eBay's own next link names. eBay's
// reference calls offset a page number while its next links count records;
// following the link is right either way.
func (c *Client) FetchListings(ctx context.Context, since time.Time, cursor string) (channel.ListingPage, error) {
	offset, err := channel.OffsetCursor("ebay", "listing", cursor)
	if err != nil {
		return channel.ListingPage{}, err
	}
	rep := c.syncedReport(cursor == "")
	if rep == nil {
		if rep, err = c.report(ctx, since.IsZero()); err != nil {
			return channel.ListingPage{}, err
		}
		c.keepReport(rep)
	}
	what := "inventory items from " + strconv.Itoa(offset)
	q := url.Values{"limit": {strconv.Itoa(pageSize)}, "offset": {strconv.Itoa(offset)}}
	resp, err := c.call(ctx, what, http.MethodGet, inventoryPath+"/inventory_item", q, nil)
	if err != nil {
		return channel.ListingPage{}, err
	}
	var page inventoryPage
	if err := decode(what, resp, &page); err != nil {
		return channel.ListingPage{}, err
	}
	out := channel.ListingPage{Total: -1}
	if page.Total != nil {
		out.Total = *page.Total
	}
	if out.NextCursor, err = nextOffset(what, page.Next); err != nil {
		return channel.ListingPage{}, err
	}
	out.HasMore = out.NextCursor != ""
	items := make([]inventoryItem, len(page.InventoryItems))
	unreadable := make([]error, len(page.InventoryItems))
	for i, raw := range page.InventoryItems {
		if err := json.Unmarshal(raw, &items[i]); err != nil {
			items[i], unreadable[i] = inventoryItem{}, err
		}
	}
	known, fetch, err := c.knownRefs(ctx, items, unreadable, rep)
	if err != nil {
		return channel.ListingPage{}, err
	}
	offers := make([][]json.RawMessage, len(items))
	if err := c.offersOf(ctx, items, fetch, offers); err != nil {
		return channel.ListingPage{}, err
	}
	for i, raw := range page.InventoryItems {
		var l channel.Listing
		ref, isKnown := known[i]
		switch {
		case unreadable[i] != nil:
			l = channel.Listing{Raw: raw, Problem: "the inventory item could not be read: " + unreadable[i].Error()}
		case items[i].SKU != "" && rep.unlisted(items[i].SKU):
			// Not for sale, whatever its offers say, which are not read; a
			// listing published since comes with the next sync.
			l = channel.Listing{ExternalID: c.marketplace + ":" + items[i].SKU, SKU: items[i].SKU, Name: items[i].Product.Title, Raw: raw, NotForSale: true}
		case isKnown:
			l = c.knownListing(raw, items[i], ref)
		default:
			l = c.listingOf(raw, items[i], offers[i])
		}
		overlay(&l, items[i], rep, isKnown)
		out.Listings = append(out.Listings, l)
	}
	return out, nil
}

// nextOffset reads the offset of a next link; "" when there is none.
func nextOffset(what, next string) (string, error) {
	if next == "" {
		return "", nil
	}
	u, err := url.Parse(next)
	if err == nil {
		if n, err := strconv.Atoi(u.Query().Get("offset")); err == nil && n >= 0 {
			return strconv.Itoa(n), nil
		}
	}
	return "", &channel.MalformedError{What: "ebay: " + what, Err: fmt.Errorf("the next link %q names no offset", next)}
}

// listingOf turns one inventory item and its offers into the channel's
// listing of it: the SKU on the channel's marketplace. A channel is one
// marketplace because stocksync keeps a SKU once per channel; a seller on
// two marketplaces connects each. An item with no offer there is listed
// as not for sale, so a copy imported earlier leaves the unconfirmed list.
func (c *Client) listingOf(raw json.RawMessage, item inventoryItem, rawOffers []json.RawMessage) channel.Listing {
	if item.SKU == "" {
		return channel.Listing{Raw: raw, Name: item.Product.Title, Problem: "the inventory item has no SKU"}
	}
	total, totalErr := channel.RawInt(item.Availability.ShipToLocationAvailability.Quantity)
	var here []offer
	problem := ""
	for _, ro := range rawOffers {
		var o offer
		if err := json.Unmarshal(ro, &o); err != nil || o.OfferID == "" {
			problem = "an offer of the SKU could not be read"
			continue
		}
		if o.MarketplaceID == "" || o.MarketplaceID == c.marketplace {
			here = append(here, o)
		}
	}
	if problem != "" || len(here) == 0 {
		return channel.Listing{ExternalID: c.marketplace + ":" + item.SKU, SKU: item.SKU, Name: item.Product.Title,
			Raw: rawListing(raw, rawOffers), NotForSale: problem == "", Problem: problem}
	}
	return c.marketListing(raw, item, c.marketplace, here, total, totalErr, rawOffers)
}

// marketListing is one SKU on one marketplace. The quantity buyers see is
// the lesser of the item's total and the offer's share (eBay's rule); the
// price is the published fixed-price offer's when there is one.
func (c *Client) marketListing(raw json.RawMessage, item inventoryItem, market string, offers []offer, total *int, totalErr error, rawOffers []json.RawMessage) channel.Listing {
	sort.SliceStable(offers, func(i, j int) bool { return rank(offers[i]) < rank(offers[j]) })
	main := offers[0]
	l := channel.Listing{
		ExternalID: market + ":" + item.SKU, ProductID: main.Listing.ListingID, SKU: item.SKU, Name: item.Product.Title,
		Price: channel.RawText(main.PricingSummary.Price.Value), Raw: rawListing(raw, rawOffers),
		URL: c.itemURL(market, main.Listing.ListingID), NotForSale: !live(main),
	}
	ref := inventoryRef{SKU: item.SKU, Listing: main.Listing.ListingID, Listings: publishedListings(rawOffers)}
	for _, o := range offers {
		if takesQuantity(o) {
			ref.Offers = append(ref.Offers, o.OfferID)
		}
	}
	l.InventoryRef = ref.String()
	switch {
	case totalErr != nil:
		l.Problem = "the quantity " + totalErr.Error()
	default:
		q := total
		share, err := channel.RawInt(main.AvailableQuantity)
		if err != nil {
			l.Problem = "the offer's available quantity " + err.Error()
		} else if share != nil && (q == nil || *share < *q) {
			q = share
		}
		l.Quantity = q
	}
	return l
}

// rank puts the offer that stands for the listing first: published before
// unpublished, fixed price before auction.
func rank(o offer) int {
	r := 0
	if o.Status != "PUBLISHED" {
		r += 2
	}
	if o.Format != "" && o.Format != "FIXED_PRICE" {
		r++
	}
	return r
}

// takesQuantity tells whether a push sends the offer our quantity: a
// published fixed-price offer. An auction of the same SKU sells one lot
// at a time and keeps its own quantity.
func takesQuantity(o offer) bool {
	return o.Status == "PUBLISHED" && (o.Format == "" || o.Format == "FIXED_PRICE")
}

// live tells whether an offer is on sale: published, and its listing not
// ended. OUT_OF_STOCK listings are live: they reappear when stock comes.
func live(o offer) bool {
	if o.Status != "PUBLISHED" {
		return false
	}
	switch o.Listing.ListingStatus {
	case "", "ACTIVE", "OUT_OF_STOCK":
		return true
	}
	return false
}

// rawListing keeps the inventory item and its offers as received.
func rawListing(item json.RawMessage, offers []json.RawMessage) json.RawMessage {
	if offers == nil {
		offers = []json.RawMessage{}
	}
	b, err := json.Marshal(struct {
		InventoryItem json.RawMessage   `json:"inventoryItem"`
		Offers        []json.RawMessage `json:"offers"`
	}{item, offers})
	if err != nil {
		return item
	}
	return b
}

// itemURL is the listing's page on the marketplace's site; "" when the API
// is neither eBay's nor its sandbox, or the offer is not listed.
func (c *Client) itemURL(market, listingID string) string {
	if listingID == "" {
		return ""
	}
	switch c.base {
	case productionAPI:
		host, ok := siteHosts[market]
		if !ok {
			host = "www.ebay.com"
		}
		return "https://" + host + "/itm/" + url.PathEscape(listingID)
	case "https://api.sandbox.ebay.com":
		return "https://sandbox.ebay.com/itm/" + url.PathEscape(listingID)
	}
	return ""
}

var siteHosts = map[string]string{
	"EBAY_US": "www.ebay.com", "EBAY_MOTORS": "www.ebay.com", "EBAY_GB": "www.ebay.co.uk", "EBAY_DE": "www.ebay.de",
	"EBAY_AU": "www.ebay.com.au", "EBAY_CA": "www.ebay.ca", "EBAY_FR": "www.ebay.fr", "EBAY_IT": "www.ebay.it",
	"EBAY_ES": "www.ebay.es", "EBAY_AT": "www.ebay.at", "EBAY_CH": "www.ebay.ch", "EBAY_IE": "www.ebay.ie",
	"EBAY_NL": "www.ebay.nl", "EBAY_PL": "www.ebay.pl", "EBAY_BE": "www.befr.ebay.be",
}
