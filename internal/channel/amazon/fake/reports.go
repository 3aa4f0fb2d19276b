package fake

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
)

const listingsReportType = "GET_MERCHANT_LISTINGS_ALL_DATA"

// reportColumns are the merchant listings report's columns, as Amazon
// documents them.
var reportColumns = []string{"item-name", "item-description", "listing-id", "seller-sku", "price", "quantity", "open-date",
	"image-url", "item-is-marketplace", "product-id-type", "zshop-shipping-fee", "item-note", "item-condition",
	"zshop-category1", "zshop-browse-path", "zshop-storefront-feature", "asin1", "asin2", "asin3",
	"will-ship-internationally", "expedited-shipping", "zshop-boldface", "product-id", "bid-for-featured-placement",
	"add-delete", "pending-quantity", "fulfillment-channel", "merchant-shipping-group", "status"}

type report struct {
	processing
	id, reportType, marketplace string
	documentID                  string
}

func (s *Server) createReport(w http.ResponseWriter, r *http.Request) {
	var body struct {
		ReportType     string   `json:"reportType"`
		MarketplaceIDs []string `json:"marketplaceIds"`
	}
	if err := decodeBody(r, &body); err != nil || body.ReportType == "" {
		writeErrors(w, http.StatusBadRequest, "InvalidInput", "reportType and marketplaceIds are required.", "")
		return
	}
	if body.ReportType != listingsReportType {
		writeErrors(w, http.StatusBadRequest, "InvalidInput", "The fake makes only "+listingsReportType+" reports.", "")
		return
	}
	markets, ok := s.marketplacesOf(w, strings.Join(body.MarketplaceIDs, ","))
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	rep := &report{processing: processing{created: s.now()}, id: fmt.Sprint(s.nextID), reportType: body.ReportType, marketplace: markets[0]}
	s.reports[rep.id] = rep
	writeJSON(w, http.StatusAccepted, map[string]string{"reportId": rep.id})
}

func (s *Server) getReport(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rep := s.reports[r.PathValue("reportId")]
	if rep == nil {
		writeErrors(w, http.StatusNotFound, "NotFound", "The report was not found.", "")
		return
	}
	out := map[string]any{"reportId": rep.id, "reportType": rep.reportType, "marketplaceIds": []string{rep.marketplace},
		"createdTime": rep.created.UTC().Format(time.RFC3339), "processingStatus": "IN_PROGRESS"}
	if rep.documentID == "" && rep.done(s.now(), s.opts.ReportDelay) {
		ctype, body := "text/plain; charset=UTF-8", s.listingsReport(rep.marketplace)
		if cs := s.opts.ReportCharset; cs != "" {
			ctype, body = "text/plain; charset="+cs, encode(cs, body)
		}
		rep.documentID = s.putDocument("report", ctype, body, s.opts.GzipReports)
	}
	if rep.documentID != "" {
		out["processingStatus"], out["reportDocumentId"] = "DONE", rep.documentID
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) getReportDocument(w http.ResponseWriter, r *http.Request) {
	s.documentInfo(w, r, "report-", "reportDocumentId", "report")
}

// listingsReport writes the marketplace's listings as Amazon's
// tab-separated merchant listings report. Called with s.mu held.
func (s *Server) listingsReport(marketplace string) []byte {
	var ls []*Listing
	for _, l := range s.listings {
		if l.Marketplace == marketplace {
			ls = append(ls, l)
		}
	}
	sort.Slice(ls, func(i, j int) bool { return ls[i].SKU < ls[j].SKU })
	var b strings.Builder
	b.WriteString(strings.Join(reportColumns, "\t"))
	b.WriteByte('\n')
	for i, l := range ls {
		qty, channel := fmt.Sprint(l.Quantity), "DEFAULT"
		if l.FBA {
			qty, channel = "", "AMAZON_NA"
		}
		if l.BadQuantity != "" {
			qty = l.BadQuantity
		}
		row := map[string]string{
			"item-name": clean(l.Name), "listing-id": fmt.Sprintf("0101%08dX", i+1), "seller-sku": clean(l.SKU), "price": l.Price,
			"quantity": qty, "open-date": l.UpdatedAt.In(pacific).Format("2006-01-02 15:04:05 MST"), "item-is-marketplace": "y",
			"product-id-type": "1", "item-condition": "11", "asin1": l.ASIN, "will-ship-internationally": "1",
			"product-id": l.ASIN, "fulfillment-channel": channel, "status": "Active",
		}
		cells := make([]string, len(reportColumns))
		for k, c := range reportColumns {
			cells[k] = row[c]
		}
		if l.Malformed {
			cells = cells[:5]
		}
		b.WriteString(strings.Join(cells, "\t"))
		b.WriteByte('\n')
	}
	return []byte(b.String())
}

// clean keeps a text inside its cell.
func clean(s string) string { return strings.NewReplacer("\t", " ", "\n", " ", "\r", " ").Replace(s) }

var pacific = time.FixedZone("PST", -8*3600)

// encode writes UTF-8 text in charset; a character the charset lacks
// becomes "?", as Amazon's reports show it.
func encode(charset string, body []byte) []byte {
	enc, err := htmlindex.Get(charset)
	if err != nil {
		return body
	}
	out, err := encoding.ReplaceUnsupported(enc.NewEncoder()).Bytes(body)
	if err != nil {
		return body
	}
	return out
}
