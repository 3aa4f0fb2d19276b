package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"stocksync/internal/auth"
	"stocksync/internal/testkit/webtest"
)

// The searches that answered 500 ("invalid byte sequence for encoding
// UTF8"): bytes that are not UTF-8, a NUL, and searches cut at 200 bytes in
// the middle of a character.
var unfitSearches = []string{
	"%ff%fe",
	"%00",
	url.QueryEscape(strings.Repeat("a", 199) + "é"),
	url.QueryEscape(strings.Repeat("€", 100)),
}

func TestUnfitTextInTheAddressNeverAnswers500(t *testing.T) {
	s := webtest.NewServer(t)
	c, _ := s.SignedIn(t, auth.RoleStaff)
	createItem(t, c, url.Values{"name": {"Blue mug"}, "sku": {"MUG-1"}})
	for _, path := range []string{"/items", "/channel-items", "/sales-orders", "/sync-history", "/purchase-receives", "/adjustments"} {
		for _, q := range unfitSearches {
			for _, query := range []string{"q=" + q, "status=" + q, "channel=" + q + "&q=" + q + "&after=" + q} {
				r := c.Get(path + "?" + query)
				if r.Status != http.StatusOK {
					t.Errorf("GET %.80s?%.80s: %d", path, query, r.Status)
				}
			}
		}
	}
	// The cut search still finds what its whole characters match.
	createItem(t, c, url.Values{"name": {strings.Repeat("€", 70)}})
	if r := c.Get("/items?q=" + url.QueryEscape(strings.Repeat("€", 100))); r.Status != http.StatusOK {
		t.Fatalf("search: %d", r.Status)
	}
}

func TestUnfitTextInAFormIsCleanedBeforeItIsStored(t *testing.T) {
	s := webtest.NewServer(t)
	c, _ := s.SignedIn(t, auth.RoleStaff)
	c.Get("/items/new")
	// Encode by hand: url.Values.Encode would escape the bytes as given,
	// which is what a crafted request sends.
	body := "name=Mug%00%ff%fe+blue&sku=MUG%00-2&description=%c3&csrf=" + url.QueryEscape(c.CSRF)
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/items", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r := c.Do(req)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("create item: %d %.300s", r.Status, r.Body)
	}
	var name, sku, desc string
	if err := s.Store.DB.QueryRow(`SELECT name, sku, description FROM items`).Scan(&name, &sku, &desc); err != nil {
		t.Fatal(err)
	}
	if name != "Mug\uFFFD blue" || sku != "MUG-2" || desc != "\uFFFD" {
		t.Fatalf("stored %q %q %q", name, sku, desc)
	}
	// Every other form is cleaned by the same step: a warehouse name.
	r = c.Post("/warehouses", url.Values{"name": {"Back\x00room \xff"}})
	if r.Status >= 500 {
		t.Fatalf("warehouse: %d", r.Status)
	}
}
