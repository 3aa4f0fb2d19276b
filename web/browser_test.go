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

func TestBrowserSignOutEverywhere(t *testing.T) {
	s := webtest.NewServer(t)
	s.CreateUser(t, "ada@example.com", auth.RoleAdmin, pw)
	elsewhere := s.Client(t)
	elsewhere.Login("ada@example.com", pw)
	ctx := browser.New(t)
	if err := browser.Login(ctx, s.URL, "ada@example.com", pw); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=greeting]`)),
		chromedp.Navigate(s.URL+"/settings/password"),
		chromedp.Click(chromedp.CSS(`[data-testid=sign-out-everywhere] button`)),
		chromedp.WaitVisible(chromedp.CSS(`#f-email`)),
	); err != nil {
		t.Fatalf("sign out everywhere: %v", err)
	}
	body, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`body`)))
	if err != nil || !strings.Contains(body, "You have been signed out everywhere") {
		t.Fatalf("sign-in page after signing out everywhere: %q %v", body, err)
	}
	if r := elsewhere.Get("/"); r.Status != 303 {
		t.Fatalf("the other browser is still signed in: %d", r.Status)
	}
}
