package amazon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"stocksync/internal/channel"
)

// patchThreshold is the most quantities sent as single patches. At 5
// patches a second they take 20 s; a feed takes three calls, of which
// createFeed may be made only every two minutes once its burst of 15 is
// spent, and then minutes of processing. Beyond this many, one feed per
// marketplace is both faster and cheaper.
const patchThreshold = 100

// genericProductType is the product type sent with a quantity patch.
// Amazon's Listings Items 2021-08-01 use case guide: "offer-only
// submissions for existing ASINs and partial updates are supported by
// using the PRODUCT product type"; its schema carries the offer
// attributes, fulfillment_availability among them. The merchant listings
// report that a full sync reads names no product type, so the listing's
// own is not known for every listing; PRODUCT is.
const genericProductType = "PRODUCT"

// stockTarget is one update addressed to Amazon.
type stockTarget struct {
	index       int // into the caller's updates
	marketplace string
	sku         string
	quantity    int
}

// SetQuantities sets merchant-fulfilled quantities: by patchListingsItem
// for a few, by one JSON_LISTINGS_FEED per marketplace for many. Each
// listing's outcome is Amazon's (ACCEPTED, or INVALID with its issues). An
// error means the batch as a whole failed (rejected credentials, a feed
// cancelled or failed by Amazon) and is sent again by the caller; quantities
// are absolute, so sending them twice is harmless.
func (c *Client) SetQuantities(ctx context.Context, updates []channel.QuantityUpdate, _ string) ([]channel.QuantityResult, error) {
	if len(updates) > quantityBatchSize {
		return nil, fmt.Errorf("amazon: %d quantities in one call; send at most %d", len(updates), quantityBatchSize)
	}
	results := make([]channel.QuantityResult, len(updates))
	byMarket := map[string][]stockTarget{}
	var order []string
	for i, u := range updates {
		results[i].ExternalID = u.ExternalID
		ref := u.InventoryRef
		if ref == "" {
			ref = u.ExternalID
		}
		m, sku, ok := strings.Cut(ref, "/")
		if !ok || m == "" || sku == "" {
			results[i].Err = fmt.Errorf("amazon: %q is not a marketplace and SKU; sync the catalogue before pushing stock", ref)
			continue
		}
		if u.Quantity < 0 {
			results[i].Err = fmt.Errorf("amazon: a quantity of %d cannot be sent; Amazon takes 0 or more", u.Quantity)
			continue
		}
		if _, seen := byMarket[m]; !seen {
			order = append(order, m)
		}
		byMarket[m] = append(byMarket[m], stockTarget{index: i, marketplace: m, sku: sku, quantity: u.Quantity})
	}
	total := 0
	for _, ts := range byMarket {
		total += len(ts)
	}
	for _, m := range order {
		var err error
		if total <= patchThreshold {
			err = c.patchAll(ctx, byMarket[m], results)
		} else {
			err = c.sendFeed(ctx, m, byMarket[m], results)
		}
		if err != nil {
			return nil, err
		}
	}
	return results, nil
}

// patchAll patches each listing's fulfillment_availability. A refusal of
// one listing (unknown SKU, invalid) is its result; only what makes every
// other patch pointless stops the batch.
func (c *Client) patchAll(ctx context.Context, targets []stockTarget, results []channel.QuantityResult) error {
	for _, t := range targets {
		err := c.patch(ctx, t)
		if err != nil && (errors.Is(err, channel.ErrUnauthorized) || ctx.Err() != nil) {
			return err
		}
		results[t.index].Err = err
	}
	return nil
}

func quantityPatch(q int) []map[string]any {
	return []map[string]any{{
		"op": "replace", "path": "/attributes/fulfillment_availability",
		"value": []map[string]any{{"fulfillment_channel_code": "DEFAULT", "quantity": q}},
	}}
}

// patchResponse is patchListingsItem's answer.
type patchResponse struct {
	SKU          string `json:"sku"`
	Status       string `json:"status"` // ACCEPTED or INVALID
	SubmissionID string `json:"submissionId"`
	Issues       []struct {
		Code     string `json:"code"`
		Message  string `json:"message"`
		Severity string `json:"severity"`
	} `json:"issues"`
}

func (c *Client) patch(ctx context.Context, t stockTarget) error {
	what := "stock update of SKU " + t.sku
	path := "/listings/2021-08-01/items/" + url.PathEscape(c.sellerID) + "/" + url.PathEscape(t.sku)
	q := url.Values{"marketplaceIds": {t.marketplace}, "includedData": {"issues"}}
	body := map[string]any{"productType": genericProductType, "patches": quantityPatch(t.quantity)}
	resp, err := c.call(ctx, opPatchListing, what, http.MethodPatch, path, q, body)
	if err != nil {
		return err
	}
	var out patchResponse
	if err := decode(what, resp, &out); err != nil {
		return err
	}
	if out.Status == "ACCEPTED" {
		return nil
	}
	var msgs []string
	for _, is := range out.Issues {
		if is.Severity == "ERROR" || is.Severity == "" {
			msgs = append(msgs, issueText(is.Message, is.Code))
		}
	}
	if len(msgs) == 0 {
		msgs = append(msgs, "no reason given")
	}
	return fmt.Errorf("amazon: Amazon refused the quantity (%s): %s", strings.ToLower(orDefault(out.Status, "no status")), strings.Join(msgs, "; "))
}

func issueText(message, code string) string {
	if code == "" {
		return message
	}
	return message + " (" + code + ")"
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// decodeJSON is decode for bodies that did not come through the caller.
func decodeJSON(what string, body []byte, out any) error {
	if err := json.Unmarshal(body, out); err != nil {
		return &channel.MalformedError{What: "amazon: " + what, Err: err}
	}
	return nil
}
