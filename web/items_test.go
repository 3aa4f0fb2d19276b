package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"stocksync/internal/auth"
	"stocksync/internal/testkit/webtest"
)

var itemPath = regexp.MustCompile(`^/items/(\d+)$`)

// createItem posts the item form and returns the item's page path.
func createItem(t *testing.T, c *webtest.Client, form url.Values) string {
	t.Helper()
	c.Get("/items/new")
	r := c.Post("/items", form)
	if r.Status != http.StatusSeeOther || !itemPath.MatchString(r.Location) {
		t.Fatalf("create item: %d %q %.500s", r.Status, r.Location, r.Body)
	}
	return r.Location
}

func count(t *testing.T, s *webtest.Server, table string) int {
	t.Helper()
	var n int
	if err := s.Store.DB.Get(&n, `SELECT count(*) FROM `+table); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestItemFormRefusesBadInputBesideTheFields(t *testing.T) {
	s := webtest.NewServer(t)
	c, _ := s.SignedIn(t, auth.RoleStaff)
	c.Get("/items/new")
	r := c.Post("/items", url.Values{"name": {"  "}, "selling_price": {"12.345"}, "purchase_price": {"-1"}, "opening_qty": {"two"}, "reorder_level": {"-3"}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("bad item: %d", r.Status)
	}
	for _, f := range []string{"name", "selling_price", "purchase_price", "opening_qty", "reorder_level"} {
		if !strings.Contains(r.Body, `id="f-`+f+`-msg"`) {
			t.Errorf("no message beside %s", f)
		}
	}
	if n := count(t, s, "items"); n != 0 {
		t.Fatalf("%d items written", n)
	}

	first := createItem(t, c, url.Values{"name": {"Blue mug"}, "sku": {" MUG-1 "}, "selling_price": {"12.50"}, "opening_qty": {"3"}})
	page := c.Get(first)
	for _, want := range []string{"Blue mug", "MUG-1", "USD 12.50", `data-testid="on-hand">3<`, "Opening stock"} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("item page lacks %q", want)
		}
	}
	// The same SKU on another item names the item that has it.
	r = c.Post("/items", url.Values{"name": {"Red mug"}, "sku": {"MUG-1"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "SKU MUG-1 is already used by Blue mug") {
		t.Fatalf("SKU clash: %d %.3000s", r.Status, r.Body)
	}
	// Case differs: another SKU.
	second := createItem(t, c, url.Values{"name": {"Red mug"}, "sku": {"mug-1"}})
	c.Get(second + "/edit")
	r = c.Post(second, url.Values{"name": {"Red mug"}, "sku": {"MUG-1"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "already used by Blue mug") {
		t.Fatalf("SKU clash on edit: %d", r.Status)
	}
	r = c.Post(second, url.Values{"name": {"Red mug XL"}, "sku": {"mug-1"}, "selling_price": {"9"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("edit: %d %.500s", r.Status, r.Body)
	}
	if p := c.Get(second); !strings.Contains(p.Body, "Name: Red mug → Red mug XL") || !strings.Contains(p.Body, "Selling price: 0.00 → 9.00") {
		t.Fatalf("activity log lacks the change: %.4000s", p.Body)
	}
	// Deactivate: the item stays, marked inactive, off the default list.
	if r := c.Post(second+"/deactivate", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("deactivate: %d", r.Status)
	}
	if l := c.Get("/items"); strings.Contains(l.Body, "Red mug XL") || !strings.Contains(l.Body, "Blue mug") {
		t.Fatal("the default list shows inactive items or hides active ones")
	}
	if l := c.Get("/items?status=inactive"); !strings.Contains(l.Body, "Red mug XL") {
		t.Fatal("inactive filter misses the item")
	}
}

func TestItemsListSearchesFiltersAndServesTheTableFragment(t *testing.T) {
	s := webtest.NewServer(t)
	c, _ := s.SignedIn(t, auth.RoleStaff)
	if r := c.Get("/items"); !strings.Contains(r.Body, `data-testid="items-empty"`) {
		t.Fatal("no empty state on an empty catalogue")
	}
	createItem(t, c, url.Values{"name": {"Oak chair"}, "sku": {"CH-OAK"}, "opening_qty": {"5"}})
	createItem(t, c, url.Values{"name": {"Pine table"}, "sku": {"TB-PINE"}, "opening_qty": {"0"}})
	createItem(t, c, url.Values{"name": {"Oak shelf"}, "sku": {"SH-1"}, "opening_qty": {"2"}, "reorder_level": {"3"}})
	cases := []struct {
		query string
		want  []string
		not   []string
	}{
		{"q=oak", []string{"Oak chair", "Oak shelf"}, []string{"Pine table"}},
		{"q=PINE", []string{"Pine table"}, []string{"Oak chair"}}, // contains, either case, SKU or name
		{"q=ch", []string{"Oak chair"}, []string{"Pine table"}},   // short: prefix of SKU
		{"q=pi", []string{"Pine table"}, []string{"Oak chair"}},   // short: prefix of name
		{"stock=out", []string{"Pine table"}, []string{"Oak chair", "Oak shelf"}},
		{"stock=low", []string{"Oak shelf"}, []string{"Oak chair", "Pine table"}},
		{"stock=in", []string{"Oak chair", "Oak shelf"}, []string{"Pine table"}},
		{"linked=yes", nil, []string{"Oak chair"}},
		{"sort=available", []string{"Pine table"}, nil},
	}
	for _, tc := range cases {
		r := c.Get("/items?" + tc.query)
		for _, w := range tc.want {
			if !strings.Contains(r.Body, w) {
				t.Errorf("%s: %q missing", tc.query, w)
			}
		}
		for _, n := range tc.not {
			if strings.Contains(r.Body, ">"+n+"<") {
				t.Errorf("%s: %q should not be listed", tc.query, n)
			}
		}
	}
	if r := c.Get("/items?q=zzz"); !strings.Contains(r.Body, `data-testid="items-none-match"`) {
		t.Error("no 'no match' state")
	}
	// Sorted by available, lowest first.
	r := c.Get("/items?sort=available")
	if strings.Index(r.Body, "Pine table") > strings.Index(r.Body, "Oak shelf") || strings.Index(r.Body, "Oak shelf") > strings.Index(r.Body, "Oak chair") {
		t.Error("sort=available is not lowest first")
	}
	// htmx (not boosted) gets the table only; the filter form keeps its values.
	c.Header.Set("HX-Request", "true")
	r = c.Get("/items?q=oak")
	c.Header.Del("HX-Request")
	if strings.Contains(r.Body, "<html") || !strings.HasPrefix(strings.TrimSpace(r.Body), `<div id="items-table"`) {
		t.Fatalf("htmx request did not get the fragment: %.300s", r.Body)
	}
	if r := c.Get("/items?q=oak&sort=sku"); !strings.Contains(r.Body, `value="oak"`) || !strings.Contains(r.Body, `<option value="sku" selected`) {
		t.Fatal("the form does not show the filter from the URL")
	}
}

func TestItemsListPagesByKeyset(t *testing.T) {
	s := webtest.NewServer(t)
	c, u := s.SignedIn(t, auth.RoleStaff)
	s.Store.DB.MustExec(`INSERT INTO items (name, sku, created_by) SELECT 'Item ' || lpad(g::text, 3, '0'), 'S' || g, $1 FROM generate_series(1, 120) g`, u.ID)
	// Every sort pages through all rows once, ties broken by id (all 120
	// share updated_at and available).
	for _, sort := range []string{"name", "sku", "available", "updated"} {
		seen := map[string]bool{}
		next := "/items?sort=" + sort
		pages := 0
		for next != "" {
			r := c.Get(next)
			pages++
			for _, m := range regexp.MustCompile(`>(Item \d{3})<`).FindAllStringSubmatch(r.Body, -1) {
				if seen[m[1]] {
					t.Fatalf("sort %s: %s listed twice", sort, m[1])
				}
				seen[m[1]] = true
			}
			m := regexp.MustCompile(`href="(/items\?[^"]*after=\d+[^"]*)" rel="next"`).FindStringSubmatch(r.Body)
			next = ""
			if m != nil {
				next = strings.ReplaceAll(m[1], "&amp;", "&")
			}
		}
		if pages != 3 || len(seen) != 120 {
			t.Fatalf("sort %s: %d pages, %d items; want 3 and 120", sort, pages, len(seen))
		}
	}
}

func TestBaseCurrencyIsAnAdminSetting(t *testing.T) {
	s := webtest.NewServer(t)
	staff, _ := s.SignedIn(t, auth.RoleStaff)
	if r := staff.Get("/settings/general"); r.Status != http.StatusForbidden {
		t.Fatalf("staff: %d", r.Status)
	}
	admin, _ := s.SignedIn(t, auth.RoleAdmin)
	admin.Get("/settings/general")
	if r := admin.Post("/settings/general", url.Values{"currency": {"euro"}}); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="f-currency-msg"`) {
		t.Fatalf("bad currency: %d", r.Status)
	}
	if r := admin.Post("/settings/general", url.Values{"currency": {"eur"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("set EUR: %d", r.Status)
	}
	createItem(t, admin, url.Values{"name": {"Lamp"}, "selling_price": {"3"}})
	if r := admin.Get("/items"); !strings.Contains(r.Body, "EUR 3.00") {
		t.Fatal("amounts are not in the base currency")
	}
}

// The list says how many items match, shows every item's status, and pages
// back as well as forward with bookmarkable URLs that keep the filters.
func TestItemsListShowsStatusTotalAndPagesBack(t *testing.T) {
	s := webtest.NewServer(t)
	c, u := s.SignedIn(t, auth.RoleStaff)
	s.Store.DB.MustExec(`INSERT INTO items (name, sku, created_by) SELECT 'Item ' || lpad(g::text, 3, '0'), 'S' || g, $1 FROM generate_series(1, 120) g`, u.ID)
	s.Store.DB.MustExec(`INSERT INTO items (name, sku, active, created_by) VALUES ('Old lamp', 'OLD-1', false, $1)`, u.ID)

	r := c.Get("/items")
	if !strings.Contains(r.Body, `data-testid="items-total">120 items<`) {
		t.Errorf("no total of 120 on the first page: %s", regexp.MustCompile(`data-testid="items-total">[^<]*`).FindString(r.Body))
	}
	statuses := regexp.MustCompile(`data-testid="status"><span class="badge [^"]*">(\w+)<`).FindAllStringSubmatch(r.Body, -1)
	if len(statuses) != 50 {
		t.Fatalf("%d rows show a status, want 50", len(statuses))
	}
	for _, m := range statuses {
		if m[1] != "Active" {
			t.Fatalf("an active item shows %q", m[1])
		}
	}
	if strings.Contains(r.Body, `rel="prev"`) {
		t.Error("the first page links a previous page")
	}
	r = c.Get("/items?status=inactive")
	if !strings.Contains(r.Body, `items-total">1 item<`) || !strings.Contains(r.Body, `<span class="badge text-bg-secondary">Inactive</span>`) {
		t.Error("the inactive item is not counted or not shown as Inactive")
	}
	if r := c.Get("/items?q=Item+00"); !strings.Contains(r.Body, `items-total">9 items<`) {
		t.Error("a search is not counted")
	}

	names := regexp.MustCompile(`>(Item \d{3})<`)
	link := func(body, rel string) string {
		m := regexp.MustCompile(`href="(/items\?[^"]*)" rel="` + rel + `"`).FindStringSubmatch(body)
		if m == nil {
			return ""
		}
		return strings.ReplaceAll(m[1], "&amp;", "&")
	}
	for _, sort := range []string{"name", "sku", "available", "updated"} {
		var forward [][]string
		next := "/items?sort=" + sort
		for next != "" {
			body := c.Get(next).Body
			var page []string
			for _, m := range names.FindAllStringSubmatch(body, -1) {
				page = append(page, m[1])
			}
			forward = append(forward, page)
			next = link(body, "next")
			if next == "" {
				next = link(body, "prev")
				for i := len(forward) - 2; i >= 0; i-- {
					if next == "" || !strings.Contains(next, "before=") || (sort != "name" && !strings.Contains(next, "sort="+sort)) {
						t.Fatalf("sort %s: page %d has no previous link keeping the sort: %q", sort, i+2, next)
					}
					body := c.Get(next).Body
					var page []string
					for _, m := range names.FindAllStringSubmatch(body, -1) {
						page = append(page, m[1])
					}
					if strings.Join(page, ",") != strings.Join(forward[i], ",") {
						t.Fatalf("sort %s: going back, page %d is %v, was %v", sort, i+1, page, forward[i])
					}
					next = link(body, "prev")
				}
				if next != "" {
					t.Fatalf("sort %s: the first page, reached going back, links a previous page %q", sort, next)
				}
				break
			}
		}
		if len(forward) != 3 {
			t.Fatalf("sort %s: %d pages", sort, len(forward))
		}
	}

	// Past the cap the count stops and says so.
	s.Store.DB.MustExec(`INSERT INTO items (name, created_by) SELECT 'Bulk ' || g, $1 FROM generate_series(1, 1000) g`, u.ID)
	if r := c.Get("/items"); !strings.Contains(r.Body, `items-total">1,000+ items<`) {
		t.Error("a list past the cap does not say 1,000+")
	}
}
