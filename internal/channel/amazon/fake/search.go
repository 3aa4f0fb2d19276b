package fake

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// searchCap is how many SKUs one search can page through.
const searchCap = 1000

// checkSeller refuses a seller other than the account's, as Amazon refuses
// a seller the token was not issued by.
func (s *Server) checkSeller(w http.ResponseWriter, r *http.Request) bool {
	if r.PathValue("sellerId") != s.opts.SellerID {
		writeErrors(w, http.StatusForbidden, "Unauthorized", "Access to requested resource is denied.", "")
		return false
	}
	return true
}

// marketplacesOf reads marketplaceIds, refusing one the seller does not
// sell in.
func (s *Server) marketplacesOf(w http.ResponseWriter, raw string) ([]string, bool) {
	var out []string
	for _, m := range strings.Split(raw, ",") {
		m = strings.TrimSpace(m)
		if m == "" {
			continue
		}
		if !slices.Contains(s.opts.Marketplaces, m) {
			writeErrors(w, http.StatusBadRequest, "InvalidInput", "Invalid marketplaceIds: "+m, "The seller does not sell in this marketplace.")
			return nil, false
		}
		out = append(out, m)
	}
	if len(out) == 0 {
		writeErrors(w, http.StatusBadRequest, "InvalidInput", "Missing required parameter marketplaceIds", "")
		return nil, false
	}
	return out, true
}

type itemGroup struct {
	sku     string
	updated time.Time
	in      []*Listing
}

func (s *Server) searchListings(w http.ResponseWriter, r *http.Request) {
	if !s.checkSeller(w, r) {
		return
	}
	q := r.URL.Query()
	markets, ok := s.marketplacesOf(w, q.Get("marketplaceIds"))
	if !ok {
		return
	}
	size := 10
	if v := q.Get("pageSize"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 20 {
			writeErrors(w, http.StatusBadRequest, "InvalidInput", "pageSize must be between 1 and 20", "")
			return
		}
		size = n
	}
	var after time.Time
	if v := q.Get("lastUpdatedAfter"); v != "" {
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			writeErrors(w, http.StatusBadRequest, "InvalidInput", "lastUpdatedAfter is not an ISO 8601 date-time", "")
			return
		}
		after = t
	}
	offset := 0
	if tok := q.Get("pageToken"); tok != "" {
		b, err := base64.RawURLEncoding.DecodeString(tok)
		n, err2 := strconv.Atoi(strings.TrimPrefix(string(b), "offset:"))
		if err != nil || err2 != nil || n < 0 {
			writeErrors(w, http.StatusBadRequest, "InvalidInput", "Invalid pageToken", "")
			return
		}
		offset = n
	}
	included := strings.Split(q.Get("includedData"), ",")
	if q.Get("includedData") == "" {
		included = []string{"summaries"}
	}

	s.mu.Lock()
	groups := map[string]*itemGroup{}
	for _, l := range s.listings {
		if !slices.Contains(markets, l.Marketplace) || l.UpdatedAt.Before(after) {
			continue
		}
		g := groups[l.SKU]
		if g == nil {
			g = &itemGroup{sku: l.SKU}
			groups[l.SKU] = g
		}
		g.in = append(g.in, l)
		if l.UpdatedAt.After(g.updated) {
			g.updated = l.UpdatedAt
		}
	}
	all := make([]*itemGroup, 0, len(groups))
	for _, g := range groups {
		all = append(all, g)
	}
	desc := q.Get("sortOrder") == "DESC"
	byDate := q.Get("sortBy") == "lastUpdatedDate"
	sort.Slice(all, func(i, j int) bool {
		a, b := all[i], all[j]
		if desc {
			a, b = b, a
		}
		if byDate && !a.updated.Equal(b.updated) {
			return a.updated.Before(b.updated)
		}
		return a.sku < b.sku
	})
	end := min(offset+size, len(all))
	items := make([]any, 0, max(end-offset, 0))
	for _, g := range all[min(offset, len(all)):end] {
		items = append(items, renderItem(g, included))
	}
	s.mu.Unlock()

	out := map[string]any{"numberOfResults": len(all), "items": items}
	pag := map[string]string{}
	if end < len(all) && end < searchCap {
		pag["nextToken"] = base64.RawURLEncoding.EncodeToString([]byte("offset:" + strconv.Itoa(end)))
	}
	if offset > 0 {
		pag["previousToken"] = base64.RawURLEncoding.EncodeToString([]byte("offset:" + strconv.Itoa(max(offset-size, 0))))
	}
	if len(pag) > 0 {
		out["pagination"] = pag
	}
	writeJSON(w, http.StatusOK, out)
}

func renderItem(g *itemGroup, included []string) map[string]any {
	item := map[string]any{"sku": g.sku}
	var summaries, offers []map[string]any
	var avail []map[string]any
	malformed := false
	for _, l := range g.in {
		malformed = malformed || l.Malformed
		status := []string{"BUYABLE", "DISCOVERABLE"}
		summaries = append(summaries, map[string]any{
			"marketplaceId": l.Marketplace, "asin": l.ASIN, "productType": l.ProductType, "conditionType": "new_new",
			"status": status, "itemName": l.Name, "createdDate": l.UpdatedAt.UTC().Format(time.RFC3339),
			"lastUpdatedDate": l.UpdatedAt.UTC().Format(time.RFC3339),
		})
		offers = append(offers, map[string]any{
			"marketplaceId": l.Marketplace, "offerType": "B2C",
			"price": map[string]any{"currencyCode": currencyOf(l.Marketplace), "amount": l.Price},
		})
		if len(avail) == 0 {
			// Fulfilment availability is per SKU, not per marketplace.
			a := map[string]any{"fulfillmentChannelCode": "DEFAULT", "quantity": l.Quantity}
			if l.FBA {
				a = map[string]any{"fulfillmentChannelCode": "AMAZON_NA"}
			}
			if l.BadQuantity != "" {
				a["quantity"] = l.BadQuantity
			}
			avail = append(avail, a)
		}
	}
	for _, inc := range included {
		switch inc {
		case "summaries":
			item["summaries"] = summaries
		case "offers":
			item["offers"] = offers
		case "fulfillmentAvailability":
			item["fulfillmentAvailability"] = avail
		}
	}
	if malformed {
		item["summaries"] = "not a list"
	}
	return item
}

func currencyOf(marketplace string) string {
	switch marketplace {
	case "A2EUQ1WTGCTBG2":
		return "CAD"
	case "A1F83G8C2ARO7P":
		return "GBP"
	case "A1PA6795UKMFR9", "A13V1IB3VIYZZH", "APJ6JRA9NG5V4", "A1RKKUPIHCS9HS":
		return "EUR"
	}
	return "USD"
}

// patchListing is patchListingsItem for fulfillment_availability, the only
// attribute the fake keeps.
func (s *Server) patchListing(w http.ResponseWriter, r *http.Request) {
	if !s.checkSeller(w, r) {
		return
	}
	markets, ok := s.marketplacesOf(w, r.URL.Query().Get("marketplaceIds"))
	if !ok {
		return
	}
	sku, _ := url.PathUnescape(r.PathValue("sku"))
	var body struct {
		ProductType string       `json:"productType"`
		Patches     []patchEntry `json:"patches"`
	}
	if err := decodeBody(r, &body); err != nil || body.ProductType == "" || len(body.Patches) == 0 {
		writeErrors(w, http.StatusBadRequest, "InvalidInput", "Request body is invalid: productType and patches are required.", "")
		return
	}
	q, ok := quantityOf(body.Patches)
	s.mu.Lock()
	defer s.mu.Unlock()
	code, msg := "90001000", "Only /attributes/fulfillment_availability with a DEFAULT quantity is supported by the fake."
	if ok {
		code, msg = s.quantityIssue(markets[0], sku, q)
	}
	resp := map[string]any{"sku": sku, "submissionId": s.submissionID()}
	if code != "" {
		resp["status"] = "INVALID"
		resp["issues"] = []map[string]any{{"code": code, "message": msg, "severity": "ERROR", "attributeNames": []string{"fulfillment_availability"}}}
		writeJSON(w, http.StatusOK, resp)
		return
	}
	l := s.listings[key{markets[0], sku}]
	l.Quantity, l.UpdatedAt = q, s.now()
	resp["status"], resp["issues"] = "ACCEPTED", []any{}
	writeJSON(w, http.StatusOK, resp)
}

type patchEntry struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	Value []struct {
		Code     string `json:"fulfillment_channel_code"`
		Quantity *int   `json:"quantity"`
	} `json:"value"`
}

func quantityOf(patches []patchEntry) (int, bool) {
	for _, p := range patches {
		if p.Op == "replace" && p.Path == "/attributes/fulfillment_availability" && len(p.Value) == 1 &&
			p.Value[0].Code == "DEFAULT" && p.Value[0].Quantity != nil {
			return *p.Value[0].Quantity, true
		}
	}
	return 0, false
}

func (s *Server) submissionID() string {
	s.nextID++
	return "fake-submission-" + strconv.Itoa(s.nextID)
}
