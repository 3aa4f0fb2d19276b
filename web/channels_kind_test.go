package web_test

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"stocksync/internal/auth"
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
