package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserSandboxEtsy: connect Sandbox Etsy from its preset (the
// refresh token filled in by the server), sync it, and confirm one of the
// products of a listing with variations.
func TestBrowserSandboxEtsy(t *testing.T) {
	b := newSandboxBrowser(t)
	s, ctx := b.s, b.ctx
	b.connectAndSync(t, "sandbox-etsy", "cred_keystring",
		[]browserStep{{"Connect with Etsy is offered", chromedp.WaitVisible(chromedp.CSS(`[data-testid=oauth-connect]`))}},
		browserStep{"the run succeeds", chromedp.WaitVisible(chromedp.CSS(`#run-progress[data-status=succeeded]`))},
		browserStep{"the beanies", chromedp.Navigate(s.URL + "/channel-items?q=Beanie+2")},
		browserStep{"open the medium one", chromedp.Click(chromedp.CSS(`[data-testid=channel-items-table] tbody tr a[href^="/channel-items/"]`), chromedp.NodeVisible)},
		browserStep{"its page", chromedp.WaitVisible(chromedp.CSS(`[data-testid=listing-name]`))},
		browserStep{"confirm it", chromedp.Click(chromedp.CSS(`form[data-htmx-powered] [data-testid=confirm]`), chromedp.NodeVisible)},
		browserStep{"linked", chromedp.WaitVisible(chromedp.CSS(`#settle [data-testid=linked]`))},
	)
	name, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('[data-testid=listing-name]').textContent`))
	if !strings.HasPrefix(name, "Etsy Hand-knitted Beanie 2 - ") {
		t.Fatalf("confirmed %q, want a size of beanie 2", name)
	}
	var linked, items int
	s.Store.DB.Get(&linked, `SELECT count(*) FROM channel_items ci JOIN channels c ON c.id = ci.channel_id
		WHERE c.kind = 'etsy' AND ci.item_id IS NOT NULL`)
	s.Store.DB.Get(&items, `SELECT count(*) FROM items WHERE sku LIKE 'ETSY-BNE-2-%'`)
	// 40 listings share a demo item's SKU; the confirmed beanie is the 41st.
	if linked != 41 || items != 1 {
		t.Fatalf("%d Etsy listings linked, %d beanie items", linked, items)
	}
}
