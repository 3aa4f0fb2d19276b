package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"stocksync/internal/auth"
	"stocksync/internal/channel"
	"stocksync/internal/testkit/webtest"
)

// Unconfirmed listings cannot enter any transaction: no document form
// offers one, and every document refuses a line naming one (by SKU or
// name), an item that does not exist or an inactive item, with a message
// beside the line, writing nothing.
func TestDocumentsRefuseUnconfirmedListingsAndInactiveItems(t *testing.T) {
	s := webtest.NewServer(t)
	c, _ := s.SignedIn(t, auth.RoleStaff)
	wh := primary(t, s)
	createItem(t, c, url.Values{"name": {"Kettle"}, "sku": {"KET"}})
	createItem(t, c, url.Values{"name": {"Old kettle"}, "sku": {"OLD"}})
	s.Store.DB.MustExec(`UPDATE items SET active = false WHERE sku = 'OLD'`)
	listingsOn(t, s, channel.Listing{ExternalID: "1", SKU: "MUG-9", Name: "Green mug", Price: "12.50"},
		channel.Listing{ExternalID: "2", Name: "Blue bowl", Price: "8.00"})

	c.Get("/items") // shows and clears the last flash, which names an item
	for _, form := range []string{"/purchase-receives/new", "/sales-orders/new", "/adjustments/new"} {
		page := c.Get(form)
		if page.Status != http.StatusOK || !strings.Contains(page.Body, `value="KET"`) {
			t.Fatalf("%s: %d, or the active item is not offered", form, page.Status)
		}
		for _, never := range []string{"MUG-9", "Green mug", "Blue bowl", "Old kettle"} {
			if strings.Contains(page.Body, never) {
				t.Errorf("%s offers %q", form, never)
			}
		}
	}
	rows := [][3]string{{"MUG-9", "1", "5"}, {"Blue bowl", "1", "5"}, {"NOPE", "1", "5"}, {"OLD", "1", "5"}}
	for _, post := range []struct {
		path string
		form url.Values
	}{
		{"/purchase-receives", with(lines(wh, rows...), "vendor", "Acme")},
		{"/sales-orders", with(lines(wh, rows...), "customer", "Bea")},
		{"/adjustments", with(lines(wh, [3]string{"MUG-9", "+1", ""}, [3]string{"Blue bowl", "+1", ""}, [3]string{"NOPE", "+1", ""}, [3]string{"OLD", "+1", ""}), "reason", "Stock count")},
	} {
		r := c.Post(post.path, post.form)
		if r.Status != http.StatusUnprocessableEntity {
			t.Errorf("POST %s: %d, want 422", post.path, r.Status)
			continue
		}
		mustContain(t, "POST "+post.path, r.Body,
			`id="f-line-0-item-msg"`, "“MUG-9” is an unconfirmed listing on Main shop, not an item",
			"“Blue bowl” is an unconfirmed listing on Main shop, not an item",
			"No item has the SKU or name “NOPE”.", "Old kettle (SKU OLD) is inactive; reactivate it on its page first.")
	}
	for _, table := range []string{"purchase_receives", "sales_orders", "adjustments", "stock_movements"} {
		if n := count(t, s, table); n != 0 {
			t.Errorf("%s has %d rows after refused documents", table, n)
		}
	}
}
