package fake

import (
	"fmt"
	"html"
	"net/http"
	"strconv"
	"strings"
)

// storefrontPath is where the shop shows a listing (its url), so that a
// link to a listing opens a page. It needs no keys.
const storefrontPath = "/listing/"

func (s *Server) serveStorefront(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(strings.TrimPrefix(r.URL.Path, storefrontPath), 10, 64)
	s.mu.Lock()
	var l *Listing
	if err == nil {
		l = s.listing(id)
	}
	var page string
	if l != nil {
		var rows strings.Builder
		for _, p := range l.Products {
			var values []string
			for _, v := range p.Values {
				values = append(values, v.Value)
			}
			fmt.Fprintf(&rows, "<li>%s %s — %s (%d in stock)</li>", html.EscapeString(strings.Join(values, ", ")), html.EscapeString(p.SKU), html.EscapeString(p.Price), p.Quantity)
		}
		page = fmt.Sprintf("<!doctype html><title>%s</title><h1>%s</h1><ul>%s</ul>", html.EscapeString(l.Title), html.EscapeString(l.Title), rows.String())
	}
	s.mu.Unlock()
	if l == nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write([]byte(page))
}
