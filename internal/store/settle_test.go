package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"stocksync/internal/auth"
	"stocksync/internal/catalogue"
	"stocksync/internal/channel"
	"stocksync/internal/inventory"
	"stocksync/internal/store"
)

// settleFixture is a channel with imported, unconfirmed listings and a
// person to settle them.
type settleFixture struct {
	*importer
	ch   int64
	user int64
}

func newSettleFixture(t *testing.T, listings ...channel.Listing) *settleFixture {
	im := newImporter(t)
	u, err := im.st.CreateUser(t.Context(), "clerk@example.com", auth.RoleStaff, "x")
	if err != nil {
		t.Fatal(err)
	}
	f := &settleFixture{importer: im, ch: im.channel("Main shop"), user: u.ID}
	f.run(f.ch, listings...)
	return f
}

func (f *settleFixture) listingID(externalID string) int64 {
	f.t.Helper()
	var id int64
	if err := f.st.DB.Get(&id, `SELECT id FROM channel_items WHERE channel_id = $1 AND external_id = $2`, f.ch, externalID); err != nil {
		f.t.Fatal(err)
	}
	return id
}

type activityRow struct {
	ItemID        int64  `db:"item_id"`
	UserID        int64  `db:"user_id"`
	Action        string `db:"action"`
	Detail        string `db:"detail"`
	ChannelItemID int64  `db:"channel_item_id"`
}

func (f *settleFixture) listingActivity(listingID int64) []activityRow {
	f.t.Helper()
	var rows []activityRow
	if err := f.st.DB.Select(&rows, `SELECT item_id, user_id, action, detail, channel_item_id FROM item_activity
		WHERE channel_item_id = $1 ORDER BY id`, listingID); err != nil {
		f.t.Fatal(err)
	}
	return rows
}

type linkRow struct {
	ItemID  *int64  `db:"item_id"`
	Source  *string `db:"link_source"`
	By      *int64  `db:"linked_by"`
	Blocked bool    `db:"auto_link_blocked"`
	Push    bool    `db:"stock_push_pending"`
}

func (f *settleFixture) linkOf(listingID int64) linkRow {
	f.t.Helper()
	var r linkRow
	if err := f.st.DB.Get(&r, `SELECT item_id, link_source, linked_by, auto_link_blocked, stock_push_pending FROM channel_items WHERE id = $1`, listingID); err != nil {
		f.t.Fatal(err)
	}
	return r
}

func qtyListing(id, sku, name, price string, qty int) channel.Listing {
	return channel.Listing{ExternalID: id, SKU: sku, Name: name, Price: price, Quantity: &qty}
}

func TestConfirmCreatesTheItemAsTheListingIsWithOpeningStock(t *testing.T) {
	f := newSettleFixture(t, qtyListing("1", "MUG-7", "Green mug", "12.345", 7))
	ctx := t.Context()
	id := f.listingID("1")
	itemID, err := f.st.CreateItemFromListing(ctx, id, store.NewItemFromListing{By: f.user})
	if err != nil {
		t.Fatal(err)
	}
	it, err := f.st.ItemByID(ctx, itemID)
	if err != nil {
		t.Fatal(err)
	}
	// §1.4: purchase price = selling price = opening value per unit; opening
	// quantity = the channel's, rounded to the cent.
	if it.Name != "Green mug" || it.SKU != "MUG-7" || it.Unit != "pcs" || it.Source != "channel" ||
		it.SellingPrice != 1235 || it.PurchasePrice != 1235 || it.OpeningValue != 1235 || it.OpeningQty != 7 || it.OnHand != 7 {
		t.Fatalf("item %+v", it)
	}
	var doc struct {
		Kind      string `db:"doc_kind"`
		DocID     int64  `db:"doc_id"`
		Warehouse string `db:"warehouse"`
		Delta     int64  `db:"on_hand_delta"`
	}
	if err := f.st.DB.Get(&doc, `SELECT m.doc_kind, m.doc_id, w.name AS warehouse, m.on_hand_delta FROM stock_movements m
		JOIN warehouses w ON w.id = m.warehouse_id WHERE m.item_id = $1`, itemID); err != nil {
		t.Fatalf("opening stock document: %v", err)
	}
	if doc.Kind != "opening" || doc.DocID != itemID || doc.Warehouse != "Primary" || doc.Delta != 7 {
		t.Fatalf("opening stock %+v", doc)
	}
	// The opening stock marks the listing for the stock push like any
	// document; the push finds the channel already shows the item's 7
	// (unless the channel's rule says otherwise) and sends nothing.
	l := f.linkOf(id)
	if l.ItemID == nil || *l.ItemID != itemID || *l.Source != "confirm" || *l.By != f.user || !l.Push {
		t.Fatalf("link %+v", l)
	}
	acts := f.listingActivity(id)
	if len(acts) != 1 || acts[0].ItemID != itemID || acts[0].UserID != f.user || acts[0].Action != "created from listing" ||
		acts[0].Detail != "Main shop: Green mug (MUG-7)" {
		t.Fatalf("activity %+v", acts)
	}
	var unconfirmed int
	f.st.DB.Get(&unconfirmed, `SELECT unconfirmed FROM channels WHERE id = $1`, f.ch)
	if unconfirmed != 0 {
		t.Fatalf("channel still counts %d unconfirmed", unconfirmed)
	}
}

func TestConfirmRefusesAListingThatMakesNoValidItem(t *testing.T) {
	f := newSettleFixture(t, channel.Listing{ExternalID: "1", SKU: "NN-1", Price: "3.00"})
	_, err := f.st.CreateItemFromListing(t.Context(), f.listingID("1"), store.NewItemFromListing{By: f.user})
	var needs *catalogue.NeedsUpdateError
	if !errors.As(err, &needs) || needs.Fields["name"] == "" {
		t.Fatalf("confirming a listing without a name: %v", err)
	}
	if l := f.linkOf(f.listingID("1")); l.ItemID != nil {
		t.Fatal("linked anyway")
	}
}

func TestUpdateCreatesTheEditedItemInTheChosenWarehouse(t *testing.T) {
	f := newSettleFixture(t, qtyListing("1", "MUG-7", "Green mug", "12.00", 7))
	ctx := t.Context()
	var wh int64
	f.st.DB.Get(&wh, `INSERT INTO warehouses (name) VALUES ('Back room') RETURNING id`)
	id := f.listingID("1")
	fields := inventory.ItemFields{Name: "Green mug, large", SKU: "MUG-7L", Unit: "box", SellingPrice: 1500, PurchasePrice: 600, OpeningQty: 3, OpeningValue: 550}
	itemID, err := f.st.CreateItemFromListing(ctx, id, store.NewItemFromListing{Fields: &fields, Warehouse: wh, By: f.user})
	if err != nil {
		t.Fatal(err)
	}
	it, _ := f.st.ItemByID(ctx, itemID)
	if it.Name != "Green mug, large" || it.SKU != "MUG-7L" || it.Unit != "box" || it.SellingPrice != 1500 || it.PurchasePrice != 600 ||
		it.OpeningQty != 3 || it.OpeningValue != 550 {
		t.Fatalf("item %+v", it)
	}
	var inBackRoom int64
	f.st.DB.Get(&inBackRoom, `SELECT on_hand FROM stock_balances WHERE item_id = $1 AND warehouse_id = $2`, itemID, wh)
	if inBackRoom != 3 {
		t.Fatalf("opening stock in the chosen warehouse: %d", inBackRoom)
	}
	if l := f.linkOf(id); *l.Source != "update" {
		t.Fatalf("link source %v", *l.Source)
	}
	if acts := f.listingActivity(id); len(acts) != 1 || acts[0].Action != "created from edited listing" {
		t.Fatalf("activity %+v", acts)
	}
}

// Update with a SKU that another item took meanwhile: refused naming the
// item, and nothing is created.
func TestUpdateWithATakenSKUCreatesNothing(t *testing.T) {
	f := newSettleFixture(t, qtyListing("1", "MUG-7", "Green mug", "12.00", 7))
	ctx := t.Context()
	other := f.item("Old mug", "MUG-TAKEN", true)
	fields := inventory.ItemFields{Name: "Green mug", SKU: "MUG-TAKEN", Unit: "pcs", OpeningQty: 7}
	_, err := f.st.CreateItemFromListing(ctx, f.listingID("1"), store.NewItemFromListing{Fields: &fields, By: f.user})
	var taken *inventory.SKUTakenError
	if !errors.As(err, &taken) || taken.OtherID != other {
		t.Fatalf("taken SKU: %v", err)
	}
	var items, moves int
	f.st.DB.Get(&items, `SELECT count(*) FROM items`)
	f.st.DB.Get(&moves, `SELECT count(*) FROM stock_movements`)
	if items != 1 || moves != 0 || f.linkOf(f.listingID("1")).ItemID != nil {
		t.Fatalf("after the refusal: %d items, %d movements", items, moves)
	}
}

func TestLinkTiesTheListingAndMarksItForAStockOverwrite(t *testing.T) {
	f := newSettleFixture(t, qtyListing("1", "X-1", "Teapot online", "20.00", 4))
	item := f.item("Brown teapot", "TEA-BR", true)
	id := f.listingID("1")
	if err := f.st.LinkListing(t.Context(), id, item, f.user); err != nil {
		t.Fatal(err)
	}
	l := f.linkOf(id)
	if *l.ItemID != item || *l.Source != "manual" || !l.Push || *l.By != f.user {
		t.Fatalf("link %+v", l)
	}
	if acts := f.listingActivity(id); len(acts) != 1 || acts[0].ItemID != item || acts[0].Action != "linked to listing" {
		t.Fatalf("activity %+v", acts)
	}
}

func TestLinkToAnInactiveItemIsRefused(t *testing.T) {
	f := newSettleFixture(t, qtyListing("1", "X-1", "Teapot online", "20.00", 4))
	item := f.item("Brown teapot", "TEA-BR", true)
	// deactivated after the person opened the picker
	if err := f.st.SetItemActive(t.Context(), item, false, f.user); err != nil {
		t.Fatal(err)
	}
	err := f.st.LinkListing(t.Context(), f.listingID("1"), item, f.user)
	if !errors.Is(err, catalogue.ErrItemInactive) {
		t.Fatalf("linking to an inactive item: %v", err)
	}
	if f.linkOf(f.listingID("1")).ItemID != nil {
		t.Fatal("linked anyway")
	}
}

// Two people confirm one listing at the same moment: one item, and the
// other is told who confirmed it.
func TestConcurrentConfirmsMakeOneItem(t *testing.T) {
	f := newSettleFixture(t, qtyListing("1", "MUG-7", "Green mug", "12.00", 7))
	other, err := f.st.CreateUser(t.Context(), "bea@example.com", auth.RoleStaff, "x")
	if err != nil {
		t.Fatal(err)
	}
	id := f.listingID("1")
	// Hold the listing's lock so both confirms queue behind it and race.
	hold, err := f.st.DB.BeginTxx(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	hold.MustExec(`SELECT 1 FROM channel_items WHERE id = $1 FOR UPDATE`, id)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i, by := range []int64{f.user, other.ID} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = f.st.CreateItemFromListing(context.Background(), id, store.NewItemFromListing{By: by})
		}()
	}
	waitForLockWaiters(t, f.st, 2)
	hold.Rollback()
	wg.Wait()
	var ok, refused int
	for _, err := range errs {
		var settled *catalogue.AlreadySettledError
		switch {
		case err == nil:
			ok++
		case errors.As(err, &settled):
			refused++
			if settled.By != "clerk@example.com" && settled.By != "bea@example.com" || settled.Message() == "" {
				t.Errorf("refusal names %q", settled.By)
			}
		default:
			t.Errorf("unexpected: %v", err)
		}
	}
	var items int
	f.st.DB.Get(&items, `SELECT count(*) FROM items`)
	if ok != 1 || refused != 1 || items != 1 {
		t.Fatalf("%d confirmed, %d refused, %d items", ok, refused, items)
	}
}

// waitForLockWaiters waits until n other sessions wait for a lock.
func waitForLockWaiters(t *testing.T, st *store.Store, n int) {
	t.Helper()
	for {
		var waiting int
		if err := st.DB.Get(&waiting, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`); err != nil {
			t.Fatal(err)
		}
		if waiting >= n {
			return
		}
		if t.Context().Err() != nil {
			t.Fatal("no lock waiters")
		}
	}
}

// A deactivation and a link racing: whichever commits first, the link is
// never made to an inactive item.
func TestLinkWaitsForADeactivationInFlight(t *testing.T) {
	f := newSettleFixture(t, qtyListing("1", "X-1", "Teapot online", "20.00", 4))
	item := f.item("Brown teapot", "TEA-BR", true)
	tx, err := f.st.DB.BeginTxx(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	tx.MustExec(`UPDATE items SET active = false WHERE id = $1`, item)
	done := make(chan error)
	go func() { done <- f.st.LinkListing(context.Background(), f.listingID("1"), item, f.user) }()
	waitForLockWaiters(t, f.st, 1)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; !errors.Is(err, catalogue.ErrItemInactive) {
		t.Fatalf("link racing a deactivation: %v", err)
	}
}

func TestUnlinkBlocksAutoLinkButNotAPerson(t *testing.T) {
	f := newSettleFixture(t)
	item := f.item("Brown teapot", "TEA-BR", true)
	f.run(f.ch, listing("1", "TEA-BR", "Teapot"), listing("2", "", "Brown teapot"))
	ctx := t.Context()
	if n, err := f.st.UnlinkItem(ctx, item, []int64{f.ch}, f.user); err != nil || n != 2 {
		t.Fatalf("unlink: %d, %v", n, err)
	}
	for _, ext := range []string{"1", "2"} {
		l := f.linkOf(f.listingID(ext))
		if l.ItemID != nil || !l.Blocked {
			t.Fatalf("listing %s after unlink: %+v", ext, l)
		}
		if acts := f.listingActivity(f.listingID(ext)); len(acts) != 1 || acts[0].Action != "unlinked from listing" || acts[0].UserID != f.user {
			t.Fatalf("activity %+v", acts)
		}
	}
	// a sync, even with changed details, does not link them again by SKU or name
	changed := listing("1", "TEA-BR", "Teapot, new photo")
	f.run(f.ch, changed, listing("2", "", "Brown teapot"))
	for _, ext := range []string{"1", "2"} {
		if got, _ := f.link(f.ch, ext); got != 0 {
			t.Fatalf("listing %s auto-linked again after a person unlinked it", ext)
		}
	}
	if err := f.st.LinkListing(ctx, f.listingID("1"), item, f.user); err != nil {
		t.Fatal(err)
	}
	if l := f.linkOf(f.listingID("1")); l.ItemID == nil || l.Blocked {
		t.Fatalf("a person's link: %+v", l)
	}
}
