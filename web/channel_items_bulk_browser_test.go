package web_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"stocksync/internal/auth"
	"stocksync/internal/channel"
	"stocksync/internal/testkit/browser"
	"stocksync/internal/testkit/webtest"
)

// Two listings ticked (one by the keyboard), Confirm selected, and the
// run's page polls its progress until the summary shows.
func TestBrowserBulkConfirmSelectedReachesTheSummary(t *testing.T) {
	s := webtest.NewServer(t, webtest.Options{WorkJobs: true})
	s.CreateUser(t, "ada@example.com", auth.RoleStaff, pw)
	_, ids := listingsOn(t, s, withQty(channel.Listing{ExternalID: "1", SKU: "MUG-7", Name: "Green mug", Price: "12.50"}, 4),
		channel.Listing{ExternalID: "2", SKU: "X-2", Name: "Teapot online", Price: "20.00"},
		channel.Listing{ExternalID: "3", SKU: "X-3", Name: "Jug online", Price: "8.00"})
	ctx := browser.New(t)
	if err := browser.Login(ctx, s.URL, "ada@example.com", pw); err != nil {
		t.Fatal(err)
	}
	box := func(ext string) string { return fmt.Sprintf("#sel-%d", ids[ext]) }
	steps := []struct {
		name string
		do   chromedp.Action[chromedp.Void]
	}{
		{"dashboard", chromedp.WaitVisible(chromedp.CSS(`[data-testid=greeting]`))},
		{"open the unconfirmed listings", chromedp.Navigate(s.URL + "/channel-items?status=unconfirmed&sort=name")},
		{"the bulk bar", chromedp.WaitVisible(chromedp.CSS(`[data-testid=bulk-confirm]`))},
		{"the count of all matching arrives", chromedp.Poll[chromedp.Void](`document.querySelector('[data-testid=bulk-all-count]').textContent === '3'`)},
		{"the page checkbox shows with JavaScript", chromedp.WaitVisible(chromedp.CSS(`input[data-select-page]`))},
		{"tick the first", chromedp.Click(chromedp.CSS(box("1")))},
		{"focus the second", chromedp.Focus(chromedp.CSS(box("2")))},
		{"Space ticks it", chromedp.KeyEvent(" ")},
		{"both ticked, the third not", chromedp.Poll[chromedp.Void](fmt.Sprintf(`document.querySelector('%s').checked && document.querySelector('%s').checked && !document.querySelector('%s').checked`, box("1"), box("2"), box("3")))},
		{"the page checkbox is partly ticked", chromedp.Poll[chromedp.Void](`document.querySelector('input[data-select-page]').indeterminate`)},
		{"Confirm selected", chromedp.Click(chromedp.CSS(`[data-testid=bulk-confirm]`))},
		{"the run's page", chromedp.WaitVisible(chromedp.CSS(`#bulk-progress`))},
		{"the summary", chromedp.WaitVisible(chromedp.CSS(`[data-testid=bulk-summary]`))},
		{"its counts", chromedp.Poll[chromedp.Void](`document.querySelector('[data-testid=bulk-summary]').textContent.includes('2 listings confirmed, 0 skipped.')`)},
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
	var confirmed int
	s.Store.DB.Get(&confirmed, `SELECT count(*) FROM channel_items WHERE link_source = 'confirm'`)
	var third *int64
	s.Store.DB.Get(&third, `SELECT item_id FROM channel_items WHERE id = $1`, ids["3"])
	if confirmed != 2 || third != nil {
		t.Fatalf("%d confirmed; the unticked one linked to %v", confirmed, third)
	}
}
