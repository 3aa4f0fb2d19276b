package amazon

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"stocksync/internal/channel"
)

// listingsReportType lists every listing, active or not, with its
// fulfilment channel. A report covers one marketplace.
const listingsReportType = "GET_MERCHANT_LISTINGS_ALL_DATA"

// longestReportWait bounds how long a full sync waits for Amazon to
// prepare a listings report.
const longestReportWait = 60 * time.Minute

type reportStatus struct {
	ReportID         string `json:"reportId"`
	ProcessingStatus string `json:"processingStatus"` // IN_QUEUE, IN_PROGRESS, DONE, CANCELLED, FATAL
	ReportDocumentID string `json:"reportDocumentId"`
}

var _ channel.BulkLister = (*Client)(nil)

// FetchAllListings reads the whole catalogue from one merchant listings
// report per marketplace: request it, wait for it, download and parse it.
// searchListingsItems could page through at most 1,000 SKUs.
func (c *Client) FetchAllListings(ctx context.Context, chunk int, fn func([]channel.Listing) error) error {
	if chunk <= 0 {
		chunk = 1000
	}
	for _, m := range c.marketplaces {
		body, err := c.listingsReport(ctx, m)
		if err != nil {
			return err
		}
		listings, err := parseListingsReport(m, body)
		if err != nil {
			return err
		}
		for len(listings) > 0 {
			n := min(chunk, len(listings))
			if err := fn(listings[:n]); err != nil {
				return err
			}
			listings = listings[n:]
		}
	}
	return nil
}

// listingsReport requests one marketplace's listings report and returns
// its document.
func (c *Client) listingsReport(ctx context.Context, marketplace string) ([]byte, error) {
	resp, err := c.call(ctx, opCreateReport, "requesting the listings report", http.MethodPost, "/reports/2021-06-30/reports", nil,
		map[string]any{"reportType": listingsReportType, "marketplaceIds": []string{marketplace}})
	if err != nil {
		return nil, err
	}
	var created struct {
		ReportID string `json:"reportId"`
	}
	if err := decode("requested report", resp, &created); err != nil {
		return nil, err
	}
	if created.ReportID == "" {
		return nil, &channel.MalformedError{What: "amazon: requested report", Err: fmt.Errorf("no reportId")}
	}
	st, err := c.waitReport(ctx, created.ReportID)
	if err != nil {
		return nil, err
	}
	what := "listings report " + created.ReportID
	resp, err = c.call(ctx, opGetReportDocument, what, http.MethodGet, "/reports/2021-06-30/documents/"+url.PathEscape(st.ReportDocumentID), nil, nil)
	if err != nil {
		return nil, err
	}
	var doc document
	if err := decode(what, resp, &doc); err != nil {
		return nil, err
	}
	if doc.URL == "" {
		return nil, &channel.MalformedError{What: "amazon: " + what, Err: fmt.Errorf("no url")}
	}
	body, ctype, err := c.download(ctx, what, doc)
	if err != nil {
		return nil, err
	}
	return toUTF8(body, ctype), nil
}

func (c *Client) waitReport(ctx context.Context, reportID string) (reportStatus, error) {
	deadline := c.now().Add(longestReportWait)
	for n := 0; ; n++ {
		what := "status of listings report " + reportID
		resp, err := c.call(ctx, opGetReport, what, http.MethodGet, "/reports/2021-06-30/reports/"+url.PathEscape(reportID), nil, nil)
		if err != nil {
			return reportStatus{}, err
		}
		var st reportStatus
		if err := decode(what, resp, &st); err != nil {
			return reportStatus{}, err
		}
		switch st.ProcessingStatus {
		case "DONE":
			if st.ReportDocumentID == "" {
				return reportStatus{}, &channel.MalformedError{What: "amazon: " + what, Err: fmt.Errorf("DONE without a reportDocumentId")}
			}
			return st, nil
		case "CANCELLED":
			// Amazon cancels a report that would be empty.
			return reportStatus{}, fmt.Errorf("amazon: Amazon cancelled listings report %s (it does so when there is nothing to report, or it could not be made); try again", reportID)
		case "FATAL":
			return reportStatus{}, fmt.Errorf("amazon: Amazon could not make listings report %s (FATAL); try again later", reportID)
		}
		if c.now().After(deadline) {
			return reportStatus{}, channel.Retryable(fmt.Errorf("amazon: listings report %s was still %s after %s", reportID, st.ProcessingStatus, longestReportWait))
		}
		if err := c.sleep(ctx, pollInterval(n)); err != nil {
			return reportStatus{}, err
		}
	}
}
