package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserSandboxSync: connect Sandbox Shopify, press Sync now, watch the
// progress bar reach the end, read the counts on the run page, and open the
// printable report and the CSV.
func TestBrowserSandboxSync(t *testing.T) {
	b := newSandboxBrowser(t)
	sb, s, ctx := b.sb, b.s, b.ctx
	b.connectAndSync(t, "sandbox-shopify", "cred_shop_url", nil,
		browserStep{"the sync is queued", chromedp.WaitVisible(chromedp.CSS(`[data-testid=sync-queued], #run-progress`))},
		// htmx polls the progress fragment until the run ends.
		browserStep{"the run succeeds", chromedp.WaitVisible(chromedp.CSS(`#run-progress[data-status=succeeded]`))},
		// The answer to the last poll enables the buttons again and drops
		// what pressing Sync now said.
		browserStep{"Sync now is enabled again", chromedp.WaitVisible(chromedp.CSS(`form[data-htmx-powered] [data-testid=sync-now]:not([disabled])`))},
		browserStep{"the notice is gone", chromedp.Poll[chromedp.Void](`!document.querySelector('[data-testid=sync-notice], [data-testid=sync-busy]')`)},
	)
	status, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`[data-testid=run-status]`)))
	if err != nil || status != "succeeded with 5 failures" {
		t.Fatalf("run status %q (%v)", status, err)
	}
	bar, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`[data-testid=progress-bar]`)))
	if err != nil || bar != "100%" {
		t.Fatalf("progress bar %q (%v), want 100%%", bar, err)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#run-progress a`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=failures-table]`)),
	)
	if err != nil {
		t.Fatalf("run page: %v", err)
	}
	counts, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`[data-testid=run-counts]`)))
	// 50 listings share a SKU and 15 a name with the demo items; 5 are
	// broken (the second of two listings sharing a SKU fails, the first
	// is imported).
	for _, want := range []string{"Records synced (linked)\n65", "Failures\n5", "New\n142"} {
		if !strings.Contains(counts, want) {
			t.Errorf("run counts %q lack %q", counts, want)
		}
	}
	failures, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`[data-testid=failures-table]`)))
	for _, want := range []string{"no SKU and no name", `price "abc" is not a number`, "SKU SHOP-DUP appears twice in this channel"} {
		if !strings.Contains(failures, want) {
			t.Errorf("failures table lacks %q", want)
		}
	}
	runURL, _ := chromedp.Run(ctx, chromedp.Location())
	csvText, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		`fetch(document.querySelector('[data-testid=csv-link]').href).then(r => r.text())`, chromedp.EvalAwaitPromise))
	if err != nil || strings.Count(csvText, "\n") != 6 || !strings.Contains(csvText, "SHOP-DUP") {
		t.Fatalf("CSV (%v): %q", err, csvText)
	}
	err = chromedp.Do(ctx, chromedp.Navigate(runURL+"/report"), chromedp.WaitVisible(chromedp.CSS(`[data-testid=report-counts]`)))
	if err != nil {
		t.Fatalf("report: %v", err)
	}
	header, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`[data-testid=report-counts]`)))
	if !strings.Contains(header, "failures 5") || !strings.Contains(header, "synced 65") {
		t.Fatalf("report header %q", header)
	}
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('nav').length`)); n != 0 {
		t.Error("the printable report has navigation")
	}
	// The first sync loaded the listings in bulk; they are the channel's now.
	err = chromedp.Do(ctx, chromedp.Navigate(s.URL+"/channel-items?q=Enamel+Pin"),
		chromedp.WaitVisible(chromedp.CSS(`main`)))
	listings, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`main`)))
	if err != nil || !strings.Contains(listings, "SHOP-DUP") || strings.Contains(listings, "Enamel Pin (copy)") {
		t.Fatalf("channel items after the first sync (%v): %.1500s", err, listings)
	}
	// The run page counts what it brought in unconfirmed and lists those;
	// each listing links to its page on the sandbox shop and shows the
	// record the shop sent.
	err = chromedp.Do(ctx, chromedp.Navigate(runURL), chromedp.Click(chromedp.CSS(`[data-testid=run-unconfirmed] a`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=run-filter]`)))
	if err != nil {
		t.Fatalf("the run's unconfirmed listings: %v", err)
	}
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('[data-testid=channel-items-table] tbody tr').length`)); n != 50 {
		t.Errorf("the run's unconfirmed listings, first page: %d rows, want 50 (77 in all)", n)
	}
	err = chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`[data-testid=channel-items-table] tbody tr a[href^="/channel-items/"]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=listing-url]`)))
	if err != nil {
		t.Fatalf("a listing of the run: %v", err)
	}
	shop := sb.Presets[0].Credentials["shop_url"]
	href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('[data-testid=listing-url]').href`))
	raw, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('[data-testid=listing-raw]').textContent`))
	name, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('[data-testid=listing-name]').textContent`))
	if err != nil || !strings.HasPrefix(href, shop+"/products/") || !strings.Contains(raw, `"onlineStoreUrl": "`+shop) {
		t.Fatalf("the listing's link %q and record (%v): %.1500s", href, err, raw)
	}
	err = chromedp.Do(ctx, chromedp.Navigate(href))
	shown, err2 := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`h1`)))
	if err != nil || err2 != nil || shown == "" || !strings.HasPrefix(name, strings.TrimSpace(shown)) {
		t.Fatalf("the shop's page of %q says %q (%v)", name, shown, err)
	}
}
