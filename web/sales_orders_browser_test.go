package web_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"stocksync/internal/auth"
	"stocksync/internal/channel"
	"stocksync/internal/channelsync"
	"stocksync/internal/inventory"
	"stocksync/internal/sandbox"
	"stocksync/internal/testkit/browser"
	"stocksync/internal/testkit/webtest"
)

// A frozen order from Sandbox Shopify, opened from the dashboard's count:
// one line linked with the picker, the other confirmed by Confirm all; the
// order unfreezes and ships. Then the Marketplace filter survives a reload.
func TestBrowserFrozenSandboxOrder(t *testing.T) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	sb, err := sandbox.Start(quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	s := webtest.NewServer(t)
	u := s.CreateUser(t, "ada@example.com", auth.RoleStaff, pw)
	ctx := t.Context()
	if err := sandbox.SeedDemoItems(ctx, s.Store, quiet); err != nil {
		t.Fatal(err)
	}
	svc, err := channelsync.NewService(s.Store, s.Config.SecretKey, channel.Options{Addresses: channel.AddressPolicy{Sandbox: true}}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	ch, err := svc.Connect(ctx, channelsync.ConnectRequest{Kind: "shopify", Name: "Sandbox Shopify", Credentials: sb.Presets[0].Credentials,
		SyncInterval: 15 * time.Minute, FirstSyncDelay: 30 * time.Minute, UserID: u.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SyncCatalogue(ctx, ch, true, "manual", 0); err != nil {
		t.Fatal(err)
	}
	var mug int64
	s.Store.DB.Get(&mug, `SELECT id FROM items WHERE sku = 'SB-0001'`)
	if _, err := s.Store.CreateSalesOrder(ctx, inventory.Order{Customer: "Walk-in Wendy", Date: time.Now(),
		Lines: []inventory.Line{{ItemID: mug, WarehouseID: 1, Quantity: 1, Rate: 100}}}, u.ID); err != nil {
		t.Fatal(err)
	}
	bctx := browser.New(t)
	if err := browser.Login(bctx, s.URL, "ada@example.com", pw); err != nil {
		t.Fatal(err)
	}
	atRest := chromedp.Poll[chromedp.Void](`document.readyState === "complete" &&
		!document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')`)
	steps := []struct {
		name string
		do   chromedp.Action[chromedp.Void]
	}{
		{"dashboard", chromedp.WaitVisible(chromedp.CSS(`[data-testid=frozen-count]`))},
		{"the frozen count", chromedp.Poll[chromedp.Void](`document.querySelector('[data-testid=frozen-count]').textContent.startsWith('3 frozen')`)},
		{"open the frozen orders", chromedp.Click(chromedp.CSS(`[data-testid=frozen-count]`), chromedp.NodeVisible)},
		{"the frozen list", untilNavigated(`location.search.includes("status=frozen") && !!document.querySelector('[data-testid=order-row].table-warning')`)},
		{"open order #1003", chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll('[data-testid=order-row]')].find(r => r.textContent.includes('#1003')).querySelector('a').click()`)},
		{"its warning", untilNavigated(`!!document.querySelector('[data-testid=frozen-warning]') && document.body.textContent.includes('#1003')`)},
		{"at rest", atRest},
		{"open Link on the first waiting line", chromedp.Click(chromedp.CSS(`[data-testid=link-line] summary`), chromedp.NodeVisible)},
		{"search the picker", chromedp.SendKeys(chromedp.CSS(`[data-testid=line-picker-search]`), "SB-0010")},
		// The results of the whole search, not of a prefix typed on the way
		// (a later swap would drop the radio the arrow checked).
		{"results as you type", chromedp.Poll[chromedp.Void](`(() => { const labels = [...document.querySelectorAll('[data-testid=link-line-form] [role=listbox] label')];
			return labels.length > 0 && labels.every(l => l.textContent.includes('SB-0010')) &&
				!document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added'); })()`)},
		{"arrow to the item", chromedp.KeyEvent(kb.ArrowDown)},
		{"chosen", chromedp.Poll[chromedp.Void](`!!document.querySelector('[data-testid=link-line-form] input[type=radio]:checked')`)},
		{"Enter links", chromedp.KeyEvent(kb.Enter)},
		{"linked, one line still waits", untilNavigated(`!!document.querySelector('.alert-success') && document.querySelectorAll('[data-testid=link-line]').length === 1`)},
		{"still frozen", chromedp.WaitVisible(chromedp.CSS(`[data-testid=frozen-warning]`))},
		{"at rest again", atRest},
		{"Confirm all", chromedp.Click(chromedp.CSS(`[data-testid=confirm-all]`), chromedp.NodeVisible)},
		{"unfrozen", untilNavigated(`!document.querySelector('[data-testid=frozen-warning]') && document.body.textContent.includes('Confirmed 1 channel items')`)},
		{"the pack button is enabled", chromedp.Poll[chromedp.Void](`!document.querySelector('[data-testid=pack-submit]').disabled`)},
		{"at rest to ship", atRest},
		{"ship", chromedp.Click(chromedp.CSS(`[data-testid=pack-submit]`), chromedp.NodeVisible)},
		{"shipped", untilNavigated(`document.querySelector('[data-testid=packages]').textContent.includes('shipped')`)},

		{"the orders list", chromedp.Navigate(s.URL + "/sales-orders")},
		{"at rest on the list", atRest},
		{"choose the marketplace", chromedp.Evaluate[chromedp.Void](`(() => { const s = document.querySelector('#f-marketplace');
			s.value = [...s.options].find(o => o.text === 'Sandbox Shopify').value; s.dispatchEvent(new Event('change', {bubbles: true})); })()`)},
		{"filtered, in the URL", untilNavigated(`location.search.includes("marketplace=") && !document.querySelector('#orders-table').textContent.includes('Walk-in Wendy')`)},
		{"mark the page", chromedp.Evaluate[chromedp.Void](`window.beforeReload = 1`)},
		{"reload", chromedp.Evaluate[chromedp.Void](`location.reload()`)},
		{"still filtered after the reload", untilNavigated(`window.beforeReload === undefined && document.readyState === "complete" &&
			document.querySelector('#f-marketplace').selectedOptions[0].text === 'Sandbox Shopify' &&
			document.querySelectorAll('[data-testid=order-row]').length === 5 && !document.body.textContent.includes('Walk-in Wendy')`)},
	}
	for _, st := range steps {
		stepCtx, cancel := context.WithTimeout(bctx, 30*time.Second)
		err := chromedp.Do(stepCtx, st.do)
		cancel()
		if err != nil {
			loc, _ := chromedp.Run(bctx, chromedp.Location())
			html, _ := chromedp.Run(bctx, chromedp.OuterHTML(chromedp.CSS(`main`)))
			t.Fatalf("%s (at %s): %v\n%.4000s", st.name, loc, err, html)
		}
	}
	var frozen, shipped int
	s.Store.DB.Get(&frozen, `SELECT count(*) FROM sales_orders WHERE channel_order_number = '#1003' AND frozen`)
	s.Store.DB.Get(&shipped, `SELECT count(*) FROM packages p JOIN sales_orders o ON o.id = p.order_id
		WHERE o.channel_order_number = '#1003' AND p.status = 'shipped'`)
	var customer string
	s.Store.DB.Get(&customer, `SELECT customer FROM sales_orders WHERE channel_order_number = '#1003'`)
	if frozen != 0 || shipped != 1 || customer != "Priya Raman" {
		t.Fatalf("order #1003: frozen %d, shipped packages %d, customer %q", frozen, shipped, customer)
	}
}
