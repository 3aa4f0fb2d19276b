package web_test

import (
	"strings"
	"testing"

	"stocksync/internal/auth"
	"stocksync/internal/testkit/webtest"
)

// A search's page comes without its total, which follows from /items/count
// once the page is shown: counting a broad search costs more than its page.
func TestItemsSearchCountsItsMatchesAfterThePage(t *testing.T) {
	s := webtest.NewServer(t)
	c, u := s.SignedIn(t, auth.RoleStaff)
	s.Store.DB.MustExec(`INSERT INTO items (name, sku, created_by) SELECT 'Oak chair ' || lpad(g::text, 3, '0'), 'OAK' || g, $1 FROM generate_series(1, 60) g`, u.ID)
	page := c.Get("/items?q=oak").Body
	if !strings.Contains(page, `hx-get="/items/count?q=oak"`) {
		t.Fatalf("the search page does not defer its total:\n%.2000s", page)
	}
	if strings.Contains(page, "60 items") {
		t.Fatal("the search page counted its matches itself")
	}
	c.Header.Set("HX-Request", "true")
	frag := c.Get("/items/count?q=oak").Body
	c.Header.Del("HX-Request")
	if !strings.Contains(frag, "60 items") || strings.Contains(frag, "<html") {
		t.Fatalf("count fragment: %s", frag)
	}
	full := c.Get("/items/count?q=oak").Body
	if !strings.Contains(full, "60 items") || !strings.Contains(full, "<html") {
		t.Fatalf("without JavaScript the count link shows the list with its total: %.500s", full)
	}
	// The plain list (no search) still counts in the page.
	if !strings.Contains(c.Get("/items").Body, "60 items") {
		t.Fatal("the list without a search lost its total")
	}
}
