package web_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserSandboxEtsy: connect Sandbox Etsy from its preset (the
// refresh token filled in by the server), sync it, confirm one of the
// products of a listing with variations, receive stock of the new item,
// and see Etsy show it, the listing's other products kept.
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
	var listing struct {
		ID   int64  `db:"id"`
		Item int64  `db:"item_id"`
		Key  string `db:"external_id"`
	}
	if err := s.Store.DB.Get(&listing, `SELECT id, item_id, external_id FROM channel_items WHERE sku LIKE 'ETSY-BNE-2-%' AND item_id IS NOT NULL`); err != nil {
		t.Fatal(err)
	}
	want := b.receive(t, listing.Item, 7)
	if want < 7 {
		t.Fatalf("%d available after receiving 7", want)
	}
	b.waitForPush(t, "Etsy", listing.ID, want, func() int { q, _ := b.sb.Etsy.Quantity(listing.Key); return q })
	if d := b.sb.Etsy.DeletedProducts(); len(d) != 0 {
		t.Fatalf("the push deleted products of the listing: %v", d)
	}
	// The channel's page shows the day's calls used of Etsy's budget.
	var ch int64
	s.Store.DB.Get(&ch, `SELECT id FROM channels WHERE kind = 'etsy'`)
	if _, err := chromedp.Run(ctx, chromedp.Navigate(s.URL+"/channels/"+strconv.FormatInt(ch, 10))); err != nil {
		t.Fatal(err)
	}
	budget, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`[data-testid=quota-budget]`)))
	if err != nil {
		t.Fatalf("the channel's limits: %v", err)
	}
	if !strings.HasPrefix(budget, "Etsy calls today:") || !strings.Contains(budget, " of 10,000 (rolling 24 h)") {
		t.Fatalf("the channel page says %q", budget)
	}
}
