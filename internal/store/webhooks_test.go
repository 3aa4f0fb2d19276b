package store_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"stocksync/internal/store"
	"stocksync/internal/testkit/testdb"
)

// TestDeliveryPurgeKeepsWhatIsUnprocessedOrRecent: old imported deliveries
// go; recent ones and those still waiting for their job stay.
func TestDeliveryPurgeKeepsWhatIsUnprocessedOrRecent(t *testing.T) {
	st := testdb.New(t)
	ctx := context.Background()
	ch, err := st.CreateChannel(ctx, store.NewChannel{Kind: "shopify", Name: "Shop", Credentials: []byte{1},
		SyncInterval: 15 * time.Minute, FirstSyncDelay: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	noJob := func(context.Context, *sql.Tx, int64) error { return nil }
	ids := map[string]int64{}
	for _, d := range []string{"old-done", "old-waiting", "new-done"} {
		id, dup, err := st.RecordDelivery(ctx, store.NewDelivery{ChannelID: ch, DeliveryID: d, Topic: "orders/create", Body: []byte("{}")}, noJob)
		if err != nil || dup {
			t.Fatal(err, dup)
		}
		ids[d] = id
	}
	st.DB.MustExec(`UPDATE webhook_deliveries SET received_at = now() - interval '40 days' WHERE delivery_id LIKE 'old-%'`)
	for _, d := range []string{"old-done", "new-done"} {
		if err := st.FinishDelivery(ctx, ids[d], ""); err != nil {
			t.Fatal(err)
		}
	}
	n, err := st.DeleteDeliveriesBefore(ctx, time.Now().Add(-30*24*time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("purged %d (%v), want 1", n, err)
	}
	var left []string
	st.DB.Select(&left, `SELECT delivery_id FROM webhook_deliveries ORDER BY delivery_id`)
	if len(left) != 2 || left[0] != "new-done" || left[1] != "old-waiting" {
		t.Fatalf("left %v", left)
	}
}
