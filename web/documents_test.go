package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"stocksync/internal/auth"
	"stocksync/internal/testkit/webtest"
)

// primary is the seeded warehouse's id, as the line forms submit it.
func primary(t *testing.T, s *webtest.Server) string {
	var id int64
	if err := s.Store.DB.Get(&id, `SELECT id FROM warehouses WHERE name = 'Primary'`); err != nil {
		t.Fatal(err)
	}
	return strconv.FormatInt(id, 10)
}

func lines(wh string, rows ...[3]string) url.Values {
	v := url.Values{}
	for _, r := range rows {
		v.Add("item", r[0])
		v.Add("warehouse", wh)
		v.Add("quantity", r[1])
		v.Add("rate", r[2])
	}
	return v
}

func with(v url.Values, kv ...string) url.Values {
	for i := 0; i < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

func stockOf(t *testing.T, s *webtest.Server, sku string) (onHand, committed, available int64) {
	t.Helper()
	if err := s.Store.DB.QueryRow(`SELECT s.on_hand, s.committed, s.available FROM items i JOIN item_stock s ON s.item_id = i.id WHERE i.sku = $1`, sku).Scan(&onHand, &committed, &available); err != nil {
		t.Fatal(err)
	}
	return
}

func TestDocumentFormsRefuseBadInputAndWriteNothing(t *testing.T) {
	s := webtest.NewServer(t)
	c, _ := s.SignedIn(t, auth.RoleStaff)
	wh := primary(t, s)
	createItem(t, c, url.Values{"name": {"Kettle"}, "sku": {"KET"}})
	createItem(t, c, url.Values{"name": {"Twin"}, "sku": {"T1"}})
	createItem(t, c, url.Values{"name": {"Twin"}, "sku": {"T2"}})
	forms := []struct {
		get, post string
		form      url.Values
		want      []string
	}{
		{"/purchase-receives/new", "/purchase-receives",
			with(lines(wh, [3]string{"NOPE", "0", "x"}, [3]string{"Twin", "2", "1"}), "vendor", ""),
			[]string{`id="f-vendor-msg"`, "No item has the SKU or name “NOPE”.", "Enter a quantity of 1 or more.", "Enter an amount", "2 items are named “Twin”"}},
		{"/purchase-receives/new", "/purchase-receives", with(url.Values{}, "vendor", "Acme"), []string{"Add at least one line"}},
		{"/sales-orders/new", "/sales-orders",
			with(lines(wh, [3]string{"KET", "-1", "1"}), "customer", "", "date", "31/12/2026"),
			[]string{`id="f-customer-msg"`, `id="f-date-msg"`, "Enter a quantity of 1 or more."}},
		{"/adjustments/new", "/adjustments",
			with(lines(wh, [3]string{"KET", "0", ""}), "reason", ""),
			[]string{`id="f-reason-msg"`, "not 0"}},
		{"/adjustments/new", "/adjustments",
			with(lines(wh, [3]string{"KET", "-2", ""}), "reason", "Damaged goods"),
			[]string{"Only 0 of Kettle (SKU KET) on hand in Primary; 2 cannot be removed."}},
		{"/purchase-receives/new", "/purchase-receives",
			with(lines("999999", [3]string{"KET", "2", "1"}), "vendor", "Acme"),
			[]string{"A warehouse on this form no longer exists"}},
	}
	for _, f := range forms {
		c.Get(f.get)
		r := c.Post(f.post, f.form)
		if r.Status != http.StatusUnprocessableEntity {
			t.Errorf("POST %s: %d, want 422", f.post, r.Status)
			continue
		}
		for _, w := range f.want {
			if !strings.Contains(r.Body, w) {
				t.Errorf("POST %s: no %q", f.post, w)
			}
		}
		// The typed values come back.
		if !strings.Contains(r.Body, `name="item"`) {
			t.Errorf("POST %s: line rows missing", f.post)
		}
	}
	for _, table := range []string{"purchase_receives", "sales_orders", "adjustments", "stock_movements", "stock_balances"} {
		if n := count(t, s, table); n != 0 {
			t.Errorf("%s has %d rows after refused forms", table, n)
		}
	}
	// Warehouses: blank and duplicate names.
	c.Get("/warehouses")
	if r := c.Post("/warehouses", url.Values{"name": {" "}}); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("blank warehouse: %d", r.Status)
	}
	if r := c.Post("/warehouses", url.Values{"name": {"primary"}}); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "already exists") {
		t.Errorf("duplicate warehouse: %d", r.Status)
	}
	if n := count(t, s, "warehouses"); n != 1 {
		t.Errorf("%d warehouses", n)
	}
}

var orderLoc = regexp.MustCompile(`^/sales-orders/(\d+)$`)

func TestDocumentsThroughTheForms(t *testing.T) {
	s := webtest.NewServer(t)
	c, _ := s.SignedIn(t, auth.RoleStaff)
	wh := primary(t, s)
	createItem(t, c, url.Values{"name": {"Kettle"}, "sku": {"KET"}})
	c.Get("/purchase-receives/new?item=KET")
	r := c.Post("/purchase-receives", with(lines(wh, [3]string{"KET", "10", "4.50"}, [3]string{"", "", ""}), "vendor", "Acme"))
	if r.Status != http.StatusSeeOther {
		t.Fatalf("receive: %d %.1000s", r.Status, r.Body)
	}
	if p := c.Get(r.Location); !strings.Contains(p.Body, "USD 45.00") || !strings.Contains(p.Body, "Acme") {
		t.Error("receive page lacks its total or vendor")
	}
	c.Get("/sales-orders/new")
	r = c.Post("/sales-orders", with(lines(wh, [3]string{"Kettle", "4", "9.99"}), "customer", "Bea"))
	m := orderLoc.FindStringSubmatch(r.Location)
	if r.Status != http.StatusSeeOther || m == nil {
		t.Fatalf("order: %d %.1000s", r.Status, r.Body)
	}
	if o, cm, av := stockOf(t, s, "KET"); o != 10 || cm != 4 || av != 6 {
		t.Fatalf("after order: %d/%d/%d", o, cm, av)
	}
	page := c.Get(r.Location)
	lineID := regexp.MustCompile(`name="qty\.(\d+)"`).FindStringSubmatch(page.Body)
	if lineID == nil {
		t.Fatalf("no pack form: %.3000s", page.Body)
	}
	field := "qty." + lineID[1]
	// More than ordered is refused beside the field.
	r = c.Post(r.Location+"/shipments", url.Values{field: {"5"}, "ship_now": {"1"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Only 4 left to pack on this line.") {
		t.Fatalf("over-pack: %d", r.Status)
	}
	r = c.Post("/sales-orders/"+m[1]+"/invoices", url.Values{field: {"1"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("invoice: %d %.500s", r.Status, r.Body)
	}
	if o, cm, _ := stockOf(t, s, "KET"); o != 9 || cm != 3 {
		t.Fatalf("after invoice of 1: %d/%d", o, cm)
	}
	// Pack 4 without shipping, then ship: the invoiced unit leaves no second time.
	r = c.Post("/sales-orders/"+m[1]+"/shipments", url.Values{field: {"4"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("pack: %d", r.Status)
	}
	if o, cm, _ := stockOf(t, s, "KET"); o != 9 || cm != 3 {
		t.Fatalf("packing moved stock: %d/%d", o, cm)
	}
	if d := c.Get("/"); !strings.Contains(d.Body, "1 to be shipped") || !strings.Contains(d.Body, "1 open orders") ||
		!strings.Contains(d.Body, `href="/items?status=active">1 active items`) || strings.Contains(d.Body, `data-testid="getting-started"`) {
		t.Errorf("dashboard counts: %.3000s", d.Body)
	}
	page = c.Get("/sales-orders/" + m[1])
	ship := regexp.MustCompile(`action="(/sales-orders/\d+/packages/\d+/ship)"`).FindStringSubmatch(page.Body)
	if ship == nil {
		t.Fatal("no Mark shipped button")
	}
	if r := c.Post(ship[1], nil); r.Status != http.StatusSeeOther {
		t.Fatalf("ship: %d", r.Status)
	}
	if o, cm, _ := stockOf(t, s, "KET"); o != 6 || cm != 0 {
		t.Fatalf("after shipping: %d/%d", o, cm)
	}
	// Cancel a second order: its commitment goes.
	c.Get("/sales-orders/new")
	r = c.Post("/sales-orders", with(lines(wh, [3]string{"KET", "2", "9.99"}), "customer", "Cy"))
	if o, cm, _ := stockOf(t, s, "KET"); o != 6 || cm != 2 {
		t.Fatalf("second order: %d/%d", o, cm)
	}
	c.Get(r.Location)
	if r := c.Post(r.Location+"/cancel", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("cancel: %d", r.Status)
	}
	if _, cm, _ := stockOf(t, s, "KET"); cm != 0 {
		t.Fatalf("cancel left %d committed", cm)
	}
	if l := c.Get("/sales-orders?status=cancelled"); !strings.Contains(l.Body, "Cy") || strings.Contains(l.Body, ">Bea<") {
		t.Error("status filter")
	}
	// Adjust + 3 and check the item page's history names every document.
	c.Get("/adjustments/new")
	r = c.Post("/adjustments", with(lines(wh, [3]string{"KET", "+3", ""}), "reason", "Stock count"))
	if r.Status != http.StatusSeeOther {
		t.Fatalf("adjust: %d %.800s", r.Status, r.Body)
	}
	var itemID string
	s.Store.DB.Get(&itemID, `SELECT id::text FROM items WHERE sku = 'KET'`)
	page = c.Get("/items/" + itemID)
	for _, w := range []string{"Purchase receive #", "Sales order #" + m[1] + " (committed)", "Invoice of sales order", "Shipment of sales order", "cancelled", "Adjustment #", `data-testid="on-hand">9<`} {
		if !strings.Contains(page.Body, w) {
			t.Errorf("item page lacks %q", w)
		}
	}
	// A second warehouse: stock there is its own; the refusal names it.
	c.Get("/warehouses")
	if r := c.Post("/warehouses", url.Values{"name": {"Annex"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("add warehouse: %d", r.Status)
	}
	var annex string
	s.Store.DB.Get(&annex, `SELECT id::text FROM warehouses WHERE name = 'Annex'`)
	c.Get("/adjustments/new")
	r = c.Post("/adjustments", with(lines(annex, [3]string{"KET", "-1", ""}), "reason", "Stock count"))
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Only 0 of Kettle (SKU KET) on hand in Annex; 1 cannot be removed.") {
		t.Fatalf("below zero in Annex: %d", r.Status)
	}
	c.Get("/purchase-receives/new")
	c.Post("/purchase-receives", with(lines(annex, [3]string{"KET", "2", "1"}), "vendor", "Acme"))
	page = c.Get("/items/" + itemID)
	if !regexp.MustCompile(`<td>Annex</td><td class="text-end">2</td>`).MatchString(page.Body) || !strings.Contains(page.Body, `data-testid="on-hand">11<`) {
		t.Errorf("item page per-warehouse stock: %.5000s", page.Body)
	}
	for _, p := range []string{"/purchase-receives", "/sales-orders", "/adjustments", "/warehouses", "/sales-orders?status=to_pack"} {
		if r := c.Get(p); r.Status != 200 {
			t.Errorf("GET %s: %d", p, r.Status)
		}
	}
}
