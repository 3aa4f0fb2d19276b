package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"stocksync/internal/auth"
	"stocksync/internal/testkit/browser"
	"stocksync/internal/testkit/webtest"
)

func signInThroughTheForm(t *testing.T, opts browser.Options) {
	s := webtest.NewServer(t)
	s.CreateUser(t, "ada@example.com", auth.RoleAdmin, pw)
	ctx := browser.New(t, opts)
	if err := browser.Login(ctx, s.URL, "ada@example.com", pw); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`[data-testid=greeting]`))); err != nil {
		t.Fatalf("dashboard did not appear: %v", err)
	}
	greeting, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`[data-testid=greeting]`)))
	if err != nil || !strings.HasSuffix(greeting, ", ada") {
		t.Fatalf("greeting %q, %v", greeting, err)
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil || loc != s.URL+"/" {
		t.Fatalf("landed on %q (%v), want %s/", loc, err, s.URL)
	}
	if !opts.NoJS {
		loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof htmx === "object"`))
		if err != nil || !loaded {
			t.Fatalf("htmx is not loaded on the page (%v): run make assets", err)
		}
	}
	// Signing out goes back to the sign-in page.
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`nav form[action="/logout"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`#f-email`)),
	); err != nil {
		t.Fatalf("sign out: %v", err)
	}
}

func TestBrowserSignInLandsOnDashboard(t *testing.T) {
	signInThroughTheForm(t, browser.Options{})
}

func TestBrowserSignInWithoutJavaScript(t *testing.T) {
	signInThroughTheForm(t, browser.Options{NoJS: true})
}
