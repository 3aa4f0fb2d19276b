package ebay

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	_ "time/tzdata" // eBay's calendar day is Pacific time, wherever the server runs

	"stocksync/internal/channel"
)

type priceQuantity struct {
	SKU                        string          `json:"sku"`
	ShipToLocationAvailability *shipTo         `json:"shipToLocationAvailability,omitempty"`
	Offers                     []offerQuantity `json:"offers,omitempty"`
}

type shipTo struct {
	Quantity int `json:"quantity"`
}

type offerQuantity struct {
	OfferID           string `json:"offerId"`
	AvailableQuantity int    `json:"availableQuantity"`
}

type bulkResponse struct {
	Responses []struct {
		StatusCode int         `json:"statusCode"`
		SKU        string      `json:"sku"`
		OfferID    string      `json:"offerId"`
		Errors     []ebayError `json:"errors"`
	} `json:"responses"`
}

// SetQuantities sends at most 25 SKUs in one bulk_update_price_quantity
// call. Updates of one SKU (the same SKU listed on several marketplaces)
// go as one request: its total ship-to-home quantity is the largest asked,
// and each offer gets its own listing's quantity. Each update succeeds or
// fails on its own; one whose listing has used its 250 revisions of the day
// fails with a *channel.QuotaError until the next Pacific midnight. The
// returned error is kept for what makes the whole push pointless (refused
// credentials, a cancelled context); any other failure of the call is
// reported on each update.
func (c *Client) SetQuantities(ctx context.Context, updates []channel.QuantityUpdate, _ string) ([]channel.QuantityResult, error) {
	results := make([]channel.QuantityResult, len(updates))
	var requests []*priceQuantity
	bySKU := map[string]*priceQuantity{}
	owners := map[string][]int{} // SKU → indexes of its updates
	refs := make([]inventoryRef, len(updates))
	for i, u := range updates {
		results[i].ExternalID = u.ExternalID
		ref, err := c.pushRef(ctx, u)
		if errors.Is(err, channel.ErrUnauthorized) || ctx.Err() != nil {
			return nil, errors.Join(err, ctx.Err())
		}
		if results[i].Err = err; err != nil {
			continue
		}
		refs[i] = ref
		if len(ref.Offers) == 0 {
			results[i].Err = fmt.Errorf("ebay: %s has no published offer; publish it on eBay, sync, and push again", u.ExternalID)
			continue
		}
		q := max(u.Quantity, 0)
		pq := bySKU[ref.SKU]
		if pq == nil {
			pq = &priceQuantity{SKU: ref.SKU, ShipToLocationAvailability: &shipTo{Quantity: q}}
			bySKU[ref.SKU] = pq
			requests = append(requests, pq)
		}
		pq.ShipToLocationAvailability.Quantity = max(pq.ShipToLocationAvailability.Quantity, q)
	offers:
		for _, id := range ref.Offers {
			for k := range pq.Offers {
				if pq.Offers[k].OfferID == id { // the same listing twice: the last quantity wins
					pq.Offers[k].AvailableQuantity = q
					continue offers
				}
			}
			pq.Offers = append(pq.Offers, offerQuantity{OfferID: id, AvailableQuantity: q})
		}
		owners[ref.SKU] = append(owners[ref.SKU], i)
	}
	if len(requests) > batchSize {
		return nil, fmt.Errorf("ebay: %d SKUs in one call; send at most %d", len(requests), batchSize)
	}
	if len(requests) == 0 {
		return results, nil
	}
	const what = "stock update"
	resp, err := c.call(ctx, what, http.MethodPost, inventoryPath+"/bulk_update_price_quantity", nil, map[string]any{"requests": requests})
	if err != nil {
		if errors.Is(err, channel.ErrUnauthorized) || ctx.Err() != nil {
			return nil, err
		}
		for _, idx := range owners {
			for _, i := range idx {
				results[i].Err = err
			}
		}
		return results, nil
	}
	var out bulkResponse
	if err := decode(what, resp, &out); err != nil {
		for _, idx := range owners {
			for _, i := range idx {
				results[i].Err = err
			}
		}
		return results, nil
	}
	// eBay answers per SKU and per offer, in no promised order.
	reported := map[string]bool{}
	failures := map[string]error{}
	for _, r := range out.Responses {
		reported[r.SKU+"\x00"+r.OfferID] = true
		reported[r.SKU] = true
		if r.StatusCode == http.StatusOK && len(r.Errors) == 0 {
			continue
		}
		key := r.SKU + "\x00" + r.OfferID
		failures[key] = c.itemError(r.StatusCode, r.Errors)
		if r.OfferID == "" {
			failures[r.SKU] = failures[key]
		}
	}
	for i := range updates {
		if results[i].Err != nil {
			continue
		}
		ref := refs[i]
		if !reported[ref.SKU] {
			results[i].Err = fmt.Errorf("ebay: eBay did not report on SKU %q; check it on eBay and push again", ref.SKU)
			continue
		}
		if err := failures[ref.SKU]; err != nil {
			results[i].Err = err
			continue
		}
		for _, id := range ref.Offers {
			if err := failures[ref.SKU+"\x00"+id]; err != nil {
				results[i].Err = err
				break
			}
		}
	}
	return results, nil
}

// itemError turns a refused item into an error: the daily revision limit
// into a *channel.QuotaError, anything else into eBay's words.
func (c *Client) itemError(status int, errs []ebayError) error {
	msgs := make([]string, 0, len(errs))
	for _, e := range errs {
		if revisionLimit(e) {
			return &channel.QuotaError{Until: nextPacificMidnight(c.now()),
				Reason: "eBay allows a listing 250 revisions a day and this listing has used them"}
		}
		msgs = append(msgs, e.String())
	}
	if len(msgs) == 0 {
		return fmt.Errorf("ebay: eBay refused the stock update (status %d)", status)
	}
	return fmt.Errorf("ebay: eBay refused the stock update: %s", strings.Join(msgs, "; "))
}

// revisionLimit recognises eBay's refusal of a revision past the 250 a day.
// eBay documents the limit but not its error, so the message decides: it
// names the revision threshold.
func revisionLimit(e ebayError) bool {
	text := strings.ToLower(e.Message + " " + e.LongMessage)
	return strings.Contains(text, "revis") && (strings.Contains(text, "250") || strings.Contains(text, "limit") || strings.Contains(text, "threshold"))
}

var pacific = mustLocation("America/Los_Angeles")

func mustLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err) // embedded by time/tzdata
	}
	return loc
}

// nextPacificMidnight is when eBay's calendar day, and with it a listing's
// revision count, starts again.
func nextPacificMidnight(t time.Time) time.Time {
	p := t.In(pacific)
	return time.Date(p.Year(), p.Month(), p.Day()+1, 0, 0, 0, 0, pacific).UTC()
}
