package sandbox

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"stocksync/internal/auth"
	"stocksync/internal/channel"
	_ "stocksync/internal/channel/amazon"
	"stocksync/internal/channelsync"
	"stocksync/internal/testkit/testdb"
)

// Sandbox Amazon connects from its preset and its first sync brings the
// shared SKUs linked, the rest unconfirmed, the broken records as named
// failures, and its orders but the pending one.
func TestSandboxAmazonSyncs(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	AmazonAddr, ShopifyAddr, WooAddr = "127.0.0.1:0", "127.0.0.1:0", "127.0.0.1:0"
	sb, err := Start(log)
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	st := testdb.New(t)
	ctx := t.Context()
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
	var creds map[string]string
	for _, p := range sb.Presets {
		if p.Key == "sandbox-amazon" {
			creds = p.Credentials
		}
	}
	if creds == nil {
		t.Fatal("no Sandbox Amazon preset")
	}
	id, err := svc.Connect(ctx, channelsync.ConnectRequest{Kind: "amazon", Name: "Sandbox Amazon", Credentials: creds, SyncInterval: 15 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	runID, err := svc.SyncCatalogue(ctx, id, true, "manual", 0)
	if err != nil {
		t.Fatal(err)
	}
	run, _ := st.Run(ctx, runID)
	if run.Status != "succeeded" || run.Records != 73 || run.Failed != 3 || run.NewUnconfirmed != 30 {
		t.Fatalf("run %+v %v", run, run.Error)
	}
	var linked, orders int
	st.DB.Get(&linked, `SELECT count(*) FROM channel_items WHERE channel_id = $1 AND item_id IS NOT NULL`, id)
	st.DB.Get(&orders, `SELECT count(*) FROM sales_orders WHERE channel_id = $1`, id)
	if linked != 40 || orders != 3 {
		t.Fatalf("%d linked (want the 40 shared SKUs), %d orders (want 3: the pending one waits)", linked, orders)
	}
}
