package web_test

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserSandboxEbay: connect Sandbox eBay from its preset, sync, read
// the run's counts, confirm a listing nobody had, receive stock of it, and
// see the push bring eBay's quantity there.
func TestBrowserSandboxEbay(t *testing.T) {
	b := newSandboxBrowser(t)
	s := b.s
	b.connectAndSync(t, "sandbox-ebay", "cred_client_id", nil,
		browserStep{"the run succeeds", chromedp.WaitVisible(chromedp.CSS(`#run-progress[data-status=succeeded]`))},
		browserStep{"Sync now is enabled again", chromedp.WaitVisible(chromedp.CSS(`form[data-htmx-powered] [data-testid=sync-now]:not([disabled])`))},
	)
	// The page follows the latest run, which may be the push the links
	// started; the sync's own counts are in its run.
	var run struct {
		Records int `db:"records"`
		Failed  int `db:"failed"`
		Synced  int `db:"synced"`
	}
	if err := s.Store.DB.Get(&run, `SELECT records, failed, synced FROM sync_runs WHERE kind = 'full_catalogue'`); err != nil ||
		run.Records != 103 || run.Failed != 3 || run.Synced != 60 {
		t.Fatalf("sync run %+v (%v)", run, err)
	}
	var listing int64
	if err := s.Store.DB.Get(&listing, `SELECT id FROM channel_items WHERE external_id = 'EBAY_US:EB-NEW-001'`); err != nil {
		t.Fatal(err)
	}
	item := b.confirmListing(t, listing)
	// The seeded order of this listing, unfrozen by the confirmation,
	// commits a unit: eBay is sent what is available.
	if want := b.receive(t, item, 7); want != 6 {
		t.Fatalf("%d available, want 6 (7 received, 1 on an order)", want)
	}
	b.waitForPush(t, "eBay", listing, 6, func() int { q, _ := b.sb.Ebay.Quantity("EB-NEW-001", "EBAY_US"); return q })
}
