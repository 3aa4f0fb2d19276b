package web_test

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"stocksync/internal/auth"
	amazonfake "stocksync/internal/channel/amazon/fake"
	"stocksync/internal/sandbox"
	"stocksync/internal/testkit/browser"
	"stocksync/internal/testkit/webtest"
)

// TestBrowserSandboxAmazon: connect Sandbox Amazon from its preset, sync
// it (the listings report), confirm one of the listings it brought
// unconfirmed, receive stock of the new item, and see Amazon show it.
func TestBrowserSandboxAmazon(t *testing.T) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	sb, err := sandbox.Start(quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	s := webtest.NewServer(t, webtest.Options{WorkJobs: true, Presets: sb.Presets})
	s.CreateUser(t, "ada@example.com", auth.RoleAdmin, pw)
	if err := sandbox.SeedDemoItems(t.Context(), s.Store, quiet); err != nil {
		t.Fatal(err)
	}
	ctx := browser.New(t)
	if err := browser.Login(ctx, s.URL, "ada@example.com", pw); err != nil {
		t.Fatal(err)
	}
	atRest := chromedp.Poll[chromedp.Void](`window.scrollY === 0 &&
		!document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')`)
	runSteps(t, ctx, []browserStep{
		{"dashboard", chromedp.WaitVisible(chromedp.CSS(`[data-testid=greeting]`))},
		{"open Connect", chromedp.Navigate(s.URL + "/channels/new")},
		{"choose Sandbox Amazon", chromedp.Click(chromedp.CSS(`[data-testid=sandbox-presets] a[href*="sandbox-amazon"]`))},
		{"the filled-in form", chromedp.WaitVisible(chromedp.CSS(`form[data-htmx-powered][data-testid=connect-form] input[name=cred_seller_id]`))},
		{"the form at rest", atRest},
		{"press Connect", chromedp.Click(chromedp.CSS(`[data-testid=connect]`))},
		{"the channel page", chromedp.WaitVisible(chromedp.CSS(`form[data-htmx-powered] [data-testid=sync-now]`))},
		{"the page at rest", atRest},
		{"press Sync now", chromedp.Click(chromedp.CSS(`form[data-htmx-powered] [data-testid=sync-now]`))},
		{"the run succeeds", chromedp.WaitVisible(chromedp.CSS(`#run-progress[data-status=succeeded]`))},
	})
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
	runSteps(t, ctx, []browserStep{
		{"open the unconfirmed listing", chromedp.Navigate(s.URL + path(listing, ""))},
		{"the confirm banner", chromedp.WaitVisible(chromedp.CSS(`[data-testid=confirm-banner]`))},
		{"confirm it", chromedp.Click(chromedp.CSS(`form[data-htmx-powered] [data-testid=confirm]`), chromedp.NodeVisible)},
		{"linked", chromedp.WaitVisible(chromedp.CSS(`#settle [data-testid=linked]`))},
	})
	var item int64
	if err := s.Store.DB.Get(&item, `SELECT item_id FROM channel_items WHERE id = $1`, listing); err != nil {
		t.Fatal(err)
	}
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
	deadline := time.Now().Add(30 * time.Second)
	for {
		got, _ := sb.Amazon.Quantity(amazonfake.DefaultMarketplace, "AMZ-NEW-002")
		if got == want {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Amazon shows %d, want %d after the receive was pushed", got, want)
		}
		select {
		case <-time.After(100 * time.Millisecond):
		case <-context.Background().Done():
		}
	}
}
