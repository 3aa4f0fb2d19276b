package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"stocksync/internal/auth"
	"stocksync/internal/channel"
	"stocksync/internal/store"
)

// runBulk records the request and works it as the job does.
func runBulk(t *testing.T, st *store.Store, r store.BulkRequest) int64 {
	t.Helper()
	ctx := t.Context()
	id, err := st.StartBulkRun(ctx, r, func(context.Context, *sql.Tx, int64) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	if running, err := st.BeginBulkRun(ctx, id); err != nil || !running {
		t.Fatalf("begin: %v %v", running, err)
	}
	for {
		more, err := st.BulkStep(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if !more {
			break
		}
	}
	if err := st.FinishBulkRun(ctx, id, ""); err != nil {
		t.Fatal(err)
	}
	return id
}

func skipsByListing(t *testing.T, st *store.Store, runID int64) map[int64]store.BulkSkip {
	t.Helper()
	skips, err := st.BulkSkips(t.Context(), runID, 1000)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]store.BulkSkip{}
	for _, k := range skips {
		out[k.ListingID] = k
	}
	return out
}

func TestBulkConfirmOf5000ConfirmsTheRestAndListsTheBadOnesWithCauses(t *testing.T) {
	var ls []channel.Listing
	for i := 1; i <= 5000; i++ {
		name := fmt.Sprintf("Thing %d", i)
		if i == 10 {
			name = "" // no name: cannot be confirmed as it is
		}
		ls = append(ls, qtyListing(fmt.Sprint(i), fmt.Sprintf("SKU-%d", i), name, "2.50", i%4))
	}
	f := newSettleFixture(t, ls...)
	ctx := t.Context()
	// Another channel lists SKU-40 too: the selection holds it twice.
	other := f.channel("Second shop")
	f.run(other, qtyListing("x", "SKU-40", "Thing forty elsewhere", "3.00", 1))
	var twin int64
	f.st.DB.Get(&twin, `SELECT id FROM channel_items WHERE channel_id = $1`, other)
	// SKU-30 became an item's after the import.
	holder := f.item("Old thirty", "SKU-30", true)
	// Listing 50 was linked by someone else before the run reached it.
	bea, err := f.st.CreateUser(ctx, "bea@example.com", auth.RoleStaff, "x")
	if err != nil {
		t.Fatal(err)
	}
	target := f.item("Fifty", "", true)
	if err := f.st.LinkListing(ctx, f.listingID("50"), target, bea.ID); err != nil {
		t.Fatal(err)
	}

	var ids []int64
	f.st.DB.Select(&ids, `SELECT id FROM channel_items ORDER BY id DESC`) // any order: the run sorts
	runID := runBulk(t, f.st, store.BulkRequest{Kind: store.BulkConfirm, ListingIDs: ids, By: f.user})

	run, err := f.st.BulkRunByID(ctx, runID)
	if err != nil {
		t.Fatal(err)
	}
	if run.Status != "succeeded" || run.Total != 5001 || run.Done != 4997 || run.Skipped != 4 || run.RequestedBy != "clerk@example.com" {
		t.Fatalf("run %+v", run)
	}
	skips := skipsByListing(t, f.st, runID)
	want := map[int64]struct{ reason, detail string }{
		f.listingID("10"): {store.SkipInvalid, "Name: Enter the item's name."},
		f.listingID("30"): {store.SkipSKUTaken, "SKU SKU-30 is already used by item Old thirty."},
		twin:              {store.SkipSKUTwice, "SKU SKU-40 is also on another listing of this selection (Thing 40 (SKU-40)), confirmed as item Thing 40."},
		f.listingID("50"): {store.SkipSettled, "The listing was linked meanwhile by bea@example.com (item Fifty)."},
	}
	if len(skips) != len(want) {
		t.Fatalf("skips %+v", skips)
	}
	for id, w := range want {
		k := skips[id]
		if k.Reason != w.reason || !strings.Contains(k.Detail, w.detail) {
			t.Errorf("listing %d: %s %q, want %s %q", id, k.Reason, k.Detail, w.reason, w.detail)
		}
	}
	if k := skips[f.listingID("30")]; k.OtherItemID == nil || *k.OtherItemID != holder {
		t.Errorf("SKU holder not named: %+v", k)
	}

	// Every confirmed listing is an item as Confirm makes it (§1.4), with
	// its opening stock as a document, its link and its activity.
	var c struct {
		Items, Opening, Linked, Created, Logged int
		BadPrice, BadLink                       int
		Unconfirmed                             int
	}
	f.st.DB.Get(&c.Items, `SELECT count(*) FROM items WHERE source = 'channel' AND created_by = $1`, f.user)
	f.st.DB.Get(&c.BadPrice, `SELECT count(*) FROM items WHERE source = 'channel' AND (selling_price <> 2.50 OR purchase_price <> 2.50 OR opening_value <> 2.50)`)
	f.st.DB.Get(&c.Opening, `SELECT count(*) FROM stock_movements m JOIN items i ON i.id = m.item_id
		WHERE m.doc_kind = 'opening' AND m.doc_id = i.id AND m.on_hand_delta = i.opening_qty AND m.warehouse_id = (SELECT min(id) FROM warehouses)`)
	f.st.DB.Get(&c.Linked, `SELECT count(*) FROM channel_items ci JOIN items i ON i.id = ci.item_id
		WHERE ci.link_source = 'confirm' AND ci.linked_by = $1 AND i.sku = ci.sku AND i.name = ci.name
		AND i.opening_qty = GREATEST(ci.quantity, 0)`, f.user)
	f.st.DB.Get(&c.Created, `SELECT count(*) FROM item_activity WHERE action = 'created' AND user_id = $1`, f.user)
	f.st.DB.Get(&c.Logged, `SELECT count(*) FROM item_activity a JOIN channel_items ci ON ci.id = a.channel_item_id AND ci.item_id = a.item_id
		WHERE a.action = 'created from listing (bulk)' AND a.user_id = $1`, f.user)
	f.st.DB.Get(&c.Unconfirmed, `SELECT unconfirmed FROM channels WHERE id = $1`, f.ch)
	wantOpening := 0
	for i := 1; i <= 5000; i++ {
		if i%4 > 0 && i != 10 && i != 30 && i != 50 {
			wantOpening++
		}
	}
	if c.Items != 4997 || c.BadPrice != 0 || c.Opening != wantOpening || c.Linked != 4997 || c.Created != 4997 || c.Logged != 4997 || c.Unconfirmed != 2 {
		t.Fatalf("counts %+v (opening want %d)", c, wantOpening)
	}
	var onHand int64
	f.st.DB.Get(&onHand, `SELECT sum(s.on_hand) FROM item_stock s JOIN items i ON i.id = s.item_id WHERE i.source = 'channel'`)
	var wantOnHand int64
	for i := 1; i <= 5000; i++ {
		if i != 10 && i != 30 && i != 50 {
			wantOnHand += int64(i % 4)
		}
	}
	if onHand != wantOnHand {
		t.Fatalf("on hand %d, want %d", onHand, wantOnHand)
	}
}

func TestBulkConfirmOfAFilterTakesItsUnconfirmedListings(t *testing.T) {
	f := newSettleFixture(t, qtyListing("1", "A-1", "Red mug", "5.00", 1), qtyListing("2", "A-2", "Blue mug", "5.00", 1),
		qtyListing("3", "B-1", "Red plate", "5.00", 1))
	runID := runBulk(t, f.st, store.BulkRequest{Kind: store.BulkConfirm, Filter: &store.ChannelItemFilter{Q: "mug", ChannelID: f.ch}, By: f.user})
	run, _ := f.st.BulkRunByID(t.Context(), runID)
	if run.Total != 2 || run.Done != 2 || run.Skipped != 0 {
		t.Fatalf("run %+v", run)
	}
	if l := f.linkOf(f.listingID("3")); l.ItemID != nil {
		t.Fatalf("the plate was not selected: %+v", l)
	}
}

func TestBulkLinkOfPairsLinksAndSkipsWhatChangedMeanwhile(t *testing.T) {
	f := newSettleFixture(t, qtyListing("1", "X-1", "Teapot", "20.00", 4), qtyListing("2", "X-2", "Cup", "3.00", 2),
		qtyListing("3", "X-3", "Jug", "9.00", 1), qtyListing("4", "X-4", "Bowl", "7.00", 1))
	ctx := t.Context()
	teapot, cup := f.item("Brown teapot", "TEA-BR", true), f.item("White cup", "CUP-W", true)
	gone := f.item("Old jug", "JUG-OLD", true)
	if err := f.st.SetItemActive(ctx, gone, false, f.user); err != nil {
		t.Fatal(err)
	}
	if err := f.st.LinkListing(ctx, f.listingID("4"), cup, f.user); err != nil {
		t.Fatal(err)
	}
	runID := runBulk(t, f.st, store.BulkRequest{Kind: store.BulkLink, By: f.user,
		ListingIDs: []int64{f.listingID("1"), f.listingID("2"), f.listingID("3"), f.listingID("4")},
		ItemIDs:    []int64{teapot, 987654, gone, teapot}})
	run, _ := f.st.BulkRunByID(ctx, runID)
	if run.Done != 1 || run.Skipped != 3 {
		t.Fatalf("run %+v", run)
	}
	l := f.linkOf(f.listingID("1"))
	if l.ItemID == nil || *l.ItemID != teapot || *l.Source != "manual" || !l.Push || *l.By != f.user {
		t.Fatalf("link %+v", l)
	}
	acts := f.listingActivity(f.listingID("1"))
	if len(acts) != 1 || acts[0].Action != "linked to listing (bulk)" || acts[0].ItemID != teapot || acts[0].UserID != f.user {
		t.Fatalf("activity %+v", acts)
	}
	skips := skipsByListing(t, f.st, runID)
	for ext, reason := range map[string]string{"2": store.SkipItemMissing, "3": store.SkipItemInactive, "4": store.SkipSettled} {
		if k := skips[f.listingID(ext)]; k.Reason != reason || k.Detail == "" {
			t.Errorf("listing %s: %+v, want %s", ext, k, reason)
		}
	}
	if l := f.linkOf(f.listingID("4")); *l.ItemID != cup {
		t.Fatalf("a listing linked meanwhile was relinked: %+v", l)
	}
}

// A person links a listing while a bulk confirm reaches it: the chunk
// waits for the person's transaction, then skips the listing and says who.
func TestBulkConfirmSkipsAListingLinkedMeanwhile(t *testing.T) {
	f := newSettleFixture(t, qtyListing("1", "X-1", "Teapot", "20.00", 4), qtyListing("2", "X-2", "Cup", "3.00", 2))
	ctx := t.Context()
	bea, err := f.st.CreateUser(ctx, "bea@example.com", auth.RoleStaff, "x")
	if err != nil {
		t.Fatal(err)
	}
	teapot := f.item("Brown teapot", "TEA-BR", true)
	id, err := f.st.StartBulkRun(ctx, store.BulkRequest{Kind: store.BulkConfirm, By: f.user,
		ListingIDs: []int64{f.listingID("1"), f.listingID("2")}}, func(context.Context, *sql.Tx, int64) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.BeginBulkRun(ctx, id); err != nil {
		t.Fatal(err)
	}
	tx := f.st.DB.MustBeginTx(ctx, nil)
	tx.MustExec(`UPDATE channel_items SET item_id = $2, link_source = 'manual', linked_at = now(), linked_by = $3 WHERE id = $1`,
		f.listingID("1"), teapot, bea.ID)
	done := make(chan error)
	go func() {
		_, err := f.st.BulkStep(context.Background(), id)
		done <- err
	}()
	waitForLockWaiters(t, f.st, 1)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	skips := skipsByListing(t, f.st, id)
	k := skips[f.listingID("1")]
	if len(skips) != 1 || k.Reason != store.SkipSettled || k.Detail != "The listing was linked meanwhile by bea@example.com (item Brown teapot)." {
		t.Fatalf("skips %+v", skips)
	}
	if l := f.linkOf(f.listingID("2")); l.ItemID == nil || *l.Source != "confirm" {
		t.Fatalf("the other listing was not confirmed: %+v", l)
	}
}
