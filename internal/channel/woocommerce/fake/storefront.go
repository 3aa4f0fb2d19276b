package fake

import (
	"fmt"
	"html"
	"net/http"
	"strconv"
	"strings"
)

// storefrontPath is where the shop shows a product (its permalink), so
// that a link to a listing opens a page. It needs no API keys.
const storefrontPath = "/product/"

// productSlug is the product's slug as WordPress makes one from a title:
// lower case, runs of anything but letters and digits made one hyphen.
// WordPress adds a number to keep slugs unique; the fake adds the
// product's id, which also keeps them unique.
func productSlug(p *Product) string {
	var b strings.Builder
	hyphen := false
	for _, r := range strings.ToLower(p.Name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			hyphen = false
			continue
		}
		hyphen = true
	}
	if b.Len() > 0 {
		b.WriteByte('-')
	}
	b.WriteString(strconv.Itoa(p.ID))
	return b.String()
}

func (s *Server) permalink(p *Product) string {
	return s.storefrontURL() + storefrontPath + productSlug(p) + "/"
}

// SetStorefront makes base the address the shop's product pages are given
// under (its URL by default): the sandbox serves the fake on an address of
// its own.
func (s *Server) SetStorefront(base string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.storefront = base
}

// storefrontURL is the base of product page addresses; s.mu is held.
func (s *Server) storefrontURL() string {
	if s.storefront != "" {
		return s.storefront
	}
	return s.URL()
}

// serveStorefront shows a product's page: its name and price.
func (s *Server) serveStorefront(w http.ResponseWriter, r *http.Request) {
	slug := strings.Trim(strings.TrimPrefix(r.URL.Path, storefrontPath), "/")
	s.mu.Lock()
	var found *Product
	for _, p := range s.products {
		if productSlug(p) == slug {
			c := *p
			found = &c
			break
		}
	}
	s.mu.Unlock()
	if found == nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, "<!doctype html><title>%s</title><h1>%[1]s</h1><p>%s</p>", html.EscapeString(found.Name), html.EscapeString(found.Price))
}
