package channelsync_test

import (
	"fmt"
	"testing"

	"stocksync/internal/channel"
)

// A re-sync that finds some stock and prices changed rewrites those
// listings within their own pages: the update leaves every index alone
// (PostgreSQL's heap-only update), which needs room kept free in each page
// of a bulk-loaded partition and an update that sets no indexed column.
func TestAResyncRewritesChangedListingsInTheirOwnPages(t *testing.T) {
	svc, st := newService(t)
	shop := newShop()
	defer shop.Close()
	ch := connectShop(t, svc, shop)
	seedItems(t, st, "S-0", "S-2", "S-4")
	ls := make([]channel.Listing, 1000)
	for i := range ls {
		ls[i] = shopListing(fmt.Sprintf("gid://shopify/ProductVariant/%d", 1000+i), fmt.Sprintf("S-%d", i), fmt.Sprintf("Listing %d", i))
	}
	if first := importRun(t, svc, st, ch, ls...); first.New != len(ls) {
		t.Fatalf("first import: %+v", first)
	}
	pages := func() map[string]string {
		var rows []struct {
			ID   string `db:"external_id"`
			Page string `db:"page"`
		}
		if err := st.DB.Select(&rows, `SELECT external_id, (ctid::text::point)[0]::text AS page FROM channel_items WHERE channel_id = $1`, ch); err != nil {
			t.Fatal(err)
		}
		m := make(map[string]string, len(rows))
		for _, r := range rows {
			m[r.ID] = r.Page
		}
		return m
	}
	before := pages()
	q := 9
	for i := 0; i < len(ls); i += 10 {
		ls[i].Price, ls[i].Quantity = "12.00", &q
	}
	changed := importRun(t, svc, st, ch, ls...)
	if changed.Updated != len(ls)/10 || changed.Unchanged != len(ls)-len(ls)/10 || changed.Failed != 0 || changed.Synced != 3 {
		t.Fatalf("10%% changed: %+v", changed)
	}
	after := pages()
	for i := 0; i < len(ls); i += 10 {
		if id := ls[i].ExternalID; after[id] != before[id] {
			t.Fatalf("listing %s moved from page %s to %s: its indexes were rewritten", id, before[id], after[id])
		}
	}
	var linked int
	st.DB.Get(&linked, `SELECT count(*) FROM channel_items WHERE channel_id = $1 AND item_id IS NOT NULL AND price = 12`, ch)
	if linked != 1 {
		t.Fatalf("%d changed listings linked, want 1 (S-0)", linked)
	}
	if again := importRun(t, svc, st, ch, ls...); again.Unchanged != len(ls) || again.Updated+again.New+again.Failed != 0 {
		t.Fatalf("the same sync again: %+v", again)
	}
}
