package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"stocksync/internal/auth"
	"stocksync/internal/testkit/browser"
	"stocksync/internal/testkit/webtest"
)

// text reads an element's text once it is visible.
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(sel))); err != nil {
		t.Fatalf("%s not visible: %v", sel, err)
	}
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

// stockIs checks the three figures on the item page.
func stockIs(t *testing.T, ctx context.Context, itemURL, onHand, committed, available string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(itemURL)); err != nil {
		t.Fatal(err)
	}
	got := [3]string{text(t, ctx, `[data-testid=on-hand]`), text(t, ctx, `[data-testid=committed]`), text(t, ctx, `.card [data-testid=available]`)}
	if got != [3]string{onHand, committed, available} {
		t.Fatalf("item page shows on hand/committed/available %v, want %s/%s/%s", got, onHand, committed, available)
	}
}

func TestBrowserItemReceiveOrderShip(t *testing.T) {
	itemReceiveOrderShip(t, browser.Options{})
}

// Without JavaScript every step is a plain form and a redirect, and the
// search is a GET form submitted with Enter.
func TestBrowserItemReceiveOrderShipWithoutJavaScript(t *testing.T) {
	itemReceiveOrderShip(t, browser.Options{NoJS: true})
}

func itemReceiveOrderShip(t *testing.T, opts browser.Options) {
	s := webtest.NewServer(t)
	s.CreateUser(t, "ada@example.com", auth.RoleStaff, pw)
	ctx := browser.New(t, opts)
	if err := browser.Login(ctx, s.URL, "ada@example.com", pw); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=greeting]`)),
		chromedp.Navigate(s.URL+"/items/new"),
		chromedp.WaitVisible(chromedp.CSS(`#f-name`)),
		chromedp.SendKeys(chromedp.CSS(`#f-name`), "Brown teapot"),
		chromedp.SendKeys(chromedp.CSS(`#f-sku`), "TEA-BR"),
		chromedp.SendKeys(chromedp.CSS(`#f-selling_price`), "24.00"),
		chromedp.Click(chromedp.CSS(`form[data-testid=item-form] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=item-name]`)),
	); err != nil {
		t.Fatalf("create item: %v", err)
	}
	if name := text(t, ctx, `[data-testid=item-name]`); name != "Brown teapot" {
		t.Fatalf("item page heading %q", name)
	}
	itemURL, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil || !strings.Contains(itemURL, "/items/") {
		t.Fatalf("after saving the item the browser is at %q (%v)", itemURL, err)
	}
	stockIs(t, ctx, itemURL, "0", "0", "0")

	// Receive 10 from the item page's link (the item is filled in).
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`a[href^="/purchase-receives/new"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#f-vendor`)),
		chromedp.SendKeys(chromedp.CSS(`#f-vendor`), "Acme Pottery"),
		chromedp.SendKeys(chromedp.CSS(`#f-line-0-quantity`), "10"),
		chromedp.SendKeys(chromedp.CSS(`#f-line-0-rate`), "9.50"),
		chromedp.Click(chromedp.CSS(`form[data-testid=receive-form] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=doc-lines]`)),
	); err != nil {
		t.Fatalf("receive: %v", err)
	}
	stockIs(t, ctx, itemURL, "10", "0", "10")

	// A sales order for 4 commits them.
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`a[href^="/sales-orders/new"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#f-customer`)),
		chromedp.SendKeys(chromedp.CSS(`#f-customer`), "Bea"),
		chromedp.SendKeys(chromedp.CSS(`#f-line-0-quantity`), "4"),
		chromedp.SendKeys(chromedp.CSS(`#f-line-0-rate`), "24"),
		chromedp.Click(chromedp.CSS(`form[data-testid=order-form] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=order-lines]`)),
	); err != nil {
		t.Fatalf("sales order: %v", err)
	}
	orderURL, _ := chromedp.Run(ctx, chromedp.Location())
	if c := text(t, ctx, `[data-testid=line-committed]`); c != "4" {
		t.Fatalf("order line committed %q", c)
	}
	stockIs(t, ctx, itemURL, "10", "4", "6")

	// Ship the 4 (the form offers what is left to pack, ship now ticked).
	if err := chromedp.Do(ctx,
		chromedp.Navigate(orderURL),
		chromedp.WaitVisible(chromedp.CSS(`form[data-testid=pack-form]`)),
		chromedp.Click(chromedp.CSS(`form[data-testid=pack-form] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=packages] li`)),
	); err != nil {
		t.Fatalf("ship: %v", err)
	}
	stockIs(t, ctx, itemURL, "6", "0", "6")
	history := text(t, ctx, `[data-testid=history]`)
	for _, w := range []string{"Purchase receive #", "(committed)", "Shipment of sales order"} {
		if !strings.Contains(history, w) {
			t.Errorf("history lacks %q:\n%s", w, history)
		}
	}

	// Search the list as you type; the URL keeps the filter through a reload.
	if err := chromedp.Do(ctx,
		chromedp.Navigate(s.URL+"/items"),
		chromedp.WaitVisible(chromedp.CSS(`#f-q`)),
		chromedp.SendKeys(chromedp.CSS(`#f-q`), "teap"),
	); err != nil {
		t.Fatal(err)
	}
	if opts.NoJS {
		err = chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(`#f-q`), "\r"), chromedp.WaitVisible(chromedp.CSS(`[data-testid=items-table]`)))
	}
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	var loc string
	for time.Now().Before(deadline) {
		loc, _ = chromedp.Run(ctx, chromedp.Location())
		if strings.Contains(loc, "q=teap") {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !strings.Contains(loc, "q=teap") {
		t.Fatalf("typing did not push the search into the URL: %s", loc)
	}
	if err := chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`[data-testid=items-table]`))); err != nil {
		t.Fatal(err)
	}
	q, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`#f-q`)))
	if err != nil || q != "teap" {
		t.Fatalf("after reload the search box holds %q (%v)", q, err)
	}
	if tbl := text(t, ctx, `[data-testid=items-table]`); !strings.Contains(tbl, "Brown teapot") {
		t.Fatalf("after reload the table shows %q", tbl)
	}
}
