package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"stocksync/internal/auth"
	"stocksync/internal/catalogue"
	"stocksync/internal/channel"
	"stocksync/internal/store"
	"stocksync/internal/testkit/webtest"
)

// listingsOn connects a channel and imports listings through the store, as
// a sync does; it returns the channel and each listing's id by external id.
func listingsOn(t *testing.T, s *webtest.Server, listings ...channel.Listing) (int64, map[string]int64) {
	t.Helper()
	ctx := context.Background()
	ch, err := s.Store.CreateChannel(ctx, store.NewChannel{Kind: "shopify", Name: "Main shop", Credentials: []byte{1}, SyncInterval: 15 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	runID, _ := s.Store.StartRun(ctx, ch, "catalogue", "manual", 0)
	rows, failures := catalogue.Prepare(listings)
	if _, err := s.Store.ImportListings(ctx, store.ImportBatch{ChannelID: ch, RunID: runID, Rows: rows, Failures: failures, Rematch: true}); err != nil {
		t.Fatal(err)
	}
	ids := map[string]int64{}
	for _, l := range listings {
		var id int64
		if err := s.Store.DB.Get(&id, `SELECT id FROM channel_items WHERE channel_id = $1 AND external_id = $2`, ch, l.ExternalID); err != nil {
			t.Fatal(err)
		}
		ids[l.ExternalID] = id
	}
	return ch, ids
}

func withQty(l channel.Listing, q int) channel.Listing {
	l.Quantity = &q
	return l
}

func path(id int64, action string) string {
	p := "/channel-items/" + strconv.FormatInt(id, 10)
	if action != "" {
		p += "/" + action
	}
	return p
}

func mustContain(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Fatalf("%s lacks %q:\n%.3000s", what, w, body)
		}
	}
}

func TestListingPageConfirmWithoutJavaScript(t *testing.T) {
	s := webtest.NewServer(t)
	c, _ := s.SignedIn(t, auth.RoleStaff)
	_, ids := listingsOn(t, s, withQty(channel.Listing{ExternalID: "gid-1", SKU: "MUG-7", Name: "Green <i>mug</i>", Price: "12.50",
		Raw: []byte(`{"title":"<script>x</script>"}`)}, 7))
	id := ids["gid-1"]
	list := c.Get("/channel-items?status=unconfirmed")
	mustContain(t, "list", list.Body, `href="`+path(id, "")+`"`)
	home := c.Get("/")
	if i, j := strings.Index(home.Body, "Product details"), strings.Index(home.Body, "Unconfirmed Items: 1"); i < 0 || j < i ||
		strings.Index(home.Body, "Sales channels") < j {
		t.Fatalf("dashboard: Unconfirmed Items is not under Product details:\n%.3000s", home.Body)
	}

	page := c.Get(path(id, ""))
	if page.Status != http.StatusOK {
		t.Fatalf("listing page: %d", page.Status)
	}
	// the cost warning says the numbers Confirm will use, before the click
	mustContain(t, "listing page", page.Body, "Green &lt;i&gt;mug&lt;/i&gt;", "<code>gid-1</code>", `data-testid="confirm-purchase">USD 12.50<`,
		`data-testid="confirm-qty">7 pcs<`, `data-testid="confirm-value">USD 12.50<`, "Record as the channel sent it", `&#34;title&#34;: &#34;&lt;script&gt;x&lt;/script&gt;&#34;`, "in Primary")

	r := c.Post(path(id, "confirm"), nil)
	if r.Status != http.StatusSeeOther || r.Location != path(id, "") {
		t.Fatalf("confirm: %d → %q", r.Status, r.Location)
	}
	after := c.Get(path(id, ""))
	mustContain(t, "after confirm", after.Body, `data-testid="linked"`, "by confirming the listing", "Confirmed: the listing is linked to its new item",
		`data-testid="listing-activity"`)
	if home := c.Get("/"); !strings.Contains(home.Body, "Unconfirmed Items: 0") {
		t.Fatal("the dashboard count did not go down")
	}
	// a second confirm (another tab) is refused, naming who did it
	again := c.Post(path(id, "confirm"), nil)
	if again.Status != http.StatusConflict || !strings.Contains(again.Body, "already confirmed by staff-") {
		t.Fatalf("second confirm: %d %.2000s", again.Status, again.Body)
	}
	// without the CSRF token nothing happens
	if r := c.PostRaw(path(id, "confirm"), url.Values{}); r.Status != http.StatusForbidden {
		t.Fatalf("confirm without CSRF: %d", r.Status)
	}
}

func TestListingConfirmWithHTMXSwapsTheBanner(t *testing.T) {
	s := webtest.NewServer(t)
	c, _ := s.SignedIn(t, auth.RoleStaff)
	_, ids := listingsOn(t, s, withQty(channel.Listing{ExternalID: "1", SKU: "MUG-7", Name: "Green mug", Price: "12.50"}, 2))
	c.Get(path(ids["1"], ""))
	c.Header.Set("HX-Request", "true")
	r := c.Post(path(ids["1"], "confirm"), nil)
	if r.Status != http.StatusOK || strings.Contains(r.Body, "<html") || !strings.HasPrefix(strings.TrimSpace(r.Body), `<section id="settle"`) {
		t.Fatalf("htmx confirm: %d %.1500s", r.Status, r.Body)
	}
	mustContain(t, "htmx confirm", r.Body, "Confirmed: the listing is linked to its new item", `data-testid="linked"`)
}

func TestListingUpdateRefusesBadInputBesideEachField(t *testing.T) {
	s := webtest.NewServer(t)
	c, _ := s.SignedIn(t, auth.RoleStaff)
	s.Store.DB.MustExec(`INSERT INTO items (name, sku) VALUES ('Old mug', 'MUG-OLD')`)
	var owner int64
	s.Store.DB.Get(&owner, `SELECT id FROM items WHERE sku = 'MUG-OLD'`)
	_, ids := listingsOn(t, s, withQty(channel.Listing{ExternalID: "1", SKU: "MUG-7", Name: "Green mug", Price: "12.50"}, 2))
	id := ids["1"]
	page := c.Get(path(id, ""))
	// the form starts from the listing
	mustContain(t, "update form", page.Body, `name="name" type="text" value="Green mug"`, `name="sku" type="text" value="MUG-7"`,
		`name="purchase_price" type="text" value="12.50"`, `name="opening_qty" type="text" value="2"`)
	var wh string
	s.Store.DB.Get(&wh, `SELECT id::text FROM warehouses ORDER BY id LIMIT 1`)
	form := url.Values{"name": {""}, "sku": {"MUG-7"}, "unit": {"pcs"}, "selling_price": {"12.505"}, "purchase_price": {"-1"},
		"opening_qty": {"two"}, "opening_value": {"1"}, "warehouse": {wh}}
	r := c.Post(path(id, "update"), form)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("bad update: %d", r.Status)
	}
	mustContain(t, "bad update", r.Body, `id="f-name-msg"`, `id="f-selling_price-msg"`, `id="f-purchase_price-msg"`, `id="f-opening_qty-msg"`,
		`value="12.505"`)
	form = url.Values{"name": {"Green mug"}, "sku": {"MUG-OLD"}, "unit": {"pcs"}, "selling_price": {"12.50"}, "purchase_price": {"5"},
		"opening_qty": {"2"}, "opening_value": {"5"}, "warehouse": {wh}}
	r = c.Post(path(id, "update"), form)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("update with a taken SKU: %d", r.Status)
	}
	mustContain(t, "taken SKU", r.Body, "SKU MUG-OLD is already used by Old mug", `href="/items/`+strconv.FormatInt(owner, 10)+`" data-testid="sku-owner"`)
	var n int
	s.Store.DB.Get(&n, `SELECT count(*) FROM items`)
	if n != 1 {
		t.Fatalf("%d items after refused updates", n)
	}
	form.Set("sku", "MUG-7G")
	if r := c.Post(path(id, "update"), form); r.Status != http.StatusSeeOther {
		t.Fatalf("good update: %d %.1000s", r.Status, r.Body)
	}
	mustContain(t, "after update", c.Get(path(id, "")).Body, "by confirming the listing with edits")
}

func TestListingLinkWithThePicker(t *testing.T) {
	s := webtest.NewServer(t)
	c, _ := s.SignedIn(t, auth.RoleStaff)
	s.Store.DB.MustExec(`INSERT INTO items (name, sku) VALUES ('Brown teapot', 'TEA-BR'), ('Old teapot', 'TEA-OLD')`)
	s.Store.DB.MustExec(`UPDATE items SET active = false WHERE sku = 'TEA-OLD'`)
	var teapot, old int64
	s.Store.DB.Get(&teapot, `SELECT id FROM items WHERE sku = 'TEA-BR'`)
	s.Store.DB.Get(&old, `SELECT id FROM items WHERE sku = 'TEA-OLD'`)
	_, ids := listingsOn(t, s, withQty(channel.Listing{ExternalID: "1", SKU: "X-1", Name: "Teapot online", Price: "20.00"}, 3))
	id := ids["1"]
	// without JavaScript the search is a GET of the page
	page := c.Get(path(id, "") + "?q=teapot")
	mustContain(t, "picker without JS", page.Body, `value="`+strconv.FormatInt(teapot, 10)+`"`, "Brown teapot")
	if strings.Contains(page.Body, "Old teapot") {
		t.Fatal("the picker offers an inactive item")
	}
	if r := c.Post(path(id, "link"), url.Values{}); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Choose the item") {
		t.Fatalf("link without an item: %d", r.Status)
	}
	if r := c.Post(path(id, "link"), url.Values{"item_id": {strconv.FormatInt(old, 10)}}); r.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, "that item is inactive") {
		t.Fatalf("link to an inactive item: %d", r.Status)
	}
	c.Header.Set("HX-Request", "true")
	picks := c.Get("/items/picker?listing=" + strconv.FormatInt(id, 10) + "&q=TEA-B")
	if strings.Contains(picks.Body, "<html") || !strings.Contains(picks.Body, "Brown teapot") {
		t.Fatalf("picker fragment: %.1000s", picks.Body)
	}
	c.Header.Del("HX-Request")
	if r := c.Post(path(id, "link"), url.Values{"item_id": {strconv.FormatInt(teapot, 10)}}); r.Status != http.StatusSeeOther {
		t.Fatalf("link: %d", r.Status)
	}
	mustContain(t, "linked listing", c.Get(path(id, "")).Body, "stock will be sent to the channel", `data-testid="push-pending"`)
}

func TestItemPageListsListingsAndUnlinks(t *testing.T) {
	s := webtest.NewServer(t)
	c, _ := s.SignedIn(t, auth.RoleStaff)
	s.Store.DB.MustExec(`INSERT INTO items (name, sku) VALUES ('Brown teapot', 'TEA-BR')`)
	var item int64
	s.Store.DB.Get(&item, `SELECT id FROM items`)
	ch, ids := listingsOn(t, s, channel.Listing{ExternalID: "1", SKU: "TEA-BR", Name: "Teapot online", Price: "20.00"})
	itemPath := "/items/" + strconv.FormatInt(item, 10)
	mustContain(t, "item page", c.Get(itemPath).Body, "Sales channels", "Main shop", "Teapot online", "by SKU", `data-testid="unlink-start"`)
	mustContain(t, "unlink page", c.Get(itemPath+"/unlink").Body, "becomes <strong>unconfirmed</strong>", `name="channel" value="`+strconv.FormatInt(ch, 10)+`"`)
	if r := c.Post(itemPath+"/unlink", url.Values{}); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Choose the channels") {
		t.Fatalf("unlink without channels: %d", r.Status)
	}
	if r := c.Post(itemPath+"/unlink", url.Values{"channel": {strconv.FormatInt(ch, 10)}}); r.Status != http.StatusSeeOther {
		t.Fatalf("unlink: %d", r.Status)
	}
	mustContain(t, "item page after unlink", c.Get(itemPath).Body, "Unlinked from 1 listing", "No channel listing is linked", "unlinked from listing")
	mustContain(t, "listing after unlink", c.Get(path(ids["1"], "")).Body, `data-testid="confirm-banner"`, "unlinked it from")
}
