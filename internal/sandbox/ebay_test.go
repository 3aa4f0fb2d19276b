package sandbox

import (
	"io"
	"log/slog"
	"math/rand/v2"
	"testing"
)

// Sandbox eBay connects from its preset, and its first sync links half its
// listings to demo items by SKU and ten by name, reports the broken
// records, and imports its orders (one frozen, one cancelled).
func TestSandboxEbayConnectsAndSyncs(t *testing.T) {
	ps := syncPreset(t, "sandbox-ebay")
	if ps.preset.Kind != "ebay" || ps.preset.Label != "Sandbox eBay" {
		t.Fatalf("preset %s %q", ps.preset.Kind, ps.preset.Label)
	}
	run := ps.run
	// 50 SKUs shared, 10 titles shared, 40 new, 3 broken; the draft is not for sale.
	if run.Status != "succeeded" || run.Records != 103 || run.Synced != 60 || run.Failed != 3 || run.NewUnconfirmed != 40 || run.Orders != 3 {
		t.Fatalf("run %+v %v", run, run.Error)
	}
	var frozen, cancelled int
	ps.st.DB.Get(&frozen, `SELECT count(*) FROM sales_orders WHERE channel_id = $1 AND frozen`, ps.ch)
	ps.st.DB.Get(&cancelled, `SELECT count(*) FROM sales_orders WHERE channel_id = $1 AND status = 'cancelled'`, ps.ch)
	if frozen != 1 || cancelled != 1 {
		t.Fatalf("frozen %d, cancelled %d", frozen, cancelled)
	}
	// A trickled order joins the order book, for the next sync to import.
	rng := rand.New(rand.NewPCG(3, 4))
	before := len(ps.sb.Ebay.Orders())
	ps.sb.ebayOrder(rng, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if len(ps.sb.Ebay.Orders()) != before+1 {
		t.Fatal("no trickled order")
	}
}
