package web_test

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"stocksync/internal/auth"
	shopifyfake "stocksync/internal/channel/shopify/fake"
	"stocksync/internal/testkit/browser"
	"stocksync/internal/testkit/webtest"
)

func TestBrowserKindPickerSwapsTheForm(t *testing.T) {
	s := webtest.NewServer(t)
	s.CreateUser(t, "ada@example.com", auth.RoleAdmin, pw)
	ctx := browser.New(t)
	if err := browser.Login(ctx, s.URL, "ada@example.com", pw); err != nil {
		t.Fatal(err)
	}
	err := chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=greeting]`)),
		chromedp.Navigate(s.URL+"/channels/new?kind=shopify"),
		chromedp.WaitVisible(chromedp.CSS(`input[name=cred_shop_url]`)),
		chromedp.SetValue(chromedp.CSS(`#f-kind`), "woocommerce"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('#f-kind').dispatchEvent(new Event('change', {bubbles: true}))`),
	)
	if err != nil {
		t.Fatal(err)
	}
	wait, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := chromedp.Do(wait, chromedp.WaitVisible(chromedp.CSS(`input[name=cred_consumer_key]`))); err != nil {
		t.Fatalf("choosing WooCommerce did not bring its fields: %v", err)
	}
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	if loc != s.URL+"/channels/new?kind=woocommerce" {
		t.Fatalf("URL %q was not pushed", loc)
	}
	n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('main').length`))
	if n != 1 {
		t.Fatalf("%d main elements after the swap", n)
	}
}

// TestBrowserTestConnectionKeepsTypedSecrets: the server never sends a
// secret back, so after Test connection htmx keeps what was typed in the
// field (hx-preserve), and Connect needs no retyping.
func TestBrowserTestConnectionKeepsTypedSecrets(t *testing.T) {
	s := webtest.NewServer(t)
	shop := shopifyfake.New(shopifyfake.Options{})
	defer shop.Close()
	s.CreateUser(t, "ada@example.com", auth.RoleAdmin, pw)
	ctx := browser.New(t)
	if err := browser.Login(ctx, s.URL, "ada@example.com", pw); err != nil {
		t.Fatal(err)
	}
	wait, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	err := chromedp.Do(wait,
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=greeting]`)),
		chromedp.Navigate(s.URL+"/channels/new?kind=shopify"),
		chromedp.WaitVisible(chromedp.CSS(`form[data-htmx-powered][data-testid=connect-form]`)),
		chromedp.SetValue(chromedp.CSS(`#f-name`), "Main shop"),
		chromedp.SetValue(chromedp.CSS(`#f-cred_shop_url`), shop.URL()),
		chromedp.SetValue(chromedp.CSS(`#f-cred_access_token`), shopifyfake.DefaultAccessToken),
		chromedp.Click(chromedp.CSS(`[data-testid=test-connection]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=test-ok]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	kept, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#f-cred_access_token').value`))
	if kept != shopifyfake.DefaultAccessToken {
		t.Fatalf("the typed token was not kept: %q", kept)
	}
	note, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`[...document.querySelectorAll('[data-testid=retype-secret]')].some(e => e.offsetParent !== null)`))
	if note {
		t.Error("asks to enter a secret again that is still in its field")
	}
	if err := chromedp.Do(wait, chromedp.Click(chromedp.CSS(`[data-testid=connect]`)), chromedp.WaitVisible(chromedp.CSS(`[data-testid=sync-now]`))); err != nil {
		t.Fatalf("Connect after a test: %v", err)
	}
}
