package main

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"time"

	"stocksync/internal/auth"
	"stocksync/internal/bulk"
	"stocksync/internal/catalogue"
	"stocksync/internal/store"
)

const (
	bulkListings = 40_000 // about half end unconfirmed (see generatedPage)
	bulkSelected = 10_000
)

// benchBulk confirms 10,000 selected unconfirmed listings as one bulk run,
// over 500,000 items: the run's work as its job does it (bulk.Work), timed
// from the request to its end, excluding River's pick-up.
func benchBulk(ctx context.Context, env *benchEnv) error {
	dbURL, err := env.newDatabase(ctx)
	if err != nil {
		return err
	}
	if err := seedIngestItems(ctx, dbURL); err != nil {
		return err
	}
	st, err := store.Open(ctx, dbURL)
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := st.CreateUser(ctx, "bench@example.com", auth.RoleStaff, "x")
	if err != nil {
		return err
	}
	ch, err := st.CreateChannel(ctx, store.NewChannel{Kind: "shopify", Name: "Bench shop", Credentials: []byte{1}, SyncInterval: time.Hour})
	if err != nil {
		return err
	}
	runID, err := st.StartRun(ctx, ch, "catalogue", "manual", 0)
	if err != nil {
		return err
	}
	for from := 0; from < bulkListings; from += ingestChunk {
		rows, failures := catalogue.Prepare(generatedPage(from, from+ingestChunk, 0))
		if _, err := st.ImportListings(ctx, store.ImportBatch{ChannelID: ch, RunID: runID, Pages: 1, Rows: rows, Failures: failures, Rematch: true}); err != nil {
			return err
		}
	}
	for _, q := range []string{`VACUUM ANALYZE channel_items`, `CHECKPOINT`} {
		if _, err := st.DB.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	var ids []int64
	if err := st.DB.SelectContext(ctx, &ids, `SELECT id FROM channel_items WHERE channel_id = $1 AND item_id IS NULL ORDER BY id LIMIT $2`,
		ch, bulkSelected); err != nil {
		return err
	}
	if len(ids) < bulkSelected {
		return fmt.Errorf("only %d unconfirmed listings seeded", len(ids))
	}
	start := time.Now()
	id, err := st.StartBulkRun(ctx, store.BulkRequest{Kind: store.BulkConfirm, ListingIDs: ids, By: u.ID},
		func(context.Context, *sql.Tx, int64) error { return nil })
	if err != nil {
		return err
	}
	if err := bulk.Work(ctx, st, id); err != nil {
		return err
	}
	elapsed := time.Since(start)
	r, err := st.BulkRunByID(ctx, id)
	if err != nil {
		return err
	}
	if r.Status != "succeeded" || r.Done+r.Skipped != bulkSelected {
		return fmt.Errorf("bulk run ended %s with %d done, %d skipped", r.Status, r.Done, r.Skipped)
	}
	log.Printf("bulk: %d confirmed, %d skipped", r.Done, r.Skipped)
	report("bulk_confirm_10k_s", elapsed.Seconds(), "s")
	return nil
}
