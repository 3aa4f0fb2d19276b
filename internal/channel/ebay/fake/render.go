package fake

import (
	"net/http"
	"net/url"
	"strconv"

	"stocksync/internal/channel/internal/fakekit"
)

// apiError is one entry of eBay's error list.
type apiError struct {
	ErrorID                                int
	Domain, Category, Message, LongMessage string
}

func (e apiError) render() map[string]any {
	m := map[string]any{"errorId": e.ErrorID, "domain": e.Domain, "category": e.Category, "message": e.Message}
	if e.LongMessage != "" {
		m["longMessage"] = e.LongMessage
	}
	return m
}

func writeError(w http.ResponseWriter, status int, errs ...apiError) {
	list := make([]map[string]any, len(errs))
	for i, e := range errs {
		list[i] = e.render()
	}
	writeJSON(w, status, map[string]any{"errors": list})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := fakekit.Marshal(v)
	if err != nil {
		status, body = http.StatusInternalServerError, []byte(`{"errors":[{"errorId":25001,"domain":"API_INVENTORY","category":"APPLICATION","message":"A system error has occurred."}]}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// pageParams reads limit and offset as eBay does: offset counts records,
// whatever the reference says of pages (the next links count records).
func pageParams(q url.Values, maxLimit, defLimit int) (limit, offset int, bad *apiError) {
	// eBay's Inventory API refuses bad paging with error 25706.
	limit, offset = defLimit, 0
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxLimit {
			return 0, 0, &apiError{25706, "API_INVENTORY", "REQUEST", "You have provided invalid pagination values. The limit must be between 1 and " + strconv.Itoa(maxLimit) + ".", ""}
		}
		limit = n
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, 0, &apiError{25706, "API_INVENTORY", "REQUEST", "You have provided invalid pagination values. The offset must be 0 or more.", ""}
		}
		offset = n
	}
	return limit, offset, nil
}

func (s *Server) pageLink(path string, offset, limit int, extra url.Values) string {
	q := url.Values{}
	for k, v := range extra {
		q[k] = v
	}
	q.Set("offset", strconv.Itoa(offset))
	q.Set("limit", strconv.Itoa(limit))
	return s.URL() + path + "?" + q.Encode()
}
