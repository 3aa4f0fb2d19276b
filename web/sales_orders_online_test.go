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

// onlineOrder imports, as a sync would, order #1001 of channel "Web shop":
// three lines of listings never seen (so all unconfirmed, the order
// frozen), then links the first listing to KET, so its line commits.
func onlineOrder(t *testing.T, s *webtest.Server, by int64) (channelID, orderID int64) {
	t.Helper()
	ctx := context.Background()
	var err error
	if channelID, err = s.Store.CreateChannel(ctx, store.NewChannel{Kind: "shopify", Name: "Web shop", Credentials: []byte{1}}); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	res, err := s.Store.ImportOnlineOrders(ctx, channelID, []inventory.OnlineOrder{{
		ExternalID: "gid://shopify/Order/1", Number: "#1001", Status: "PAID", Currency: "USD", Customer: "Dora Online",
		CreatedAt: at, UpdatedAt: at, Lines: []inventory.OnlineOrderLine{
			{ExternalID: "1", ListingExternalID: "v1", SKU: "KET-WEB", Name: "Kettle (web)", Quantity: 2, Rate: 1999},
			{ExternalID: "2", ListingExternalID: "v2", SKU: "CUP-WEB", Name: "Cup (web)", Quantity: 3, Rate: 500},
			{ExternalID: "3", ListingExternalID: "v3", SKU: "SAU-WEB", Name: "Saucer (web)", Quantity: 1, Rate: 300},
		}}})
	if err != nil || len(res.OrderIDs) != 1 || res.NewListings != 3 {
		t.Fatalf("import: %+v %v", res, err)
	}
	var ket, v1 int64
	s.Store.DB.Get(&ket, `SELECT id FROM items WHERE sku = 'KET'`)
	s.Store.DB.Get(&v1, `SELECT id FROM channel_items WHERE channel_id = $1 AND external_id = 'v1'`, channelID)
	if err := s.Store.LinkListing(ctx, v1, ket, by); err != nil {
		t.Fatal(err)
	}
	return channelID, res.OrderIDs[0]
}

func TestFrozenOnlineOrderThroughThePages(t *testing.T) {
	s := webtest.NewServer(t)
	c, u := s.SignedIn(t, auth.RoleStaff)
	createItem(t, c, url.Values{"name": {"Kettle"}, "sku": {"KET"}, "opening_qty": {"10"}})
	createItem(t, c, url.Values{"name": {"Cup"}, "sku": {"CUP"}, "opening_qty": {"10"}})
	ch, id := onlineOrder(t, s, u.ID)
	path := "/sales-orders/" + strconv.FormatInt(id, 10)
	if _, cm, _ := stockOf(t, s, "KET"); cm != 2 {
		t.Fatalf("the linked line of a frozen order commits: %d", cm)
	}

	// The dashboard counts it and links to the frozen list, where it stands out.
	d := c.Get("/")
	mustContain(t, "dashboard", d.Body, `href="/sales-orders?status=frozen"`, "1 frozen orders")
	l := c.Get("/sales-orders?status=frozen")
	mustContain(t, "frozen list", l.Body, "table-warning", "Dora Online", "#1001", "Web shop", `data-testid="frozen-badge"`)
	// Marketplace filter: the channel's orders, not the manual ones; all in the URL.
	if l := c.Get("/sales-orders?marketplace=" + strconv.FormatInt(ch, 10)); !strings.Contains(l.Body, "Dora Online") ||
		!strings.Contains(l.Body, `selected value="`+strconv.FormatInt(ch, 10)+`"`) && !strings.Contains(l.Body, `value="`+strconv.FormatInt(ch, 10)+`" selected`) {
		t.Fatalf("marketplace filter: %.3000s", l.Body)
	}
	if l := c.Get("/sales-orders?marketplace=manual"); strings.Contains(l.Body, "Dora Online") {
		t.Fatal("the manual marketplace lists an online order")
	}
	if l := c.Get("/sales-orders?q=1001&from=2026-03-01&to=2026-03-03"); !strings.Contains(l.Body, "Dora Online") {
		t.Fatal("search by the channel's order number within the dates")
	}
	if l := c.Get("/sales-orders?q=dora&from=2026-03-03"); strings.Contains(l.Body, "Dora Online") {
		t.Fatal("the date range lets an earlier order through")
	}
	if l := c.Get("/sales-orders?from=yesterday"); l.Status != http.StatusOK || !strings.Contains(l.Body, "YYYY-MM-DD") {
		t.Fatalf("bad date: %d", l.Status)
	}

	// The page: channel, its number and status, lines linked to their channel items, the warning.
	p := c.Get(path)
	mustContain(t, "order page", p.Body, `data-testid="order-channel">Web shop`, `data-testid="channel-order-number">#1001`,
		`data-testid="channel-status">PAID`, `data-testid="frozen-warning"`, `data-testid="confirm-all"`, "/channel-items/", "Link to existing item")
	if !regexp.MustCompile(`<button[^>]*disabled[^>]*data-testid="pack-submit"`).MatchString(p.Body) &&
		!regexp.MustCompile(`data-testid="pack-submit"[^>]*disabled`).MatchString(p.Body) {
		t.Fatalf("the pack button is not disabled: %.4000s", p.Body)
	}
	// The server refuses processing too, and writes nothing.
	lineIDs := regexp.MustCompile(`name="qty\.(\d+)"`).FindAllStringSubmatch(p.Body, -1)
	if len(lineIDs) == 0 {
		t.Fatal("no pack form")
	}
	r := c.Post(path+"/shipments", url.Values{"qty." + lineIDs[0][1]: {"1"}, "ship_now": {"1"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "frozen") {
		t.Fatalf("ship while frozen: %d", r.Status)
	}
	r = c.Post(path+"/invoices", url.Values{"qty." + lineIDs[0][1]: {"1"}})
	if r.Status != http.StatusUnprocessableEntity || count(t, s, "invoices")+count(t, s, "packages") != 0 {
		t.Fatalf("invoice while frozen: %d", r.Status)
	}

	// Link the cup line to the Cup item with the picker: still frozen (the saucer waits).
	links := regexp.MustCompile(`action="(/sales-orders/\d+/lines/\d+/link)"`).FindAllStringSubmatch(p.Body, -1)
	if len(links) != 2 {
		t.Fatalf("%d Link forms, want 2 (one per waiting line)", len(links))
	}
	picked := c.Get(path + "?line=" + regexp.MustCompile(`/lines/(\d+)/`).FindStringSubmatch(links[0][1])[1] + "&q=CUP")
	var cup int64
	s.Store.DB.Get(&cup, `SELECT id FROM items WHERE sku = 'CUP'`)
	mustContain(t, "picker without JS", picked.Body, `value="`+strconv.FormatInt(cup, 10)+`"`)
	if r := c.Post(links[0][1], url.Values{"item_id": {strconv.FormatInt(cup, 10)}}); r.Status != http.StatusSeeOther {
		t.Fatalf("link: %d %.500s", r.Status, r.Body)
	}
	if _, cm, _ := stockOf(t, s, "CUP"); cm != 3 {
		t.Fatalf("cup committed %d after linking its line", cm)
	}
	if p := c.Get(path); !strings.Contains(p.Body, `data-testid="frozen-warning"`) {
		t.Fatal("unfroze before the last line")
	}
	// Confirm all settles the saucer: unfrozen, committed, and it ships.
	if r := c.Post(path+"/confirm-all", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("confirm all: %d", r.Status)
	}
	p = c.Get(path)
	if strings.Contains(p.Body, `data-testid="frozen-warning"`) || !strings.Contains(p.Body, "Confirmed 1 channel items") {
		t.Fatalf("after Confirm all: %.3000s", p.Body)
	}
	if _, cm, _ := stockOf(t, s, "SAU-WEB"); cm != 1 {
		t.Fatalf("the confirmed saucer commits %d", cm)
	}
	if d := c.Get("/"); !strings.Contains(d.Body, "0 frozen orders") {
		t.Fatal("the dashboard still counts a frozen order")
	}
	// (The saucer came with no stock on the channel, so only the kettle ships.)
	form := url.Values{"ship_now": {"1"}, "qty." + lineIDs[0][1]: {"2"}}
	if r := c.Post(path+"/shipments", form); r.Status != http.StatusSeeOther {
		t.Fatalf("ship after unfreezing: %d %.1000s", r.Status, r.Body)
	}
	if o, cm, _ := stockOf(t, s, "KET"); o != 8 || cm != 0 {
		t.Fatalf("kettle after shipping: %d/%d", o, cm)
	}
}
