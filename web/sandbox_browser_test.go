package web_test

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"stocksync/internal/auth"
	"stocksync/internal/inventory"
	"stocksync/internal/sandbox"
	"stocksync/internal/testkit/browser"
	"stocksync/internal/testkit/webtest"
)

// sandboxBrowser is the start every sandbox channel's browser test shares:
// the sandbox's fakes running, a server offering their presets with the
// demo items seeded, and an admin signed in in a browser on the dashboard.
type sandboxBrowser struct {
	sb    *sandbox.Sandbox
	s     *webtest.Server
	admin auth.User
	ctx   context.Context
}

func newSandboxBrowser(t *testing.T) *sandboxBrowser {
	t.Helper()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	sb, err := sandbox.Start(quiet)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Close)
	s := webtest.NewServer(t, webtest.Options{WorkJobs: true, Presets: sb.Presets})
	admin := s.CreateUser(t, "ada@example.com", auth.RoleAdmin, pw)
	if err := sandbox.SeedDemoItems(t.Context(), s.Store, quiet); err != nil {
		t.Fatal(err)
	}
	ctx := browser.New(t)
	if err := browser.Login(ctx, s.URL, "ada@example.com", pw); err != nil {
		t.Fatal(err)
	}
	return &sandboxBrowser{sb: sb, s: s, admin: admin, ctx: ctx}
}

// atRest waits, after an htmx swap, until htmx has taken over the new
// forms, scrolled back to the top and finished settling: a click lands on
// the node and place measured a moment before, so without this it can hit
// a node the swap replaced, or the page beside the button.
var atRest = chromedp.Poll[chromedp.Void](`window.scrollY === 0 &&
		!document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')`)

// connectAndSync connects the sandbox preset whose link names preset,
// once its form shows the credential field and passes the onForm checks,
// and presses Sync now; then come the steps the test waits for.
func (b *sandboxBrowser) connectAndSync(t *testing.T, preset, field string, onForm []browserStep, then ...browserStep) {
	t.Helper()
	steps := []browserStep{
		{"dashboard", chromedp.WaitVisible(chromedp.CSS(`[data-testid=greeting]`))},
		{"open Connect", chromedp.Navigate(b.s.URL + "/channels/new")},
		{"choose " + preset, chromedp.Click(chromedp.CSS(`[data-testid=sandbox-presets] a[href*="` + preset + `"]`))},
		{"the filled-in form", chromedp.WaitVisible(chromedp.CSS(`form[data-htmx-powered][data-testid=connect-form] input[name=` + field + `]`))},
	}
	steps = append(steps, onForm...)
	steps = append(steps,
		browserStep{"the form at rest", atRest},
		browserStep{"press Connect", chromedp.Click(chromedp.CSS(`[data-testid=connect]`))},
		browserStep{"the channel page", chromedp.WaitVisible(chromedp.CSS(`form[data-htmx-powered] [data-testid=sync-now]`))},
		browserStep{"the page at rest", atRest},
		browserStep{"press Sync now", chromedp.Click(chromedp.CSS(`form[data-htmx-powered] [data-testid=sync-now]`))},
	)
	runStepsNoting(t, b.ctx, append(steps, then...), func() string {
		var syncJobs int
		b.s.Store.DB.Get(&syncJobs, `SELECT count(*) FROM river_job WHERE kind = 'catalogue_sync'`)
		return strconv.Itoa(syncJobs) + " sync jobs enqueued"
	})
}

// confirmListing opens an unconfirmed listing, checks its page, confirms
// it and returns the item it is linked to now.
func (b *sandboxBrowser) confirmListing(t *testing.T, listing int64, checks ...browserStep) int64 {
	t.Helper()
	steps := append([]browserStep{{"open the unconfirmed listing", chromedp.Navigate(b.s.URL + path(listing, ""))}}, checks...)
	runSteps(t, b.ctx, append(steps,
		browserStep{"confirm it", chromedp.Click(chromedp.CSS(`form[data-htmx-powered] [data-testid=confirm]`), chromedp.NodeVisible)},
		browserStep{"linked", chromedp.WaitVisible(chromedp.CSS(`#settle [data-testid=linked]`))},
	))
	var item int64
	if err := b.s.Store.DB.Get(&item, `SELECT item_id FROM channel_items WHERE id = $1`, listing); err != nil {
		t.Fatal(err)
	}
	return item
}

// receive books a purchase receive of qty units of the item into the
// first warehouse and returns how many of it are available then.
func (b *sandboxBrowser) receive(t *testing.T, item, qty int64) int {
	t.Helper()
	var wh int64
	b.s.Store.DB.Get(&wh, `SELECT min(id) FROM warehouses`)
	if _, err := b.s.Store.CreatePurchaseReceive(t.Context(), inventory.Receive{Vendor: "Acme", Date: time.Now(),
		Lines: []inventory.Line{{ItemID: item, WarehouseID: wh, Quantity: qty, Rate: inventory.Money(100)}}}, b.admin.ID); err != nil {
		t.Fatal(err)
	}
	var available int
	b.s.Store.DB.Get(&available, `SELECT available FROM item_stock WHERE item_id = $1`, item)
	return available
}

// waitForPush waits until the channel, named by what, shows want of the
// listing, as the push the stock change started brings it there.
func (b *sandboxBrowser) waitForPush(t *testing.T, what string, listing int64, want int, shows func() int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		got := shows()
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			var perr *string
			b.s.Store.DB.Get(&perr, `SELECT push_error FROM channel_items WHERE id = $1`, listing)
			t.Fatalf("%s shows %d, want %d after the receive (push error %v)", what, got, want, perr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
