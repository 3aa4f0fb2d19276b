package web

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"stocksync/internal/text"
)

// maxQueryBytes bounds a search box's text; longer searches are cut at a
// character boundary rather than refused, as a search cannot be wrong.
const maxQueryBytes = 200

// cleanText makes everything a person sends fit to be stored before any
// handler reads it: bytes that are not UTF-8 become U+FFFD and NUL goes,
// in the query string and in a parsed form alike. Browsers send clean
// UTF-8, so only a crafted request sees a change; without this it reached
// PostgreSQL and answered 500.
func (a *App) cleanText(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if r.URL.RawQuery != "" {
			values := r.URL.Query()
			if cleanValues(values) {
				r.URL.RawQuery = values.Encode()
			}
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			// A body that does not parse has nothing to clean; the handler
			// meets the error when it reads the form.
			_ = r.ParseMultipartForm(32 << 20)
			cleanValues(r.Form)
			cleanValues(r.PostForm)
			if r.MultipartForm != nil {
				cleanValues(r.MultipartForm.Value)
			}
		}
		return next(c)
	}
}

// cleanValues cleans every key and value in place and tells whether any
// changed.
func cleanValues(values url.Values) bool {
	changed := false
	for k, vs := range values {
		for i, v := range vs {
			if c := text.Clean(v); c != v {
				vs[i], changed = c, true
			}
		}
		if c := text.Clean(k); c != k {
			delete(values, k)
			values[c] = append(values[c], vs...)
			changed = true
		}
	}
	return changed
}

// searchText is the search box's value (q) cut to maxQueryBytes without
// splitting a character.
func searchText(c echo.Context) string {
	return text.CutAtBoundary(c.QueryParam("q"), maxQueryBytes)
}
