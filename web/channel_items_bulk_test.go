package web_test

import (
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"stocksync/internal/auth"
	"stocksync/internal/channel"
	"stocksync/internal/testkit/webtest"
)

var (
	selectedRow = regexp.MustCompile(`name="id" value="(\d+)"`)
	nextPage    = regexp.MustCompile(`href="([^"]+)" data-testid="next-page"`)
)

// walk follows the list's Next page links from first and returns the
// listing ids in the order shown.
func walk(t *testing.T, c *webtest.Client, first string) []int64 {
	t.Helper()
	var ids []int64
	for u := first; u != ""; {
		r := c.Get(u)
		if r.Status != 200 {
			t.Fatalf("%s: %d", u, r.Status)
		}
		for _, m := range selectedRow.FindAllStringSubmatch(r.Body, -1) {
			id, _ := strconv.ParseInt(m[1], 10, 64)
			ids = append(ids, id)
		}
		u = ""
		if m := nextPage.FindStringSubmatch(r.Body); m != nil {
			u = html.UnescapeString(m[1])
		}
	}
	return ids
}

func TestChannelItemsSortsPageByKeysetInEachOrder(t *testing.T) {
	s := webtest.NewServer(t)
	c, _ := s.SignedIn(t, auth.RoleStaff)
	var ls []channel.Listing
	for i := range 130 {
		// Repeated names, prices and quantities: ties must page by id.
		l := channel.Listing{ExternalID: fmt.Sprint(i), SKU: fmt.Sprintf("S-%03d", (i*37)%130), Name: fmt.Sprintf("Item %d", i%7)}
		if i%5 > 0 {
			l.Price = fmt.Sprintf("%d.%02d", i%9, i%4*25)
		}
		if i%6 > 0 {
			l = withQty(l, i%11-3)
		}
		ls = append(ls, l)
	}
	listingsOn(t, s, ls...)
	orders := map[string]string{
		"":           "id",
		"newest":     "id DESC",
		"name":       `lower(name) COLLATE "C", id`,
		"sku":        "sku, id",
		"price_low":  "COALESCE(price, -1), id",
		"price_high": "COALESCE(price, -1) DESC, id DESC",
		"stock_low":  "COALESCE(quantity, -99999), id",
		"stock_high": "COALESCE(quantity, -99999) DESC, id DESC",
	}
	for sort, order := range orders {
		var want []int64
		if err := s.Store.DB.Select(&want, `SELECT id FROM channel_items WHERE item_id IS NULL ORDER BY `+order); err != nil {
			t.Fatal(err)
		}
		got := walk(t, c, "/channel-items?status=unconfirmed&sort="+sort)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("sort %q:\n got %v\nwant %v", sort, got, want)
		}
	}
}

func TestBulkConfirmOfAllMatchingRunsAsAJobAndSummarisesTheSkips(t *testing.T) {
	s := webtest.NewServer(t, webtest.Options{WorkJobs: true})
	c, _ := s.SignedIn(t, auth.RoleStaff)
	var ls []channel.Listing
	for i := 1; i <= 5000; i++ {
		l := withQty(channel.Listing{ExternalID: fmt.Sprint(i), SKU: fmt.Sprintf("B-%d", i), Name: fmt.Sprintf("Bowl %d", i), Price: "4.00"}, 2)
		if i == 7 {
			l.Name = ""
		}
		ls = append(ls, l)
	}
	ch, _ := listingsOn(t, s, ls...)
	var holder int64
	s.Store.DB.Get(&holder, `INSERT INTO items (name, sku) VALUES ('Older bowl', 'B-30') RETURNING id`)

	list := c.Get("/channel-items?status=unconfirmed&channel=" + fmt.Sprint(ch))
	mustContain(t, "list", list.Body, `data-testid="bulk-form"`, `name="all" value="1"`, "Confirm selected", "Link each to its top suggestion",
		`hx-get="/channel-items/count?channel=`+fmt.Sprint(ch)+`&amp;status=unconfirmed"`)
	if r := c.Get("/channel-items/count?status=unconfirmed&channel=" + fmt.Sprint(ch)); r.Body != "5000" {
		t.Fatalf("count %q", r.Body)
	}
	r := c.Post("/channel-items/bulk", url.Values{"action": {"confirm"}, "all": {"1"}, "status": {"unconfirmed"}, "channel": {fmt.Sprint(ch)}})
	if r.Status != 303 || !strings.HasPrefix(r.Location, "/bulk-runs/") {
		t.Fatalf("confirm: %d %s", r.Status, r.Location)
	}
	page := waitForBulk(t, c, r.Location)
	mustContain(t, "summary", page, `data-testid="bulk-summary"`, `data-count="done">4,998<`, `data-count="skipped">2<`,
		"4,998 listings confirmed, 2 skipped.", `data-reason="invalid"`, "Name: Enter the item&#39;s name.",
		`data-reason="sku_taken"`, "SKU B-30 is already used by item Older bowl.", fmt.Sprintf(`href="/items/%d"`, holder))
	var items int
	s.Store.DB.Get(&items, `SELECT count(*) FROM items WHERE source = 'channel'`)
	if items != 4998 {
		t.Fatalf("%d items created", items)
	}
}

// waitForBulk reloads the run's page until the run has ended.
func waitForBulk(t *testing.T, c *webtest.Client, path string) string {
	t.Helper()
	for {
		r := c.Get(path)
		if r.Status != 200 {
			t.Fatalf("%s: %d", path, r.Status)
		}
		if !strings.Contains(r.Body, `data-status="running"`) && !strings.Contains(r.Body, `data-status="queued"`) {
			return r.Body
		}
		if t.Context().Err() != nil {
			t.Fatal("the bulk run never ended")
		}
	}
}

func TestBulkProgressPagePollsWhileQueuedAndSuggestGetsTheSelection(t *testing.T) {
	s := webtest.NewServer(t) // jobs are queued, not worked
	c, _ := s.SignedIn(t, auth.RoleStaff)
	_, ids := listingsOn(t, s, channel.Listing{ExternalID: "1", SKU: "A", Name: "Cup", Price: "1.00"},
		channel.Listing{ExternalID: "2", SKU: "B", Name: "Jug", Price: "2.00"})
	c.Get("/channel-items")
	r := c.Post("/channel-items/bulk", url.Values{"action": {"suggest"}, "id": {fmt.Sprint(ids["1"]), fmt.Sprint(ids["2"])}})
	if want := fmt.Sprintf("/channel-items/bulk/suggest?id=%d&id=%d", ids["1"], ids["2"]); r.Status != 303 || r.Location != want {
		t.Fatalf("suggest: %d %s, want %s", r.Status, r.Location, want)
	}
	r = c.Post("/channel-items/bulk", url.Values{"action": {"suggest"}, "all": {"1"}, "status": {"unconfirmed"}, "q": {"cu"}, "sort": {"name"}})
	if r.Location != "/channel-items/bulk/suggest?all=1&q=cu&status=unconfirmed" {
		t.Fatalf("suggest all: %s", r.Location)
	}
	if r := c.Post("/channel-items/bulk", url.Values{"action": {"confirm"}, "status": {"unconfirmed"}}); r.Status != 303 ||
		r.Location != "/channel-items?status=unconfirmed" {
		t.Fatalf("empty selection: %d %s", r.Status, r.Location)
	}

	r = c.Post("/channel-items/bulk", url.Values{"action": {"confirm"}, "id": {fmt.Sprint(ids["2"])}})
	page := c.Get(r.Location)
	mustContain(t, "progress page", page.Body, "Bulk confirm", `data-status="queued"`, `hx-trigger="every 1s"`,
		`<meta http-equiv="refresh" content="2">`, "Reload", "0 of 1 listings worked")
	c.Header.Set("HX-Request", "true")
	frag := c.Get(r.Location)
	c.Header.Del("HX-Request")
	if !strings.HasPrefix(strings.TrimSpace(frag.Body), `<div id="bulk-progress"`) || strings.Contains(frag.Body, "<nav") {
		t.Fatalf("fragment: %.300s", frag.Body)
	}

	// Link pairs: malformed input is refused, good pairs start a run.
	if r := c.Post("/channel-items/bulk/link", url.Values{"pair": {"x:1"}}); r.Status != 422 {
		t.Fatalf("bad pair: %d", r.Status)
	}
	var item int64
	s.Store.DB.Get(&item, `INSERT INTO items (name, sku) VALUES ('Big cup', 'CUP-B') RETURNING id`)
	r = c.Post("/channel-items/bulk/link", url.Values{"pair": {fmt.Sprintf("%d:%d", ids["1"], item)}})
	if r.Status != 303 || !strings.HasPrefix(r.Location, "/bulk-runs/") {
		t.Fatalf("link: %d %s", r.Status, r.Location)
	}
	mustContain(t, "link run", c.Get(r.Location).Body, "Bulk link", `data-count="total">1<`)
}

func TestBulkLinkOfPairsRunsAsAJob(t *testing.T) {
	s := webtest.NewServer(t, webtest.Options{WorkJobs: true})
	c, _ := s.SignedIn(t, auth.RoleStaff)
	_, ids := listingsOn(t, s, channel.Listing{ExternalID: "1", SKU: "A", Name: "Cup", Price: "1.00"},
		channel.Listing{ExternalID: "2", SKU: "B", Name: "Jug", Price: "2.00"})
	var cup, jug int64
	s.Store.DB.Get(&cup, `INSERT INTO items (name, sku) VALUES ('Big cup', 'CUP-B') RETURNING id`)
	s.Store.DB.Get(&jug, `INSERT INTO items (name, sku, active) VALUES ('Old jug', 'JUG-O', false) RETURNING id`)
	c.Get("/channel-items")
	r := c.Post("/channel-items/bulk/link", url.Values{"pair": {fmt.Sprintf("%d:%d", ids["1"], cup), fmt.Sprintf("%d:%d", ids["2"], jug)}})
	page := waitForBulk(t, c, r.Location)
	mustContain(t, "link summary", page, "1 listings linked, 1 skipped.", `data-reason="item_inactive"`, "Item Old jug was deactivated meanwhile")
	var linked struct {
		Item   int64  `db:"item_id"`
		Source string `db:"link_source"`
		Push   bool   `db:"stock_push_pending"`
	}
	s.Store.DB.Get(&linked, `SELECT item_id, link_source, stock_push_pending FROM channel_items WHERE id = $1`, ids["1"])
	if linked.Item != cup || linked.Source != "manual" || !linked.Push {
		t.Fatalf("link %+v", linked)
	}
}
