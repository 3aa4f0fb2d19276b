package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"stocksync/internal/auth"
	"stocksync/internal/inventory"
	"stocksync/internal/store"
	"stocksync/internal/testkit/webtest"
)

// An order Amazon fulfils from its own stock says so on its page, offers
// no pack or ship (disabled with the reason, and refused by the server
// with nothing written), and can be invoiced without touching our stock.
func TestAnOrderFulfilledByTheChannelCannotBePackedOrShipped(t *testing.T) {
	s := webtest.NewServer(t)
	c, u := s.SignedIn(t, auth.RoleStaff)
	createItem(t, c, url.Values{"name": {"Kettle"}, "sku": {"KET"}, "opening_qty": {"10"}})
	ctx := context.Background()
	ch, order := importAmazonFBAOrder(t, s, "Lena Fischer", false)
	var ket, listing int64
	s.Store.DB.Get(&ket, `SELECT id FROM items WHERE sku = 'KET'`)
	s.Store.DB.Get(&listing, `SELECT id FROM channel_items WHERE channel_id = $1 AND sku = 'KET-AMZ'`, ch)
	if err := s.Store.LinkListing(ctx, listing, ket, u.ID); err != nil {
		t.Fatal(err)
	}
	path := "/sales-orders/" + strconv.FormatInt(order, 10)

	p := c.Get(path)
	mustContain(t, "order page", p.Body, `data-testid="by-channel-notice"`, "Fulfilled by Amazon (the channel):",
		"its stock is the channel's; nothing is committed or shipped from your warehouses.", `data-testid="pack-refusal"`)
	pack := regexp.MustCompile(`<button[^>]*data-testid="pack-submit"[^>]*>`).FindString(p.Body)
	if !strings.Contains(pack, "disabled") || !strings.Contains(pack, `title="Fulfilled by the channel`) {
		t.Fatalf("the pack button is not disabled with its reason: %s", pack)
	}
	if inv := regexp.MustCompile(`<button[^>]*data-testid="invoice-submit"[^>]*>`).FindString(p.Body); inv == "" || strings.Contains(inv, "disabled") {
		t.Fatalf("the invoice button: %q", inv)
	}
	if got := regexp.MustCompile(`data-testid="line-committed">([^<]*)<`).FindStringSubmatch(p.Body); got == nil || got[1] != "0" {
		t.Fatalf("committed shown: %v", got)
	}
	line := regexp.MustCompile(`name="qty\.(\d+)"`).FindStringSubmatch(p.Body)
	if line == nil {
		t.Fatal("no quantity field")
	}

	// The server refuses a package and writes nothing.
	r := c.Post(path+"/shipments", url.Values{"qty." + line[1]: {"1"}, "ship_now": {"1"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "fulfilled by its channel") || count(t, s, "packages") != 0 {
		t.Fatalf("ship: %d, %d packages: %.2000s", r.Status, count(t, s, "packages"), r.Body)
	}
	// An invoice is allowed and leaves our stock alone.
	if r := c.Post(path+"/invoices", url.Values{"qty." + line[1]: {"2"}}); r.Status != http.StatusSeeOther || count(t, s, "invoices") != 1 {
		t.Fatalf("invoice: %d %.1000s", r.Status, r.Body)
	}
	if onHand, committed, _ := stockOf(t, s, "KET"); onHand != 10 || committed != 0 {
		t.Fatalf("kettle %d on hand, %d committed; want 10, 0", onHand, committed)
	}

	// The list marks it.
	l := c.Get("/sales-orders?marketplace=" + strconv.FormatInt(ch, 10))
	mustContain(t, "orders list", l.Body, "Lena Fischer", `data-testid="by-channel-badge"`)
}

// An order Amazon fulfils and has shipped: its page says Amazon shipped
// it from its own warehouses and offers neither pack nor ship but the
// invoice, and the list shows it as shipped, not as waiting to ship.
func TestAnOrderShippedByTheChannelShowsShippedByIt(t *testing.T) {
	s := webtest.NewServer(t)
	c, _ := s.SignedIn(t, auth.RoleStaff)
	ch, order := importAmazonFBAOrder(t, s, "Nora Lind", true)
	p := c.Get("/sales-orders/" + strconv.FormatInt(order, 10))
	mustContain(t, "order page", p.Body, `data-testid="by-channel-notice"`, "Shipped by Amazon",
		"warehouses: nothing to pack or ship here", `data-testid="invoice-form"`)
	for _, absent := range []string{`data-testid="pack-form"`, `data-testid="pack-submit"`, "its stock is the channel's"} {
		if strings.Contains(p.Body, absent) {
			t.Fatalf("the page of an order Amazon shipped shows %s:\n%.3000s", absent, p.Body)
		}
	}
	list := "/sales-orders?marketplace=" + strconv.FormatInt(ch, 10) + "&status="
	mustContain(t, "shipped orders", c.Get(list+inventory.OrdersShipped).Body, "Nora Lind")
	if b := c.Get(list + inventory.OrdersNotShipped).Body; strings.Contains(b, "Nora Lind") {
		t.Fatalf("an order Amazon shipped is listed as not shipped:\n%.3000s", b)
	}
}

// importAmazonFBAOrder imports into a new Amazon channel an order Amazon
// fulfils, of two kettles, bought by customer; shipped says Amazon has
// shipped it. It returns the channel and the order.
func importAmazonFBAOrder(t *testing.T, s *webtest.Server, customer string, shipped bool) (channelID, orderID int64) {
	t.Helper()
	ctx := context.Background()
	ch, err := s.Store.CreateChannel(ctx, store.NewChannel{Kind: "amazon", Name: "Amazon", Credentials: []byte{1}})
	if err != nil {
		t.Fatal(err)
	}
	status := "Unshipped"
	if shipped {
		status = "Shipped"
	}
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	res, err := s.Store.ImportOnlineOrders(ctx, ch, []inventory.OnlineOrder{{
		ExternalID: "114-1", Number: "114-1", Status: status, Currency: "USD", Customer: customer,
		CreatedAt: at, UpdatedAt: at, FulfilledByChannel: true, ShippedByChannel: shipped, Lines: []inventory.OnlineOrderLine{
			{ExternalID: "1", ListingExternalID: "ATVPDKIKX0DER/KET-AMZ", SKU: "KET-AMZ", Name: "Kettle (Amazon)", Quantity: 2, Rate: 1999}}}})
	if err != nil || len(res.OrderIDs) != 1 {
		t.Fatalf("import: %+v %v", res, err)
	}
	return ch, res.OrderIDs[0]
}
