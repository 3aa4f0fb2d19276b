// Package browser drives the real pages in the installed headless Chromium
// and saves a screenshot when a browser test fails.
package browser

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"stocksync/internal/testkit/webtest"
)

const chromiumPath = "/usr/bin/chromium"

type Options struct {
	// NoJS runs the page with JavaScript disabled.
	NoJS bool
}

// New starts a fresh headless Chromium for this test and returns its
// context; the context carries a timeout so a stuck page fails the test.
func New(t *testing.T, opts ...Options) context.Context {
	t.Helper()
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	path := chromiumPath
	if p := os.Getenv("STOCKSYNC_CHROMIUM"); p != "" {
		path = p
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("browser: Chromium not found at %s: install it with `apt-get install -y chromium` (or set STOCKSYNC_CHROMIUM)", path)
	}
	allocOpts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1280, 900),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), allocOpts...)
	tabCtx, cancelCtx := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(tabCtx, 90*time.Second)
	if err := chromedp.Do(ctx); err != nil {
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
		t.Fatalf("browser: start Chromium: %v", err)
	}
	if o.NoJS {
		if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			t.Fatalf("browser: disable JavaScript: %v", err)
		}
	}
	t.Cleanup(func() {
		if t.Failed() {
			// The test's own deadline may be what failed it: shoot from the tab.
			saveScreenshot(t, tabCtx)
		}
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
	})
	return ctx
}

func saveScreenshot(t *testing.T, ctx context.Context) {
	shotCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	buf, err := chromedp.Run(shotCtx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Logf("browser: no screenshot: %v", err)
		return
	}
	dir := filepath.Join(webtest.RepoRoot(), "screenshots")
	_ = os.MkdirAll(dir, 0o755)
	name := strings.NewReplacer("/", "_", " ", "_").Replace(t.Name()) + ".png"
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		t.Logf("browser: write screenshot: %v", err)
		return
	}
	t.Logf("browser: screenshot of the failing page: %s", path)
}

// Login signs in through the real form.
func Login(ctx context.Context, base, email, password string) error {
	return chromedp.Do(ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.CSS(`#f-email`)),
		chromedp.SendKeys(chromedp.CSS(`#f-email`), email),
		chromedp.SendKeys(chromedp.CSS(`#f-password`), password),
		chromedp.Click(chromedp.CSS(`button[type=submit]`)),
	)
}
