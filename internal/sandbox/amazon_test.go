package sandbox

import (
	"testing"

	_ "stocksync/internal/channel/amazon"
)

// Sandbox Amazon connects from its preset and its first sync brings the
// shared SKUs linked, the rest unconfirmed, the broken records as named
// failures, and its orders but the pending one.
func TestSandboxAmazonSyncs(t *testing.T) {
	ps := syncPreset(t, "sandbox-amazon")
	run := ps.run
	if run.Status != "succeeded" || run.Records != 73 || run.Failed != 3 || run.NewUnconfirmed != 30 {
		t.Fatalf("run %+v %v", run, run.Error)
	}
	var linked, orders int
	ps.st.DB.Get(&linked, `SELECT count(*) FROM channel_items WHERE channel_id = $1 AND item_id IS NOT NULL`, ps.ch)
	ps.st.DB.Get(&orders, `SELECT count(*) FROM sales_orders WHERE channel_id = $1`, ps.ch)
	if linked != 40 || orders != 3 {
		t.Fatalf("%d linked (want the 40 shared SKUs), %d orders (want 3: the pending one waits)", linked, orders)
	}
}
