package fake

import (
	"net/http"

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
