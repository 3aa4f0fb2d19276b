package channelsync_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	shopifyfake "stocksync/internal/channel/shopify/fake"
	"stocksync/internal/inventory"
	"stocksync/internal/store"
)

// pushJobs counts queued stock_push jobs per channel (follow-ups apart),
// and the transactions that inserted them.
func pushJobs(t *testing.T, st *store.Store) (perChannel, followups map[int64]int, xmins map[int64]string) {
	t.Helper()
	var rows []struct {
		Channel  int64  `db:"channel_id"`
		Followup bool   `db:"followup"`
		Xmin     string `db:"xmin"`
	}
	if err := st.DB.Select(&rows, `SELECT (args->>'channel_id')::bigint AS channel_id, (COALESCE((args->>'followup')::bool, false) OR COALESCE((args->>'later')::bool, false)) AS followup,
		xmin::text AS xmin FROM river_job WHERE kind = 'stock_push' ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	perChannel, followups, xmins = map[int64]int{}, map[int64]int{}, map[int64]string{}
	for _, r := range rows {
		if r.Followup {
			followups[r.Channel]++
			continue
		}
		perChannel[r.Channel]++
		xmins[r.Channel] = r.Xmin
	}
	return perChannel, followups, xmins
}

func markedListings(t *testing.T, st *store.Store) []string {
	t.Helper()
	var marked []string
	if err := st.DB.Select(&marked, `SELECT channel_id || ':' || sku FROM channel_items WHERE stock_push_pending ORDER BY 1`); err != nil {
		t.Fatal(err)
	}
	return marked
}

func TestADocumentEnqueuesOnePushPerAffectedChannelInItsOwnTransaction(t *testing.T) {
	f := newOrderShop(t) // shop A: MUG-1 and POT-1 linked, SHIRT-1 unconfirmed
	f.sync()
	shopB := newShop()
	defer shopB.Close()
	shopB.AddListing(shopifyfake.Listing{ProductTitle: "Mug", SKU: "MUG-1", Price: "8.50", Quantity: 10})
	chB := connectShop(t, f.svc, shopB)
	if _, err := f.svc.SyncCatalogue(context.Background(), chB, true, "manual", 0); err != nil {
		t.Fatal(err)
	}
	insertOnly(t, f.st, f.svc) // jobs are enqueued, and stay queued
	ctx := context.Background()
	var wh int64
	f.st.DB.Get(&wh, `SELECT min(id) FROM warehouses`)
	if jobs, _, _ := pushJobs(t, f.st); len(jobs) != 0 || len(markedListings(t, f.st)) != 0 {
		t.Fatalf("before any document: jobs %v, marked %v", jobs, markedListings(t, f.st))
	}

	// Rolled back: an adjustment the store refuses (the teapot would go
	// below zero) although its other line raises the mug, and a receive
	// refused only at COMMIT, after the push was enqueued inside it.
	_, err := f.st.CreateAdjustment(ctx, inventory.Adjustment{Reason: "Correction", Date: time.Now(), Lines: []inventory.Line{
		{ItemID: f.mugItem, WarehouseID: wh, Quantity: 5}, {ItemID: f.potItem, WarehouseID: wh, Quantity: -100}}}, f.user)
	if err == nil {
		t.Fatal("an adjustment below zero was accepted")
	}
	f.st.DB.MustExec(`CREATE FUNCTION refuse_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN RAISE EXCEPTION 'refused at commit'; END $$`)
	f.st.DB.MustExec(`CREATE CONSTRAINT TRIGGER refuse_at_commit AFTER INSERT ON purchase_receives
		DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.vendor = 'Refused at commit') EXECUTE FUNCTION refuse_at_commit()`)
	_, err = f.st.CreatePurchaseReceive(ctx, inventory.Receive{Vendor: "Refused at commit", Date: time.Now(),
		Lines: []inventory.Line{{ItemID: f.mugItem, WarehouseID: wh, Quantity: 5, Rate: inventory.Money(100)}}}, f.user)
	if err == nil {
		t.Fatal("the receive refused at commit was reported as saved")
	}
	var onHand int
	f.st.DB.Get(&onHand, `SELECT on_hand FROM item_stock WHERE item_id = $1`, f.mugItem)
	if jobs, followups, _ := pushJobs(t, f.st); len(jobs)+len(followups) != 0 || onHand != 10 || len(markedListings(t, f.st)) != 0 {
		t.Fatalf("after two rolled-back documents: jobs %v %v, marked %v, mug on hand %d", jobs, followups, markedListings(t, f.st), onHand)
	}

	// A receive of the mug, linked on both shops: one job for each, written
	// by the receive's own transaction, and both mug listings marked.
	receipt, err := f.st.CreatePurchaseReceive(ctx, inventory.Receive{Vendor: "Acme", Date: time.Now(),
		Lines: []inventory.Line{{ItemID: f.mugItem, WarehouseID: wh, Quantity: 5, Rate: inventory.Money(100)}}}, f.user)
	if err != nil {
		t.Fatal(err)
	}
	var docXmin string
	f.st.DB.Get(&docXmin, `SELECT xmin::text FROM purchase_receives WHERE id = $1`, receipt)
	jobs, followups, xmins := pushJobs(t, f.st)
	if len(jobs) != 2 || jobs[f.ch] != 1 || jobs[chB] != 1 || len(followups) != 0 {
		t.Fatalf("stock_push jobs per channel after the receive: %v, want one for %d and one for %d", jobs, f.ch, chB)
	}
	if xmins[f.ch] != docXmin || xmins[chB] != docXmin {
		t.Fatalf("the jobs were inserted by transactions %v, the receive by %s", xmins, docXmin)
	}
	want := []string{strconv.FormatInt(f.ch, 10) + ":MUG-1", strconv.FormatInt(chB, 10) + ":MUG-1"}
	if got := markedListings(t, f.st); len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("marked %v, want %v", got, want)
	}

	// The teapot is only on shop A: its adjustment enqueues A alone.
	f.st.DB.MustExec(`DELETE FROM river_job WHERE kind = 'stock_push'`)
	f.st.DB.MustExec(`UPDATE push_wakeups SET queued = false`) // as if those pushes had run
	if _, err := f.st.CreateAdjustment(ctx, inventory.Adjustment{Reason: "Damaged goods", Date: time.Now(),
		Lines: []inventory.Line{{ItemID: f.potItem, WarehouseID: wh, Quantity: -2}}}, f.user); err != nil {
		t.Fatal(err)
	}
	if jobs, followups, _ := pushJobs(t, f.st); len(jobs) != 1 || jobs[f.ch] != 1 || len(followups) != 0 {
		t.Fatalf("after the teapot's adjustment: %v %v, want one job for shop A only", jobs, followups)
	}
	// While A's job waits, mug receives add B's; A's is there already, so
	// they add at most its follow-up (which looks again after it, in case
	// it had read its marks) and one for a moment later, however many come.
	for range 3 {
		f.receive(f.mugItem, 1)
		jobs, followups, _ := pushJobs(t, f.st)
		if len(jobs) != 2 || jobs[f.ch] != 1 || jobs[chB] != 1 || followups[f.ch] > 2 || followups[chB] > 2 {
			t.Fatalf("after more receives with pushes queued: %v, follow-ups %v; want one job per channel and at most a follow-up and a later one", jobs, followups)
		}
	}
}
