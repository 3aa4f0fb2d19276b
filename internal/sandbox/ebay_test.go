package sandbox

import (
	"context"
	"io"
	"log/slog"
	"math/rand/v2"
	"testing"
	"time"

	"stocksync/internal/auth"
	"stocksync/internal/channel"
	"stocksync/internal/channelsync"
	"stocksync/internal/testkit/testdb"
)

// Sandbox eBay connects from its preset, and its first sync links half its
// listings to demo items by SKU and ten by name, reports the broken
// records, and imports its orders (one frozen, one cancelled).
func TestSandboxEbayConnectsAndSyncs(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	sb, err := Start(log)
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	st := testdb.New(t)
	ctx := context.Background()
	if _, err := st.CreateUser(ctx, "admin@example.com", auth.RoleAdmin, "x"); err != nil {
		t.Fatal(err)
	}
	if err := SeedDemoItems(ctx, st, log); err != nil {
		t.Fatal(err)
	}
	svc, err := channelsync.NewService(st, make([]byte, 32), channel.Options{Addresses: channel.AddressPolicy{Sandbox: true}}, log)
	if err != nil {
		t.Fatal(err)
	}
	var preset map[string]string
	for _, p := range sb.Presets {
		if p.Key == "sandbox-ebay" && p.Kind == "ebay" && p.Label == "Sandbox eBay" {
			preset = p.Credentials
		}
	}
	if preset == nil {
		t.Fatal("no Sandbox eBay preset")
	}
	ch, err := svc.Connect(ctx, channelsync.ConnectRequest{Kind: "ebay", Name: "Sandbox eBay", Credentials: preset, SyncInterval: 15 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	runID, err := svc.SyncCatalogue(ctx, ch, true, "first", 0)
	if err != nil {
		t.Fatal(err)
	}
	run, _ := st.Run(ctx, runID)
	// 50 SKUs shared, 10 titles shared, 40 new, 3 broken; the draft is not for sale.
	if run.Status != "succeeded" || run.Records != 103 || run.Synced != 60 || run.Failed != 3 || run.NewUnconfirmed != 40 || run.Orders != 3 {
		t.Fatalf("run %+v %v", run, run.Error)
	}
	var frozen, cancelled int
	st.DB.Get(&frozen, `SELECT count(*) FROM sales_orders WHERE channel_id = $1 AND frozen`, ch)
	st.DB.Get(&cancelled, `SELECT count(*) FROM sales_orders WHERE channel_id = $1 AND status = 'cancelled'`, ch)
	if frozen != 1 || cancelled != 1 {
		t.Fatalf("frozen %d, cancelled %d", frozen, cancelled)
	}
	// A trickled order joins the order book, for the next sync to import.
	rng := rand.New(rand.NewPCG(3, 4))
	before := len(sb.Ebay.Orders())
	sb.ebayOrder(rng, log)
	if len(sb.Ebay.Orders()) != before+1 {
		t.Fatal("no trickled order")
	}
}
