package fake

import (
	"fmt"
	"html"
	"net/http"
	"strings"
)

// storefrontPath is where the Online Store shows a product: the address
// Product.onlineStoreUrl gives, so that a link to a listing opens a page.
const storefrontPath = "/products/"

// handle is the product's handle as Shopify makes one from a title:
// lower case, runs of anything but letters and digits made one hyphen.
// Shopify adds a number to keep handles unique; the fake adds the
// product's id, which also keeps them unique.
func (v *variant) handle() string {
	var b strings.Builder
	hyphen := false
	for _, r := range strings.ToLower(v.productTitle) {
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
	fmt.Fprintf(&b, "%d", v.productID)
	return b.String()
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

// serveStorefront shows a product's page: its title and its variants.
func (s *Server) serveStorefront(w http.ResponseWriter, r *http.Request) {
	h := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, storefrontPath), "/")
	s.mu.Lock()
	var found []variant
	for _, v := range s.variants {
		if v.handle() == h {
			found = append(found, *v)
		}
	}
	s.mu.Unlock()
	if len(found) == 0 {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, "<!doctype html><title>%s</title><h1>%[1]s</h1><p>%s</p><ul>", html.EscapeString(found[0].productTitle), html.EscapeString(s.opts.ShopName))
	for _, v := range found {
		fmt.Fprintf(w, "<li>%s — %s</li>", html.EscapeString(v.title), html.EscapeString(v.price))
	}
	fmt.Fprint(w, "</ul>")
}
