package sandbox

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"stocksync/internal/auth"
	"stocksync/internal/channel"
	"stocksync/internal/channelsync"
	"stocksync/internal/store"
	"stocksync/internal/syncrun"
	"stocksync/internal/testkit/testdb"
	channelviews "stocksync/views/channels"
)

// presetSync is a sandbox channel connected from its preset to a fresh
// database with the demo items, after its first full sync.
type presetSync struct {
	sb     *Sandbox
	st     *store.Store
	preset channelviews.Preset
	ch     int64
	run    syncrun.Run
}

// syncPreset starts the sandbox on free ports, connects the preset whose
// key is given as an admin would, and runs its first full sync.
func syncPreset(t *testing.T, key string) presetSync {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	AmazonAddr, ShopifyAddr, WooAddr = "127.0.0.1:0", "127.0.0.1:0", "127.0.0.1:0"
	sb, err := Start(log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Close)
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
	ps := presetSync{sb: sb, st: st}
	for _, p := range sb.Presets {
		if p.Key == key {
			ps.preset = p
		}
	}
	if ps.preset.Credentials == nil {
		t.Fatalf("no %s preset", key)
	}
	ps.ch, err = svc.Connect(ctx, channelsync.ConnectRequest{Kind: ps.preset.Kind, Name: ps.preset.Name, Credentials: ps.preset.Credentials,
		SyncInterval: 15 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	runID, err := svc.SyncCatalogue(ctx, ps.ch, true, "manual", 0)
	if err != nil {
		t.Fatal(err)
	}
	ps.run, _ = st.Run(ctx, runID)
	return ps
}
