package amazon

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"stocksync/internal/channel"
)

const (
	feedContentType = "application/json; charset=UTF-8"
	// longestFeedWait bounds how long SetQuantities waits for Amazon to
	// process a feed; past it the batch fails and is sent again later.
	longestFeedWait = 90 * time.Minute
)

type feedMessage struct {
	MessageID     int              `json:"messageId"`
	SKU           string           `json:"sku"`
	OperationType string           `json:"operationType"`
	ProductType   string           `json:"productType"`
	Patches       []map[string]any `json:"patches"`
}

// feedStatus is getFeed's answer.
type feedStatus struct {
	FeedID               string `json:"feedId"`
	ProcessingStatus     string `json:"processingStatus"` // IN_QUEUE, IN_PROGRESS, DONE, CANCELLED, FATAL
	ResultFeedDocumentID string `json:"resultFeedDocumentId"`
}

// processingReport is a JSON_LISTINGS_FEED processing report (version 2.0).
type processingReport struct {
	Issues []struct {
		MessageID int    `json:"messageId"`
		SKU       string `json:"sku"`
		Code      string `json:"code"`
		Severity  string `json:"severity"`
		Message   string `json:"message"`
	} `json:"issues"`
	Summary struct {
		MessagesProcessed int `json:"messagesProcessed"`
		MessagesAccepted  int `json:"messagesAccepted"`
		MessagesInvalid   int `json:"messagesInvalid"`
	} `json:"summary"`
}

// sendFeed sends one marketplace's quantities as a JSON_LISTINGS_FEED in
// three calls (createFeedDocument, the upload, createFeed), waits for it
// to be processed and records each message's outcome from the report.
func (c *Client) sendFeed(ctx context.Context, marketplace string, targets []stockTarget, results []channel.QuantityResult) error {
	msgs := make([]feedMessage, len(targets))
	for i, t := range targets {
		msgs[i] = feedMessage{MessageID: i + 1, SKU: t.sku, OperationType: "PATCH", ProductType: genericProductType, Patches: quantityPatch(t.quantity)}
	}
	content, err := json.Marshal(map[string]any{
		"header":   map[string]any{"sellerId": c.sellerID, "version": "2.0", "issueLocale": "en_US"},
		"messages": msgs,
	})
	if err != nil {
		return fmt.Errorf("amazon: encoding the stock feed: %w", err)
	}
	feedID, err := c.submitFeed(ctx, marketplace, content)
	if err != nil {
		return err
	}
	st, err := c.waitFeed(ctx, feedID)
	if err != nil {
		return err
	}
	report, err := c.feedReport(ctx, feedID, st.ResultFeedDocumentID)
	if err != nil {
		return err
	}
	failed := map[int][]string{}
	for _, is := range report.Issues {
		if is.Severity == "ERROR" {
			failed[is.MessageID] = append(failed[is.MessageID], issueText(is.Message, is.Code))
		}
	}
	for i, t := range targets {
		if why, bad := failed[i+1]; bad {
			results[t.index].Err = fmt.Errorf("amazon: Amazon refused the quantity (invalid): %s", strings.Join(why, "; "))
		}
	}
	return nil
}

// submitFeed makes the three calls that hand a feed to Amazon and returns
// its id.
func (c *Client) submitFeed(ctx context.Context, marketplace string, content []byte) (string, error) {
	resp, err := c.call(ctx, opCreateFeedDocument, "creating the stock feed's document", http.MethodPost, "/feeds/2021-06-30/documents", nil,
		map[string]string{"contentType": feedContentType})
	if err != nil {
		return "", err
	}
	var doc document
	if err := decode("feed document", resp, &doc); err != nil {
		return "", err
	}
	if doc.FeedDocumentID == "" || doc.URL == "" {
		return "", &channel.MalformedError{What: "amazon: feed document", Err: fmt.Errorf("no feedDocumentId or url")}
	}
	if err := c.upload(ctx, "uploading the stock feed", doc.URL, feedContentType, content); err != nil {
		return "", err
	}
	resp, err = c.call(ctx, opCreateFeed, "creating the stock feed", http.MethodPost, "/feeds/2021-06-30/feeds", nil, map[string]any{
		"feedType": "JSON_LISTINGS_FEED", "marketplaceIds": []string{marketplace}, "inputFeedDocumentId": doc.FeedDocumentID,
	})
	if err != nil {
		return "", err
	}
	var created struct {
		FeedID string `json:"feedId"`
	}
	if err := decode("created feed", resp, &created); err != nil {
		return "", err
	}
	if created.FeedID == "" {
		return "", &channel.MalformedError{What: "amazon: created feed", Err: fmt.Errorf("no feedId")}
	}
	return created.FeedID, nil
}

// waitFeed polls getFeed until Amazon has processed the feed. A cancelled
// or fatal feed fails the whole batch, so it is sent again.
func (c *Client) waitFeed(ctx context.Context, feedID string) (feedStatus, error) {
	deadline := c.now().Add(longestFeedWait)
	for n := 0; ; n++ {
		what := "status of stock feed " + feedID
		resp, err := c.call(ctx, opGetFeed, what, http.MethodGet, "/feeds/2021-06-30/feeds/"+url.PathEscape(feedID), nil, nil)
		if err != nil {
			return feedStatus{}, err
		}
		var st feedStatus
		if err := decode(what, resp, &st); err != nil {
			return feedStatus{}, err
		}
		switch st.ProcessingStatus {
		case "DONE":
			if st.ResultFeedDocumentID == "" {
				return feedStatus{}, &channel.MalformedError{What: "amazon: " + what, Err: fmt.Errorf("DONE without a resultFeedDocumentId")}
			}
			return st, nil
		case "CANCELLED":
			return feedStatus{}, fmt.Errorf("amazon: stock feed %s was cancelled before Amazon processed it; the quantities will be sent again", feedID)
		case "FATAL":
			return feedStatus{}, fmt.Errorf("amazon: Amazon could not process stock feed %s (FATAL); the quantities will be sent again", feedID)
		}
		if c.now().After(deadline) {
			return feedStatus{}, channel.Retryable(fmt.Errorf("amazon: stock feed %s was still %s after %s", feedID, st.ProcessingStatus, longestFeedWait))
		}
		if err := c.sleep(ctx, pollInterval(n)); err != nil {
			return feedStatus{}, err
		}
	}
}

// feedReport reads a processed feed's processing report.
func (c *Client) feedReport(ctx context.Context, feedID, documentID string) (processingReport, error) {
	what := "processing report of stock feed " + feedID
	resp, err := c.call(ctx, opGetFeedDocument, what, http.MethodGet, "/feeds/2021-06-30/documents/"+url.PathEscape(documentID), nil, nil)
	if err != nil {
		return processingReport{}, err
	}
	var doc document
	if err := decode(what, resp, &doc); err != nil {
		return processingReport{}, err
	}
	body, _, err := c.download(ctx, what, doc)
	if err != nil {
		return processingReport{}, err
	}
	var rep processingReport
	return rep, decodeJSON(what, body, &rep)
}
