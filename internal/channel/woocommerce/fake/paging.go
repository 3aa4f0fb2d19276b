package fake

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// listParams are the collection parameters WooCommerce validates.
type listParams struct {
	page, perPage int
	after         time.Time
	hasAfter      bool
	orderby       string
	desc          bool
	fields        string
}

// paramError is WordPress's rest_invalid_param answer.
type paramError struct{ param, reason string }

func (e *paramError) write(w http.ResponseWriter) {
	body := wpError(http.StatusBadRequest, "rest_invalid_param", "Invalid parameter(s): "+e.param)
	body["data"].(map[string]any)["params"] = map[string]any{e.param: e.reason}
	writeJSON(w, http.StatusBadRequest, body)
}

func parseList(q url.Values, orderbys ...string) (listParams, *paramError) {
	p := listParams{page: 1, perPage: 10, orderby: "date", desc: true, fields: q.Get("_fields")}
	if v := q.Get("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxPerPage {
			return p, &paramError{"per_page", fmt.Sprintf("per_page must be between 1 (inclusive) and %d (inclusive)", maxPerPage)}
		}
		p.perPage = n
	}
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return p, &paramError{"page", "page must be greater than or equal to 1"}
		}
		p.page = n
	}
	if v := q.Get("modified_after"); v != "" {
		t, err := parseDate(v)
		if err != nil {
			return p, &paramError{"modified_after", "Invalid date."}
		}
		p.after, p.hasAfter = t, true
	}
	if v := q.Get("orderby"); v != "" {
		if !slices.Contains(orderbys, v) {
			return p, &paramError{"orderby", "orderby is not one of " + strings.Join(orderbys, ", ") + "."}
		}
		p.orderby = v
	}
	switch q.Get("order") {
	case "", "desc":
	case "asc":
		p.desc = false
	default:
		return p, &paramError{"order", "order is not one of asc, desc."}
	}
	return p, nil
}

// parseDate accepts what WordPress's rest_parse_date does: RFC 3339 with or
// without a zone (without one, the fake's site time zone is UTC).
func parseDate(v string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, wcDate, "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("not a date")
}

// paginate orders and cuts items, then sets WordPress's paging headers.
// items come sorted by ID; modified is each item's modification time.
func paginate[T any](w http.ResponseWriter, r *http.Request, items []T, p listParams, modified func(T) time.Time) []T {
	selected := items
	if p.hasAfter {
		selected = make([]T, 0, len(items))
		for _, it := range items {
			if modified(it).After(p.after) {
				selected = append(selected, it)
			}
		}
	}
	if p.orderby == "modified" {
		if !p.hasAfter {
			selected = slices.Clone(items) // sort a copy, never the store itself
		}
		slices.SortStableFunc(selected, func(a, b T) int { return modified(a).Compare(modified(b)) })
	}
	total := len(selected)
	pages := (total + p.perPage - 1) / p.perPage
	w.Header().Set("X-WP-Total", strconv.Itoa(total))
	w.Header().Set("X-WP-TotalPages", strconv.Itoa(pages))
	setLinks(w, r, p.page, pages)
	start := min((p.page-1)*p.perPage, total)
	end := min(start+p.perPage, total)
	out := make([]T, 0, end-start)
	for i := start; i < end; i++ {
		if p.desc {
			out = append(out, selected[total-1-i])
		} else {
			out = append(out, selected[i])
		}
	}
	return out
}

func setLinks(w http.ResponseWriter, r *http.Request, page, pages int) {
	link := func(n int, rel string) string {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(n))
		q.Del("consumer_key")
		q.Del("consumer_secret")
		return fmt.Sprintf(`<%s?%s>; rel="%s"`, "http://"+r.Host+r.URL.Path, q.Encode(), rel)
	}
	var links []string
	if page > 1 && page <= pages+1 {
		links = append(links, link(page-1, "prev"))
	}
	if page < pages {
		links = append(links, link(page+1, "next"))
	}
	if len(links) > 0 {
		w.Header().Set("Link", strings.Join(links, ", "))
	}
}
