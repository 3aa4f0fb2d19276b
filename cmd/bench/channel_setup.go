package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"stocksync/internal/channel"
	"stocksync/internal/channelsync"
	"stocksync/internal/store"
)

// newStore is a new migrated database, opened; its URL is for a server
// the bench starts on it.
func (e *benchEnv) newStore(ctx context.Context) (*store.Store, string, error) {
	dbURL, err := e.newDatabase(ctx)
	if err != nil {
		return nil, "", err
	}
	st, err := store.Open(ctx, dbURL)
	if err != nil {
		return nil, "", err
	}
	return st, dbURL, nil
}

// sandboxService is the channel service a bench drives the fakes with:
// loopback addresses allowed, its log discarded.
func sandboxService(st *store.Store, key []byte, opts channel.Options) (*channelsync.Service, error) {
	opts.Addresses = channel.AddressPolicy{Sandbox: true}
	return channelsync.NewService(st, key, opts, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

// connectSandbox connects a fake on the usual schedule, whose first sync
// comes after the bench is done.
func connectSandbox(ctx context.Context, svc *channelsync.Service, kind, name string, credentials map[string]string) (int64, error) {
	return svc.Connect(ctx, channelsync.ConnectRequest{Kind: kind, Name: name, Credentials: credentials,
		SyncInterval: 15 * time.Minute, FirstSyncDelay: 30 * time.Minute})
}

// timeFullSync times a full catalogue sync of the channel, which must
// succeed with every one of the records listings.
func timeFullSync(ctx context.Context, st *store.Store, svc *channelsync.Service, ch int64, records int) (time.Duration, error) {
	start := time.Now()
	runID, err := svc.SyncCatalogue(ctx, ch, true, "manual", 0)
	if err != nil {
		return 0, err
	}
	took := time.Since(start)
	run, err := st.Run(ctx, runID)
	if err != nil {
		return 0, err
	}
	if run.Status != "succeeded" || run.Records != records {
		return 0, fmt.Errorf("sync ended %s with %d records: %v", run.Status, run.Records, run.Error)
	}
	return took, nil
}

// syncLinked runs the channel's first full sync, which must link all n of
// its listings to items, and the push linking starts, so that what the
// bench pushes next is its burst alone.
func syncLinked(ctx context.Context, st *store.Store, svc *channelsync.Service, ch int64, n int) error {
	runID, err := svc.SyncCatalogue(ctx, ch, true, "manual", 0)
	if err != nil {
		return err
	}
	if run, err := st.Run(ctx, runID); err != nil || run.Synced != n {
		return fmt.Errorf("the sync linked %d of %d listings: %v", run.Synced, n, err)
	}
	return svc.Push(ctx, ch, "sync", 0)
}

// itemsInWarehouse are the IDs of every item, in order, and the first
// warehouse, which a push bench moves their stock in.
func itemsInWarehouse(ctx context.Context, st *store.Store) (ids []int64, warehouse int64, err error) {
	ws, err := st.WarehouseChoices(ctx)
	if err != nil {
		return nil, 0, err
	}
	if err := st.DB.SelectContext(ctx, &ids, `SELECT id FROM items ORDER BY id`); err != nil {
		return nil, 0, err
	}
	return ids, ws[0].ID, nil
}

// benchFake is what timeFakeSync needs of a channel fake.
type benchFake interface {
	Credentials() map[string]string
	ResetCalls()
}

// timeFakeSync connects a new channel of the kind to the fake and times its
// first full sync, which must bring all n listings; the fake's call log
// then holds the sync's calls alone.
func timeFakeSync(ctx context.Context, st *store.Store, kind, name string, fake benchFake, opts channel.Options, n int) (time.Duration, error) {
	svc, err := sandboxService(st, make([]byte, 32), opts)
	if err != nil {
		return 0, err
	}
	ch, err := connectSandbox(ctx, svc, kind, name, fake.Credentials())
	if err != nil {
		return 0, err
	}
	fake.ResetCalls()
	return timeFullSync(ctx, st, svc, ch, n)
}
