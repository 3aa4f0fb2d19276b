package sandbox

import (
	"testing"

	_ "stocksync/internal/channel/amazon"
)

// Sandbox Amazon connects from its preset and its first sync brings the
// shared SKUs linked, the rest unconfirmed, the broken records as named
// failures, and its orders but the pending one, Amazon's own (AFN) among
// them, which commits none of our stock and, Amazon having shipped it, has
// its lines shipped.
func TestSandboxAmazonSyncs(t *testing.T) {
	ps := syncPreset(t, "sandbox-amazon")
	run := ps.run
	if run.Status != "succeeded" || run.Records != 73 || run.Failed != 3 || run.NewUnconfirmed != 30 {
		t.Fatalf("run %+v %v", run, run.Error)
	}
	var linked, orders, byAmazon int
	var committed int64
	ps.st.DB.Get(&linked, `SELECT count(*) FROM channel_items WHERE channel_id = $1 AND item_id IS NOT NULL`, ps.ch)
	ps.st.DB.Get(&orders, `SELECT count(*) FROM sales_orders WHERE channel_id = $1`, ps.ch)
	ps.st.DB.Get(&byAmazon, `SELECT count(*) FROM sales_orders WHERE channel_id = $1 AND fulfilled_by_channel AND status = 'open' AND all_shipped`, ps.ch)
	ps.st.DB.Get(&committed, `SELECT s.committed FROM item_stock s JOIN items i ON i.id = s.item_id WHERE i.sku = 'SB-0025'`)
	if linked != 40 || orders != 4 || byAmazon != 1 || committed != 0 {
		t.Fatalf("%d linked (want the 40 shared SKUs), %d orders (want 4: the pending one waits), %d fulfilled by Amazon, shipped (want 1), SB-0025 committed %d (want 0)",
			linked, orders, byAmazon, committed)
	}
}
