package web_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	amazonfake "stocksync/internal/channel/amazon/fake"
)

// TestBrowserSandboxAmazon: connect Sandbox Amazon from its preset, sync
// it (the listings report), confirm one of the listings it brought
// unconfirmed, receive stock of the new item, and see Amazon show it.
func TestBrowserSandboxAmazon(t *testing.T) {
	b := newSandboxBrowser(t)
	s, ctx := b.s, b.ctx
	b.connectAndSync(t, "sandbox-amazon", "cred_seller_id", nil,
		browserStep{"the run succeeds", chromedp.WaitVisible(chromedp.CSS(`#run-progress[data-status=succeeded]`))},
	)
	// The run shown may be the push that follows the sync; the sync's own
	// counts are in the history.
	var synced, failed int
	s.Store.DB.QueryRow(`SELECT records, failed FROM sync_runs WHERE kind = 'full_catalogue'`).Scan(&synced, &failed)
	status, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`[data-testid=run-status]`)))
	if err != nil || !strings.HasPrefix(status, "succeeded") || synced != 73 || failed != 3 {
		var runs []struct {
			Kind   string  `db:"kind"`
			Failed int     `db:"failed"`
			Rec    int     `db:"records"`
			Err    *string `db:"error"`
		}
		s.Store.DB.Select(&runs, `SELECT kind, failed, records, error FROM sync_runs ORDER BY id`)
		t.Fatalf("run status %q (%v): %+v", status, err, runs)
	}
	var listing int64
	var qty int
	if err := s.Store.DB.QueryRow(`SELECT id, quantity FROM channel_items WHERE sku = 'AMZ-NEW-002' AND item_id IS NULL`).Scan(&listing, &qty); err != nil {
		t.Fatalf("the unconfirmed listing: %v", err)
	}
	item := b.confirmListing(t, listing,
		browserStep{"the confirm banner", chromedp.WaitVisible(chromedp.CSS(`[data-testid=confirm-banner]`))})
	runSteps(t, ctx, []browserStep{
		{"the new item", chromedp.Navigate(s.URL + "/items/" + strconv.FormatInt(item, 10))},
		{"receive", chromedp.Click(chromedp.CSS(`a[href^="/purchase-receives/new"]`), chromedp.NodeVisible)},
		{"the receive form", chromedp.WaitVisible(chromedp.CSS(`#f-vendor`))},
		{"vendor", chromedp.SendKeys(chromedp.CSS(`#f-vendor`), "Acme")},
		{"quantity", chromedp.SendKeys(chromedp.CSS(`#f-line-0-quantity`), "10")},
		{"rate", chromedp.SendKeys(chromedp.CSS(`#f-line-0-rate`), "5")},
		{"save", chromedp.Click(chromedp.CSS(`form[data-testid=receive-form] button[type=submit]`))},
		{"the receive", chromedp.WaitVisible(chromedp.CSS(`[data-testid=doc-lines]`))},
	})
	want := qty + 10
	b.waitForPush(t, "Amazon", listing, want, func() int {
		q, _ := b.sb.Amazon.Quantity(amazonfake.DefaultMarketplace, "AMZ-NEW-002")
		return q
	})
}
