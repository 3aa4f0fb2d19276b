package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/jmoiron/sqlx"

	"stocksync/internal/catalogue"
)

// BulkLoad is a channel's first import, which brings the whole catalogue of
// a channel that has no listings yet. Its batches go into a table of their
// own with no index at all; Finish sorts each index once and attaches the
// table as the channel's partition of channel_items. Inserting into five
// indexes row by row costs more than all the rest of an import together,
// and building them from sorted keys costs a fraction of that.
//
// Until Finish the listings are not in channel_items: the run's progress
// moves with each batch, but the channel shows no listings. A load left by
// a crash is never attached; the next import of the channel drops it and
// starts afresh, so nothing is counted or stored twice.
//
// Every row given to Import must be vouched for by the importer as new to
// the channel, with a SKU no other row of the load has: nothing is looked up
// and there is no key to refuse a duplicate. Rows it cannot vouch for wait,
// and are imported through ImportListings after Finish.
type BulkLoad struct {
	store     *Store
	channelID int64
	runID     int64  // the run that loads: only while it runs may the load become the channel's
	table     string // the load, renamed to partition once attached
	partition string
	insert    *sqlx.Stmt
	// listings and unconfirmed are what the committed batches added, for
	// the channel's counts (kept by triggers on channel_items, which a load
	// does not fire).
	listings, unconfirmed atomic.Int64
}

// BeginBulkLoad starts a channel's first import by run runID; the channel
// must have no listings partition (HasListingsPartition).
func (s *Store) BeginBulkLoad(ctx context.Context, channelID, runID int64) (*BulkLoad, error) {
	partition := listingsPartition(channelID)
	b := &BulkLoad{store: s, channelID: channelID, runID: runID, table: partition + "_load", partition: partition}
	err := s.InTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `DROP TABLE IF EXISTS `+b.table); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, newListingsTableSQL(b.table, channelID))
		return err
	})
	if err == nil {
		b.insert, err = s.imports.PreparexContext(ctx, insertNewInto(b.table, listingsFromArrays, "$14"))
	}
	if err != nil {
		return nil, fmt.Errorf("store: begin bulk load: %w", err)
	}
	return b, nil
}

// Import writes one batch into the load in one transaction, with its
// failures and the run's progress, as ImportListings does.
func (b *BulkLoad) Import(ctx context.Context, batch ImportBatch) (catalogue.Counts, error) {
	write := func(ctx context.Context, tx *sqlx.Tx, rows []catalogue.Row) (catalogue.Counts, []catalogue.Failure, error) {
		if !allNew(rows) {
			return catalogue.Counts{}, nil, errors.New("a bulk load takes only listings vouched for as new, with SKUs new to the channel")
		}
		c, err := insertNewFromArrays(ctx, tx, b.insert, b.channelID, b.runID, rows)
		return c, nil, err
	}
	c, err := b.store.importListings(ctx, batch, write)
	if err != nil {
		return c, fmt.Errorf("store: bulk load: %w", err)
	}
	b.listings.Add(int64(c.New))
	b.unconfirmed.Add(int64(c.NewUnconfirmed))
	return c, nil
}

// Table is the table the load writes into until Finish attaches it. The
// benchmark's seed copies generated listings straight into it (and sets
// the channel's counts itself after Finish, which counts only what Import
// wrote).
func (b *BulkLoad) Table() string { return b.table }

// Close lets go of the load's prepared insert; Finish closes it too.
func (b *BulkLoad) Close() error { return b.insert.Close() }

// loadIndexes are channel_items' indexes as built on a load, in two groups
// of about equal cost, built side by side. Each must match its index on
// channel_items exactly, or attaching builds another; the two unique ones
// become constraints when the load is attached.
func (b *BulkLoad) loadIndexes() [2][]string {
	p, t := b.partition, b.table
	return [2][]string{{
		// The trigram index costs as much as the other five together.
		`CREATE INDEX ` + p + `_search_idx ON ` + t + ` USING gin (search_text gin_trgm_ops) WHERE item_id IS NULL`,
		`CREATE INDEX ` + p + `_item_idx ON ` + t + ` (item_id) WHERE item_id IS NOT NULL`,
		`CREATE INDEX ` + p + `_run_unconfirmed_idx ON ` + t + ` (channel_id, first_seen_run, id) WHERE item_id IS NULL`,
	}, {
		`CREATE UNIQUE INDEX ` + p + `_external_key ON ` + t + ` (channel_id, external_id)`,
		`CREATE UNIQUE INDEX ` + p + `_pkey ON ` + t + ` (id, channel_id)`,
		`CREATE INDEX ` + p + `_sku_idx ON ` + t + ` (channel_id, sku) WHERE sku <> ''`,
		`CREATE INDEX ` + p + `_unconfirmed_idx ON ` + t + ` (channel_id, id) WHERE item_id IS NULL`,
		`CREATE INDEX ` + p + `_push_idx ON ` + t + ` (channel_id, id) WHERE stock_push_pending OR push_sending IS NOT NULL`,
		`CREATE INDEX ` + p + `_drift_idx ON ` + t + ` (channel_id, id) WHERE drift_since IS NOT NULL`,
	}}
}

// Finish builds the load's indexes and attaches it as the channel's
// partition, with the channel's counts, in one transaction: the channel's
// listings appear all at once. A load whose run was closed meanwhile (its
// process was declared dead, and a retry has begun a load of its own) is
// never attached: ErrRunClosed.
func (b *BulkLoad) Finish(ctx context.Context) error {
	b.Close()
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, group := range b.loadIndexes() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = b.buildIndexes(ctx, group)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("store: finish bulk load: %w", err)
	}
	p := b.partition
	err := b.store.InTx(ctx, func(tx *sqlx.Tx) error {
		// Locking the run holds off the sweep that would close it until
		// the load is the channel's, and its records with it.
		if err := holdRunBriefly(ctx, tx); err != nil {
			return err
		}
		var status string
		if err := tx.GetContext(ctx, &status, `SELECT status FROM sync_runs WHERE id = $1 FOR UPDATE`, b.runID); err != nil {
			return notFound(err, ErrRunClosed)
		}
		if status != "running" {
			return ErrRunClosed
		}
		for _, q := range []string{
			`ALTER TABLE ` + b.table + ` ADD CONSTRAINT ` + p + `_pkey PRIMARY KEY USING INDEX ` + p + `_pkey,
				ADD CONSTRAINT ` + p + `_external_key UNIQUE USING INDEX ` + p + `_external_key`,
			attachListingsSQL(b.table, b.channelID),
			`ALTER TABLE ` + b.table + ` RENAME TO ` + p,
		} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `UPDATE channels SET listings = $1, unconfirmed = $2 WHERE id = $3`,
			b.listings.Load(), b.unconfirmed.Load(), b.channelID)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: finish bulk load: %w", err)
	}
	b.store.partitions.Store(b.channelID, struct{}{})
	// Statistics now, not when autovacuum comes round: until then the
	// planner cannot tell a common search term from a rare one in the
	// channel's listings (store.listingSearch).
	if _, err := b.store.DB.ExecContext(ctx, `ANALYZE `+p); err != nil {
		return fmt.Errorf("store: finish bulk load: analyze: %w", err)
	}
	return nil
}

// buildIndexes builds indexes in a transaction of their own, with memory
// enough to sort a million keys without spilling to disk, and no parallel
// workers: the other group is the other core's work.
func (b *BulkLoad) buildIndexes(ctx context.Context, statements []string) error {
	return b.store.InTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `SET LOCAL maintenance_work_mem = '256MB'; SET LOCAL max_parallel_maintenance_workers = 0`); err != nil {
			return err
		}
		for _, q := range statements {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
}
