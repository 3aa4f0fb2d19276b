package web_test

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"stocksync/internal/auth"
	"stocksync/internal/channel"
	"stocksync/internal/testkit/browser"
	"stocksync/internal/testkit/webtest"
)

type browserStep struct {
	name string
	do   chromedp.Action[chromedp.Void]
}

func runSteps(t *testing.T, ctx context.Context, steps []browserStep) {
	t.Helper()
	runStepsNoting(t, ctx, steps, nil)
}

// runStepsNoting is runSteps with what note says added to a failure.
func runStepsNoting(t *testing.T, ctx context.Context, steps []browserStep, note func() string) {
	t.Helper()
	for _, st := range steps {
		stepCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
		err := chromedp.Do(stepCtx, st.do)
		cancel()
		if err != nil {
			loc, _ := chromedp.Run(ctx, chromedp.Location())
			html, _ := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS(`main`)))
			if note != nil {
				t.Fatalf("%s (at %s): %v\n%s\n%.3000s", st.name, loc, err, note(), html)
			}
			t.Fatalf("%s (at %s): %v\n%.3000s", st.name, loc, err, html)
		}
	}
}

// Unlinking from the item page: choose the channel, read what unlinking
// does, proceed; the listing on that channel is unconfirmed again (its page
// shows the confirmation banner), the other channel's stays linked.
func TestBrowserUnlinkFromTheItemPage(t *testing.T) {
	unlinkFromTheItemPage(t, browser.Options{})
}

func TestBrowserUnlinkFromTheItemPageWithoutJavaScript(t *testing.T) {
	unlinkFromTheItemPage(t, browser.Options{NoJS: true})
}

func unlinkFromTheItemPage(t *testing.T, opts browser.Options) {
	s := webtest.NewServer(t)
	s.CreateUser(t, "ada@example.com", auth.RoleStaff, pw)
	var teapot int64
	if err := s.Store.DB.Get(&teapot, `INSERT INTO items (name, sku) VALUES ('Brown teapot', 'TEA-BR') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	chA, a := listingsOn(t, s, channel.Listing{ExternalID: "A1", SKU: "TEA-BR", Name: "Teapot on A", Price: "20.00"})
	_, b := listingsOn(t, s, channel.Listing{ExternalID: "B1", SKU: "TEA-BR", Name: "Teapot on B", Price: "21.00"})
	ctx := browser.New(t, opts)
	if err := browser.Login(ctx, s.URL, "ada@example.com", pw); err != nil {
		t.Fatal(err)
	}
	chooseA := `#ch-` + itoa(chA)
	runSteps(t, ctx, []browserStep{
		{"dashboard", chromedp.WaitVisible(chromedp.CSS(`[data-testid=greeting]`))},
		{"the item page", chromedp.Navigate(s.URL + "/items/" + itoa(teapot))},
		{"press Unlink this item", chromedp.Click(chromedp.CSS(`[data-testid=unlink-start]`), chromedp.NodeVisible)},
		{"what unlinking does, before proceeding", chromedp.WaitVisible(chromedp.CSS(`[data-testid=unlink-explained]`))},
		{"choose channel A", chromedp.Click(chromedp.CSS(chooseA), chromedp.NodeVisible)},
		{"it is chosen", chromedp.Poll[chromedp.Void](`document.querySelector('` + chooseA + `').checked`)},
		{"proceed", chromedp.Click(chromedp.CSS(`[data-testid=unlink-proceed]`), chromedp.NodeVisible)},
		{"back on the item page with the outcome", chromedp.WaitVisible(chromedp.CSS(`.alert-success`))},
		{"listing A's page", chromedp.Navigate(s.URL + path(a["A1"], ""))},
		{"it is unconfirmed: the banner", chromedp.WaitVisible(chromedp.CSS(`[data-testid=confirm-banner]`))},
		{"the unlink is in its activity", chromedp.Poll[chromedp.Void](`document.querySelector('[data-testid=listing-activity]').textContent.includes('unlinked it from')`)},
		{"listing B's page", chromedp.Navigate(s.URL + path(b["B1"], ""))},
		{"still linked", chromedp.WaitVisible(chromedp.CSS(`[data-testid=linked]`))},
	})
	var itemA, itemB *int64
	var blocked bool
	s.Store.DB.QueryRow(`SELECT item_id, auto_link_blocked FROM channel_items WHERE id = $1`, a["A1"]).Scan(&itemA, &blocked)
	s.Store.DB.Get(&itemB, `SELECT item_id FROM channel_items WHERE id = $1`, b["B1"])
	if itemA != nil || !blocked || itemB == nil || *itemB != teapot {
		t.Fatalf("after unlinking A: A linked to %v (blocked %v), B to %v", itemA, blocked, itemB)
	}
}

// The dashboard's Unconfirmed Items count goes down as listings are
// settled: open the list from the count, confirm one, back to the
// dashboard; link another, back again.
func TestBrowserDashboardCountGoesDownAsListingsAreSettled(t *testing.T) {
	s := webtest.NewServer(t)
	s.CreateUser(t, "ada@example.com", auth.RoleStaff, pw)
	s.Store.DB.MustExec(`INSERT INTO items (name, sku) VALUES ('Brown teapot', 'TEA-BR')`)
	_, ids := listingsOn(t, s, withQty(channel.Listing{ExternalID: "1", SKU: "MUG-7", Name: "Green mug", Price: "12.50"}, 4),
		channel.Listing{ExternalID: "2", SKU: "X-2", Name: "Teapot online", Price: "20.00"},
		channel.Listing{ExternalID: "3", SKU: "BWL-1", Name: "Bowl", Price: "8.00"})
	ctx := browser.New(t)
	if err := browser.Login(ctx, s.URL, "ada@example.com", pw); err != nil {
		t.Fatal(err)
	}
	count := func(n string) chromedp.Action[chromedp.Void] {
		return chromedp.Poll[chromedp.Void](`document.querySelector('[data-testid=unconfirmed-count]')?.textContent.trim() === 'Unconfirmed Items: ` + n + `'`)
	}
	toDashboard := chromedp.Click(chromedp.CSS(`nav a.navbar-brand`), chromedp.NodeVisible)
	runSteps(t, ctx, []browserStep{
		{"dashboard", chromedp.WaitVisible(chromedp.CSS(`[data-testid=greeting]`))},
		{"it counts 3", count("3")},
		{"open the list from the count", chromedp.Click(chromedp.CSS(`[data-testid=unconfirmed-count]`), chromedp.NodeVisible)},
		{"open the first listing", chromedp.Click(chromedp.CSS(`a[href="`+path(ids["1"], "")+`"]`), chromedp.NodeVisible)},
		{"confirm it", chromedp.Click(chromedp.CSS(`form[data-htmx-powered] [data-testid=confirm]`), chromedp.NodeVisible)},
		{"linked", chromedp.WaitVisible(chromedp.CSS(`#settle [data-testid=linked]`))},
		{"back to the dashboard", toDashboard},
		{"it counts 2", count("2")},
		{"the second listing", chromedp.Navigate(s.URL + path(ids["2"], "") + "?q=teapot")},
		{"choose the teapot", chromedp.Click(chromedp.CSS(`#picker-results input[type=radio]`), chromedp.NodeVisible)},
		{"link", chromedp.Click(chromedp.CSS(`[data-testid=link]`), chromedp.NodeVisible)},
		{"linked", chromedp.WaitVisible(chromedp.CSS(`#settle [data-testid=linked]`))},
		{"back to the dashboard again", toDashboard},
		{"it counts 1", count("1")},
	})
}
