package channelsync_test

import (
	"context"
	"testing"

	"stocksync/internal/auth"
	shopifyfake "stocksync/internal/channel/shopify/fake"
)

// A person unlinks an item; the next syncs (the channel's listings
// unchanged or changed, items changed too) fetch the listings again as
// unconfirmed and never link them back by SKU or name.
func TestUnlinkedListingsStayUnconfirmedThroughSyncs(t *testing.T) {
	svc, st := newService(t)
	shop := newShop()
	defer shop.Close()
	bySKU := shop.AddListing(shopifyfake.Listing{ProductTitle: "Teapot online", SKU: "TEA-BR", Price: "20.00", Quantity: 3})
	byName := shop.AddListing(shopifyfake.Listing{ProductTitle: "Brown teapot, large", Price: "25.00", Quantity: 1})
	ch := connectShop(t, svc, shop)
	ctx := context.Background()
	sync := func(full bool) {
		t.Helper()
		runID, err := svc.SyncCatalogue(ctx, ch, full, "manual", 0)
		if err != nil {
			t.Fatal(err)
		}
		if run, _ := st.Run(ctx, runID); run.Status != "succeeded" {
			t.Fatalf("sync: %+v", run)
		}
	}
	sync(true)
	var name string
	if err := st.DB.Get(&name, `SELECT name FROM channel_items WHERE external_id = $1`, byName.ID); err != nil {
		t.Fatal(err)
	}
	var teapot, large int64
	st.DB.Get(&teapot, `INSERT INTO items (name, sku) VALUES ('Brown teapot', 'TEA-BR') RETURNING id`)
	st.DB.Get(&large, `INSERT INTO items (name) VALUES ($1) RETURNING id`, name)
	sync(true) // items changed since: both listings are matched again, by SKU and by name
	linkOf := func(ext string) (item int64, source string, blocked bool) {
		t.Helper()
		var r struct {
			Item    *int64  `db:"item_id"`
			Source  *string `db:"link_source"`
			Blocked bool    `db:"auto_link_blocked"`
		}
		if err := st.DB.Get(&r, `SELECT item_id, link_source, auto_link_blocked FROM channel_items WHERE external_id = $1`, ext); err != nil {
			t.Fatal(err)
		}
		if r.Item == nil {
			return 0, "", r.Blocked
		}
		return *r.Item, *r.Source, r.Blocked
	}
	if it, src, _ := linkOf(bySKU.ID); it != teapot || src != "sku" {
		t.Fatalf("before unlinking, by SKU: %d %s", it, src)
	}
	if it, src, _ := linkOf(byName.ID); it != large || src != "name" {
		t.Fatalf("before unlinking, by name: %d %s", it, src)
	}

	u, err := st.CreateUser(ctx, "ada@example.com", auth.RoleStaff, "x")
	if err != nil {
		t.Fatal(err)
	}
	for _, item := range []int64{teapot, large} {
		if n, err := st.UnlinkItem(ctx, item, []int64{ch}, u.ID); err != nil || n != 1 {
			t.Fatalf("unlink item %d: %d, %v", item, n, err)
		}
	}
	st.DB.MustExec(`UPDATE items SET updated_at = now()`) // so the sync looks for matches again
	sync(true)
	shop.SetQuantity(bySKU.ID, 9) // a changed listing is matched again too
	pageThrough(t, st, ch)
	sync(false)
	for _, ext := range []string{bySKU.ID, byName.ID} {
		if it, _, blocked := linkOf(ext); it != 0 || !blocked {
			t.Fatalf("listing %s after unlink and syncs: linked to %d, blocked %v", ext, it, blocked)
		}
	}
	var unconfirmed int
	st.DB.Get(&unconfirmed, `SELECT unconfirmed FROM channels WHERE id = $1`, ch)
	if unconfirmed != 2 {
		t.Fatalf("channel counts %d unconfirmed, want 2", unconfirmed)
	}
}
