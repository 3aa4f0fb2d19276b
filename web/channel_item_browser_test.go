package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"stocksync/internal/auth"
	"stocksync/internal/channel"
	"stocksync/internal/testkit/browser"
	"stocksync/internal/testkit/webtest"
)

// With htmx, Confirm and Link swap the banner in place: a marker set on
// window before the click is still there after it (no page load). The
// picker searches as you type and picks with the arrow keys and Enter.
func TestBrowserConfirmAndLinkInPlace(t *testing.T) {
	s := webtest.NewServer(t)
	s.CreateUser(t, "ada@example.com", auth.RoleStaff, pw)
	s.Store.DB.MustExec(`INSERT INTO items (name, sku) VALUES ('Brown teapot', 'TEA-BR'), ('Blue teacup', 'CUP-BL')`)
	var teapot int64
	s.Store.DB.Get(&teapot, `SELECT id FROM items WHERE sku = 'TEA-BR'`)
	_, ids := listingsOn(t, s, withQty(channel.Listing{ExternalID: "1", SKU: "MUG-7", Name: "Green mug", Price: "12.50"}, 4),
		withQty(channel.Listing{ExternalID: "2", SKU: "X-2", Name: "Teapot online", Price: "20.00"}, 1))
	ctx := browser.New(t)
	if err := browser.Login(ctx, s.URL, "ada@example.com", pw); err != nil {
		t.Fatal(err)
	}
	atRest := chromedp.Poll[chromedp.Void](`!document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')`)
	mark := chromedp.Evaluate[chromedp.Void](`window.notReloaded = "yes"`)
	markKept := chromedp.Poll[chromedp.Void](`window.notReloaded === "yes"`, chromedp.WithPollingTimeout(time.Second))
	steps := []struct {
		name string
		do   chromedp.Action[chromedp.Void]
	}{
		{"dashboard", chromedp.WaitVisible(chromedp.CSS(`[data-testid=greeting]`))},
		{"open the first listing", chromedp.Navigate(s.URL + path(ids["1"], ""))},
		{"the banner, htmx ready", chromedp.WaitVisible(chromedp.CSS(`form[data-htmx-powered][data-testid=confirm-form] [data-testid=confirm]`))},
		{"at rest", atRest},
		{"set the marker", mark},
		{"press Confirm", chromedp.Click(chromedp.CSS(`[data-testid=confirm]`))},
		{"the banner becomes the link", chromedp.WaitVisible(chromedp.CSS(`#settle [data-testid=linked]`))},
		{"no page load happened", markKept},

		{"open the second listing", chromedp.Navigate(s.URL + path(ids["2"], ""))},
		{"the picker, htmx ready", chromedp.WaitVisible(chromedp.CSS(`[data-testid=link-section] summary`))},
		{"at rest again", atRest},
		{"open Link to existing item", chromedp.Click(chromedp.CSS(`[data-testid=link-section] summary`))},
		{"set the marker again", mark},
		{"type part of the name", chromedp.SendKeys(chromedp.CSS(`#picker-q`), "teap")},
		{"the results come as you type", chromedp.Poll[chromedp.Void](`[...document.querySelectorAll('#picker-results label')].map(l => l.textContent).join('|').includes('Brown teapot') &&
			!document.querySelector('#picker-results').textContent.includes('Blue teacup')`)},
		{"arrow down to the first result", chromedp.KeyEvent(kb.ArrowDown)},
		{"it is chosen", chromedp.Poll[chromedp.Void](`document.querySelector('#picker-results input[type=radio]').checked`)},
		{"Enter links", chromedp.KeyEvent(kb.Enter)},
		{"linked, stock to be sent", chromedp.WaitVisible(chromedp.CSS(`#settle [data-testid=push-pending]`))},
		{"still no page load", markKept},
	}
	for _, st := range steps {
		stepCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
		err := chromedp.Do(stepCtx, st.do)
		cancel()
		if err != nil {
			loc, _ := chromedp.Run(ctx, chromedp.Location())
			html, _ := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS(`main`)))
			t.Fatalf("%s (at %s): %v\n%.3000s", st.name, loc, err, html)
		}
	}
	var confirmed, linkedTo int64
	s.Store.DB.Get(&confirmed, `SELECT count(*) FROM items WHERE sku = 'MUG-7' AND opening_qty = 4`)
	s.Store.DB.Get(&linkedTo, `SELECT item_id FROM channel_items WHERE id = $1`, ids["2"])
	if confirmed != 1 || linkedTo != teapot {
		t.Fatalf("confirmed items %d, second listing linked to %d (want %d)", confirmed, linkedTo, teapot)
	}
}

// Without JavaScript every action is a form POST and a redirect back with a
// flash; the picker is a GET search listing radio buttons; Update shows
// its messages beside the fields first.
func TestBrowserSettleWithoutJavaScript(t *testing.T) {
	s := webtest.NewServer(t)
	s.CreateUser(t, "ada@example.com", auth.RoleStaff, pw)
	s.Store.DB.MustExec(`INSERT INTO items (name, sku) VALUES ('Brown teapot', 'TEA-BR')`)
	var teapot int64
	s.Store.DB.Get(&teapot, `SELECT id FROM items WHERE sku = 'TEA-BR'`)
	_, ids := listingsOn(t, s, withQty(channel.Listing{ExternalID: "1", SKU: "MUG-7", Name: "Green mug", Price: "12.50"}, 4),
		withQty(channel.Listing{ExternalID: "2", SKU: "X-2", Name: "Teapot online", Price: "20.00"}, 1),
		withQty(channel.Listing{ExternalID: "3", SKU: "BOWL-1", Name: "Bowl", Price: "8.00"}, 2))
	ctx := browser.New(t, browser.Options{NoJS: true})
	if err := browser.Login(ctx, s.URL, "ada@example.com", pw); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name string
		do   chromedp.Action[chromedp.Void]
	}{
		{"dashboard", chromedp.WaitVisible(chromedp.CSS(`[data-testid=greeting]`))},
		{"the first listing", chromedp.Navigate(s.URL + path(ids["1"], ""))},
		{"press Confirm", chromedp.Click(chromedp.CSS(`[data-testid=confirm]`), chromedp.NodeVisible)},
		{"linked, with a flash", chromedp.WaitVisible(chromedp.CSS(`.alert-success`))},
		{"the link shown", chromedp.WaitVisible(chromedp.CSS(`[data-testid=linked]`))},

		{"the third listing", chromedp.Navigate(s.URL + path(ids["3"], ""))},
		{"open Update", chromedp.Click(chromedp.CSS(`[data-testid=update-section] summary`), chromedp.NodeVisible)},
		{"focus the name", chromedp.Click(chromedp.CSS(`#f-name`), chromedp.NodeVisible)},
		{"clear the name", chromedp.KeyEvent(kb.End + strings.Repeat(kb.Backspace, len("Bowl")))},
		{"save", chromedp.Click(chromedp.CSS(`[data-testid=update-save]`), chromedp.NodeVisible)},
		{"the message beside the name", chromedp.WaitVisible(chromedp.CSS(`#f-name-msg`))},
		{"type a name", chromedp.SendKeys(chromedp.CSS(`#f-name`), "Soup bowl")},
		{"save again", chromedp.Click(chromedp.CSS(`[data-testid=update-save]`), chromedp.NodeVisible)},
		{"linked after Update", chromedp.WaitVisible(chromedp.CSS(`[data-testid=linked]`))},

		{"the second listing", chromedp.Navigate(s.URL + path(ids["2"], ""))},
		{"open Link", chromedp.Click(chromedp.CSS(`[data-testid=link-section] summary`), chromedp.NodeVisible)},
		{"search", chromedp.SendKeys(chromedp.CSS(`#picker-q`), "teapot\n")},
		// The page before the search lists radio buttons too: wait for the
		// search's own page, or the click lands on the one being left.
		{"the search's page", untilNavigated(`location.search.includes("q=teapot") && document.readyState === "complete"`)},
		{"the results as radio buttons", chromedp.WaitVisible(chromedp.CSS(`#picker-results input[type=radio]`))},
		{"choose the item", chromedp.Click(chromedp.CSS(`#picker-results input[type=radio]`), chromedp.NodeVisible)},
		{"the item chosen", untilNavigated(`!!document.querySelector('#picker-results input[type=radio]:checked') || (document.querySelector('#picker-results input[type=radio]').click(), false)`)},
		// Pressed from the page itself, once: a pointer click computed while
		// the page still scrolls to #link can land beside the button.
		{"press Link", untilNavigated(`!location.search.includes("q=teapot") || (window.linkPressed ? false : (window.linkPressed = true, document.querySelector('[data-testid=link]').click(), false))`)},
		{"stock will be sent", chromedp.WaitVisible(chromedp.CSS(`[data-testid=push-pending]`))},
	}
	for _, st := range steps {
		stepCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
		err := chromedp.Do(stepCtx, st.do)
		cancel()
		if err != nil {
			loc, _ := chromedp.Run(ctx, chromedp.Location())
			html, _ := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS(`main`)))
			t.Fatalf("%s (at %s): %v\n%.3000s", st.name, loc, err, html)
		}
	}
	var named int
	var linkedTo int64
	s.Store.DB.Get(&named, `SELECT count(*) FROM items WHERE name = 'Soup bowl' AND sku = 'BOWL-1'`)
	s.Store.DB.Get(&linkedTo, `SELECT item_id FROM channel_items WHERE id = $1`, ids["2"])
	if named != 1 || linkedTo != teapot {
		t.Fatalf("updated items %d, second listing linked to %d", named, linkedTo)
	}
}

// untilNavigated polls a condition across a navigation, which makes a plain
// Poll fail with "target navigated".
func untilNavigated(cond string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		for {
			ok, err := chromedp.Evaluate[bool](cond)(ctx, t)
			if err == nil && ok {
				return chromedp.Void{}, nil
			}
			select {
			case <-ctx.Done():
				return chromedp.Void{}, fmt.Errorf("%s: %w (last error: %v)", cond, ctx.Err(), err)
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
}
