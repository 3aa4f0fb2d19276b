package fake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

type feed struct {
	processing
	id, feedType, marketplace, inputDocID string
	status                                string // set when processed: DONE, FATAL or CANCELLED
	resultDocID                           string
}

// FailNextFeeds makes the next n feeds end in status (FATAL or
// CANCELLED) without being applied.
func (s *Server) FailNextFeeds(n int, status string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.failFeeds = append(s.failFeeds, status)
	}
}

func (s *Server) createFeedDocument(w http.ResponseWriter, r *http.Request) {
	var body struct {
		ContentType string `json:"contentType"`
	}
	if err := decodeBody(r, &body); err != nil || body.ContentType == "" {
		writeErrors(w, http.StatusBadRequest, "InvalidInput", "contentType is required.", "")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.newDocID("feedinput")
	s.documents[id] = &doc{contentType: body.ContentType}
	writeJSON(w, http.StatusCreated, map[string]string{"feedDocumentId": id, "url": s.docURL(r, id)})
}

func (s *Server) createFeed(w http.ResponseWriter, r *http.Request) {
	var body struct {
		FeedType            string   `json:"feedType"`
		MarketplaceIDs      []string `json:"marketplaceIds"`
		InputFeedDocumentID string   `json:"inputFeedDocumentId"`
	}
	if err := decodeBody(r, &body); err != nil || body.FeedType == "" || body.InputFeedDocumentID == "" {
		writeErrors(w, http.StatusBadRequest, "InvalidInput", "feedType, marketplaceIds and inputFeedDocumentId are required.", "")
		return
	}
	if body.FeedType != "JSON_LISTINGS_FEED" {
		writeErrors(w, http.StatusBadRequest, "InvalidInput", "The fake takes only JSON_LISTINGS_FEED feeds.", "")
		return
	}
	markets, ok := s.marketplacesOf(w, strings.Join(body.MarketplaceIDs, ","))
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.documents[body.InputFeedDocumentID] == nil {
		writeErrors(w, http.StatusBadRequest, "InvalidInput", "inputFeedDocumentId does not name a feed document.", "")
		return
	}
	s.nextID++
	f := &feed{processing: processing{created: s.now()}, id: fmt.Sprint(s.nextID), feedType: body.FeedType,
		marketplace: markets[0], inputDocID: body.InputFeedDocumentID}
	s.feeds[f.id] = f
	writeJSON(w, http.StatusAccepted, map[string]string{"feedId": f.id})
}

func (s *Server) getFeed(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.feeds[r.PathValue("feedId")]
	if f == nil {
		writeErrors(w, http.StatusNotFound, "NotFound", "The feed was not found.", "")
		return
	}
	if f.status == "" && f.done(s.now(), s.opts.FeedDelay) {
		s.process(f)
	}
	out := map[string]any{"feedId": f.id, "feedType": f.feedType, "marketplaceIds": []string{f.marketplace},
		"createdTime": f.created.UTC().Format(time.RFC3339), "processingStatus": "IN_PROGRESS"}
	if f.status != "" {
		out["processingStatus"] = f.status
	}
	if f.resultDocID != "" {
		out["resultFeedDocumentId"] = f.resultDocID
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) getFeedDocument(w http.ResponseWriter, r *http.Request) {
	s.documentInfo(w, r, "feed", "feedDocumentId", "feed")
}

type issue struct {
	MessageID int    `json:"messageId"`
	SKU       string `json:"sku"`
	Code      string `json:"code"`
	Severity  string `json:"severity"`
	Message   string `json:"message"`
}

// process applies a feed's messages and writes its processing report.
// Called with s.mu held.
func (s *Server) process(f *feed) {
	if len(s.failFeeds) > 0 {
		f.status, s.failFeeds = s.failFeeds[0], s.failFeeds[1:]
		return
	}
	var content struct {
		Header struct {
			SellerID string `json:"sellerId"`
			Version  string `json:"version"`
		} `json:"header"`
		Messages []struct {
			MessageID     int          `json:"messageId"`
			SKU           string       `json:"sku"`
			OperationType string       `json:"operationType"`
			ProductType   string       `json:"productType"`
			Patches       []patchEntry `json:"patches"`
		} `json:"messages"`
	}
	in := s.documents[f.inputDocID]
	if json.Unmarshal(in.body, &content) != nil || content.Header.SellerID != s.opts.SellerID || content.Header.Version != "2.0" {
		f.status = "FATAL"
		return
	}
	var issues []issue
	accepted := 0
	for _, m := range content.Messages {
		q, ok := quantityOf(m.Patches)
		code, msg := "90001000", "Only PATCH of /attributes/fulfillment_availability with a DEFAULT quantity is supported by the fake."
		if ok && m.OperationType == "PATCH" && m.ProductType != "" {
			code, msg = s.quantityIssue(f.marketplace, m.SKU, q)
		}
		if code != "" {
			issues = append(issues, issue{MessageID: m.MessageID, SKU: m.SKU, Code: code, Severity: "ERROR", Message: msg})
			continue
		}
		l := s.listings[key{f.marketplace, m.SKU}]
		l.Quantity, l.UpdatedAt = q, s.now()
		accepted++
	}
	rep := map[string]any{
		"header": map[string]any{"sellerId": s.opts.SellerID, "version": "2.0", "feedId": f.id},
		"issues": issues,
		"summary": map[string]int{"errors": len(issues), "warnings": 0, "messagesProcessed": len(content.Messages),
			"messagesAccepted": accepted, "messagesInvalid": len(content.Messages) - accepted},
	}
	body, _ := json.Marshal(rep)
	f.status, f.resultDocID = "DONE", s.putDocument("feedresult", "application/json", body, false)
}
