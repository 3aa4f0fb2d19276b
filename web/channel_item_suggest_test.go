package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"stocksync/internal/auth"
	"stocksync/internal/channel"
	"stocksync/internal/testkit/webtest"
)

func itemWithPrice(t *testing.T, s *webtest.Server, name, sku, price string, active bool) int64 {
	t.Helper()
	var id int64
	if err := s.Store.DB.Get(&id, `INSERT INTO items (name, sku, selling_price, active) VALUES ($1, $2, $3, $4) RETURNING id`,
		name, sku, price, active); err != nil {
		t.Fatal(err)
	}
	return id
}

var suggestionForm = regexp.MustCompile(`(?s)data-testid="suggestion".*?name="item_id" value="(\d+)"`)

// The banner of an unconfirmed listing offers its suggestions with their
// reasons, and one click links the listing, without JavaScript and with htmx.
func TestListingPageSuggestionsLinkInOneClick(t *testing.T) {
	s := webtest.NewServer(t)
	c, _ := s.SignedIn(t, auth.RoleStaff)
	_, ids := listingsOn(t, s,
		withQty(channel.Listing{ExternalID: "1", SKU: "tea br", Name: "Brown teapot online", Price: "20.00"}, 3),
		channel.Listing{ExternalID: "2", SKU: "X-2", Name: "GREEN  teapot", Price: "18.00"},
	)
	bySKU := itemWithPrice(t, s, "Brown <b>teapot</b>", "TEA-BR", "20.00", true)
	byName := itemWithPrice(t, s, "Green teapot", "TEA-GR", "18.00", true)
	itemWithPrice(t, s, "Brown teapot old", "tea.br", "20.00", false)

	page := c.Get(path(ids["1"], ""))
	mustContain(t, "listing page", page.Body, `data-testid="suggestions"`, "Brown &lt;b&gt;teapot&lt;/b&gt;",
		"same SKU apart from case, spaces or punctuation", `action="`+path(ids["1"], "link")+`"`)
	if strings.Contains(page.Body, "Brown teapot old") {
		t.Fatal("an inactive item is suggested")
	}
	m := suggestionForm.FindStringSubmatch(page.Body)
	if m == nil || m[1] != strconv.FormatInt(bySKU, 10) {
		t.Fatalf("first suggestion's Link form: %v", m)
	}
	// without JavaScript: a POST of the suggestion's form, then the redirect
	r := c.Post(path(ids["1"], "link"), url.Values{"item_id": {m[1]}})
	if r.Status != http.StatusSeeOther || r.Location != path(ids["1"], "") {
		t.Fatalf("link a suggestion: %d → %q", r.Status, r.Location)
	}
	after := c.Get(path(ids["1"], ""))
	mustContain(t, "after the link", after.Body, `data-testid="linked"`, `data-testid="push-pending"`)
	if strings.Contains(after.Body, `data-testid="suggestions"`) {
		t.Fatal("a linked listing still shows suggestions")
	}

	// with htmx the banner is swapped in place
	page = c.Get(path(ids["2"], ""))
	mustContain(t, "second listing", page.Body, "same name apart from case and spacing")
	c.Header.Set("HX-Request", "true")
	r = c.Post(path(ids["2"], "link"), url.Values{"item_id": {strconv.FormatInt(byName, 10)}})
	if r.Status != http.StatusOK || strings.Contains(r.Body, "<html") || !strings.HasPrefix(strings.TrimSpace(r.Body), `<section id="settle"`) {
		t.Fatalf("htmx link: %d %.1500s", r.Status, r.Body)
	}
	mustContain(t, "htmx link", r.Body, `data-testid="linked"`, "Green teapot")
	var linked int64
	s.Store.DB.Get(&linked, `SELECT item_id FROM channel_items WHERE id = $1`, ids["2"])
	if linked != byName {
		t.Fatalf("listing 2 linked to %d, want %d", linked, byName)
	}
}

var pairBox = regexp.MustCompile(`name="pair" value="(\d+):(\d+)"[^>]*checked`)

// The bulk preview: listing → item → reason, a ticked box per suggestion,
// "no suggestion" without a box; by ids or by the list's filter.
func TestBulkSuggestPreview(t *testing.T) {
	s := webtest.NewServer(t)
	c, _ := s.SignedIn(t, auth.RoleStaff)
	var listings []channel.Listing
	for i := 0; i < 5; i++ {
		listings = append(listings, channel.Listing{ExternalID: fmt.Sprint(i), SKU: fmt.Sprintf("vase %d", i), Name: fmt.Sprintf("Vase %d online", i), Price: "9.00"})
	}
	listings = append(listings, channel.Listing{ExternalID: "lone", SKU: "NOPE", Name: "Nothing like it", Price: "1.00"})
	_, ids := listingsOn(t, s, listings...)
	items := map[int64]int64{}
	for i := 0; i < 5; i++ {
		items[ids[fmt.Sprint(i)]] = itemWithPrice(t, s, fmt.Sprintf("Glass vase %d", i), fmt.Sprintf("VASE-%d", i), "12.00", true)
	}

	all := c.Get("/channel-items/bulk/suggest?all=1&status=unconfirmed")
	if all.Status != http.StatusOK {
		t.Fatalf("preview of all: %d", all.Status)
	}
	mustContain(t, "preview of all", all.Body, `action="/channel-items/bulk/link"`, `name="csrf"`, "5 of 6 unconfirmed listings have a suggestion",
		"Glass vase 3", "same SKU apart from case, spaces or punctuation", `data-testid="no-suggestion">no suggestion<`, "Nothing like it (NOPE)")
	pairs := pairBox.FindAllStringSubmatch(all.Body, -1)
	if len(pairs) != 5 {
		t.Fatalf("%d ticked pairs, want 5", len(pairs))
	}
	for _, p := range pairs {
		l, _ := strconv.ParseInt(p[1], 10, 64)
		it, _ := strconv.ParseInt(p[2], 10, 64)
		if items[l] != it {
			t.Fatalf("pair %s:%s, want item %d", p[1], p[2], items[l])
		}
	}
	// the row without a suggestion has no box
	if strings.Contains(all.Body, `value="`+strconv.FormatInt(ids["lone"], 10)+`:`) {
		t.Fatal("a box for the listing without a suggestion")
	}

	// a selection by ids, with a settled one left out
	if _, err := s.Store.DB.Exec(`UPDATE channel_items SET item_id = $1, link_source = 'manual' WHERE id = $2`, items[ids["0"]], ids["0"]); err != nil {
		t.Fatal(err)
	}
	picked := c.Get(fmt.Sprintf("/channel-items/bulk/suggest?id=%d&id=%d&id=%d", ids["0"], ids["1"], ids["lone"]))
	mustContain(t, "picked", picked.Body, "1 of 2 unconfirmed listings have a suggestion", "1 selected listings are settled already", "Glass vase 1")
	if strings.Contains(picked.Body, "Glass vase 2") {
		t.Fatal("a listing that was not selected is in the preview")
	}
	// the filter's search narrows "all"
	narrowed := c.Get("/channel-items/bulk/suggest?all=1&status=unconfirmed&q=Vase+4")
	if n := len(pairBox.FindAllString(narrowed.Body, -1)); n != 1 || !strings.Contains(narrowed.Body, "Glass vase 4") {
		t.Fatalf("narrowed preview: %d pairs", n)
	}
	// nothing selected, or junk, is refused with a sentence
	for _, bad := range []string{"/channel-items/bulk/suggest", "/channel-items/bulk/suggest?id=x", "/channel-items/bulk/suggest?all=1&channel=abc"} {
		if r := c.Get(bad); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `data-testid="suggest-problem"`) {
			t.Fatalf("%s: %d", bad, r.Status)
		}
	}
}
