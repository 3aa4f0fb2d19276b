package fake

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// paging reads limit and offset as Etsy validates them.
func paging(w http.ResponseWriter, q url.Values) (limit, offset int, ok bool) {
	limit, offset = 25, 0
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxLimit {
			writeError(w, http.StatusBadRequest, "Expected int value between 1 and 100 for limit")
			return 0, 0, false
		}
		limit = n
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			writeError(w, http.StatusBadRequest, "Expected int value >= 0 for offset")
			return 0, 0, false
		}
		offset = n
	}
	return limit, offset, true
}

func includesInventory(q url.Values) bool {
	for _, v := range q["includes"] {
		for _, part := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(part), "inventory") {
				return true
			}
		}
	}
	return false
}

// listListings is getListingsByShop.
func (s *Server) listListings(w http.ResponseWriter, r *http.Request) {
	if !s.shopOK(w, r) {
		return
	}
	q := r.URL.Query()
	limit, offset, ok := paging(w, q)
	if !ok {
		return
	}
	state := q.Get("state")
	if state == "" {
		state = "active"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var selected []*Listing
	for _, l := range s.listings {
		if l.State == state {
			selected = append(selected, l)
		}
	}
	if !s.opts.IgnoreSort {
		key := func(l *Listing) int64 { return l.Created.Unix() }
		if q.Get("sort_on") == "updated" {
			key = func(l *Listing) int64 { return l.LastModified.Unix() }
		}
		desc := q.Get("sort_order") == "" || strings.HasPrefix(q.Get("sort_order"), "desc") || q.Get("sort_order") == "down"
		slices.SortStableFunc(selected, func(a, b *Listing) int {
			c := cmp64(key(a), key(b))
			if c == 0 {
				c = cmp64(a.ID, b.ID)
			}
			if desc {
				return -c
			}
			return c
		})
	}
	withInv := includesInventory(q) && !s.opts.IgnoreIncludes
	results := []any{}
	for i := offset; i < min(offset+limit, len(selected)); i++ {
		results = append(results, s.renderListing(selected[i], withInv))
	}
	writeJSON(w, http.StatusOK, map[string]any{"count": len(selected), "results": results})
}

// listingsByIDs is getListingsByListingIds: at most 100 IDs, given as
// Etsy's published model has it (listing_ids repeated) or comma-separated,
// as most clients send them and Etsy takes too.
func (s *Server) listingsByIDs(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var raw []string
	for _, v := range q["listing_ids"] {
		raw = append(raw, strings.Split(v, ",")...)
	}
	if len(raw) == 0 || len(raw) > maxLimit {
		writeError(w, http.StatusBadRequest, "listing_ids must hold between 1 and 100 listing IDs")
		return
	}
	withInv := includesInventory(q) && !s.opts.IgnoreIncludes
	s.mu.Lock()
	defer s.mu.Unlock()
	results := []any{}
	for _, v := range raw {
		id, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || id <= 0 {
			writeError(w, http.StatusBadRequest, "Expected a list of positive integers for listing_ids")
			return
		}
		if l := s.listing(id); l != nil {
			results = append(results, s.renderListing(l, withInv))
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"count": len(results), "results": results})
}

// getInventory is getListingInventory.
func (s *Server) getInventory(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.pathListing(w, r)
	if l == nil {
		return
	}
	writeJSON(w, http.StatusOK, s.renderInventory(l))
}

func (s *Server) pathListing(w http.ResponseWriter, r *http.Request) *Listing {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		writeError(w, http.StatusBadRequest, "Expected a positive integer for listing_id")
		return nil
	}
	l := s.listing(id)
	if l == nil {
		writeError(w, http.StatusNotFound, "Could not find a Listing with listing_id = "+r.PathValue("id"))
	}
	return l
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
