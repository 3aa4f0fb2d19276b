package store

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"stocksync/internal/catalogue"
)

// ImportBatch is one or more pages of a channel's listings, already split by
// catalogue.Prepare into rows to import and failures.
type ImportBatch struct {
	ChannelID int64
	RunID     int64
	Pages     int
	Rows      []catalogue.Row
	Failures  []catalogue.Failure
	// RecordsTotal is the channel's own count of the whole fetch, when known.
	RecordsTotal *int
	// Rematch asks unconfirmed listings that did not change to look for a
	// matching item again; needed only when items changed since they last did.
	Rematch bool
	// Unchanged listings the importer recognised from their fingerprints
	// and did not send, and how many of them are linked: counted, not written.
	Unchanged, UnchangedSynced int
}

// ImportListings applies one batch in one transaction, set-based: the rows
// are copied into a staging table, listings whose SKU clashes within the
// channel become failures, the rest are upserted and auto-linked by one
// statement, and the run's progress moves on in the same transaction. A
// crash leaves either the whole batch or none of it.
func (s *Store) ImportListings(ctx context.Context, b ImportBatch) (catalogue.Counts, error) {
	counts, err := s.importListings(ctx, b)
	var pqErr *pq.Error
	if errors.As(err, &pqErr) && pqErr.Code == "23505" && clearHints(b.Rows) {
		// A listing the importer believed new was stored after all (its view
		// of the channel went stale): the batch rolled back, so import it
		// again the slow way, which checks every listing.
		counts, err = s.importListings(ctx, b)
	}
	if err != nil {
		return counts, fmt.Errorf("store: import listings: %w", err)
	}
	return counts, nil
}

func (s *Store) importListings(ctx context.Context, b ImportBatch) (catalogue.Counts, error) {
	var counts catalogue.Counts
	rows := lastPerExternalID(b.Rows)
	err := s.withDeadlockRetry(ctx, func(tx *sqlx.Tx) error {
		c := catalogue.Counts{Unchanged: b.Unchanged, Synced: b.UnchangedSynced}
		failures := b.Failures
		if len(rows) > 0 {
			// An import can be re-run from the channel, so a crash that loses
			// the last few milliseconds of commits loses nothing that matters.
			// The estimates of a big batch trip JIT compilation, which costs
			// more than the statements save.
			if _, err := tx.ExecContext(ctx, `SET LOCAL synchronous_commit = off; SET LOCAL jit = off`); err != nil {
				return err
			}
			written, dups, err := writeBatch(ctx, tx, b.ChannelID, b.Rematch, rows)
			if err != nil {
				return err
			}
			failures = append(append([]catalogue.Failure(nil), failures...), dups...)
			c = c.Add(written)
		}
		if err := insertFailures(ctx, tx, b.RunID, failures); err != nil {
			return err
		}
		repeats := len(b.Rows) - len(rows) // a listing twice in the batch counts once as read, once unchanged
		c.Failed = len(failures)
		c.Unchanged += repeats
		c.Records = c.New + c.Updated + c.Unchanged + c.Failed
		if err := addRunProgress(ctx, tx, b.RunID, b.Pages, b.RecordsTotal, c); err != nil {
			return err
		}
		counts = c
		return nil
	})
	return counts, err
}

// allNew tells whether the importer vouched for every row as new, with a SKU
// new to the channel: nothing to look up before inserting.
func allNew(rows []catalogue.Row) bool {
	for _, r := range rows {
		if !r.New || !r.SKUNew {
			return false
		}
	}
	return true
}

// allSKUsNew tells whether the importer vouched for every row's SKU as new
// to the channel, which also means no two rows share one: nothing to check.
func allSKUsNew(rows []catalogue.Row) bool {
	for _, r := range rows {
		if !r.SKUNew {
			return false
		}
	}
	return true
}

// clearHints forgets what an importer told of rows, and tells whether it had
// told anything.
func clearHints(rows []catalogue.Row) bool {
	had := false
	for i := range rows {
		had = had || rows[i].New || rows[i].SKUNew
		rows[i].New, rows[i].SKUNew = false, false
	}
	return had
}

// withDeadlockRetry runs fn in a transaction, again when PostgreSQL chose it
// as a deadlock victim (two channels linking the same items at once).
func (s *Store) withDeadlockRetry(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := s.InTx(ctx, fn)
		var pqErr *pq.Error
		if attempt < 5 && errors.As(err, &pqErr) && (pqErr.Code == "40P01" || pqErr.Code == "40001") {
			time.Sleep(time.Duration(attempt*attempt) * 10 * time.Millisecond)
			continue
		}
		return err
	}
}

// lastPerExternalID keeps the last copy of a listing a batch holds twice
// (a channel may page over a listing that changed meanwhile). Rows are told
// apart by their 64-bit key, then by external id when two keys are equal.
func lastPerExternalID(rows []catalogue.Row) []catalogue.Row {
	seen := make(map[int64]int, len(rows))
	out := make([]catalogue.Row, 0, len(rows))
	for _, r := range rows {
		if r.Key == 0 {
			r.Key = catalogue.ListingKey(r.ExternalID)
		}
		if i, ok := seen[r.Key]; ok {
			if out[i].ExternalID != r.ExternalID {
				return lastPerExternalIDByText(rows)
			}
			out[i] = r
			continue
		}
		seen[r.Key] = len(out)
		out = append(out, r)
	}
	return out
}

// lastPerExternalIDByText is lastPerExternalID for a batch holding two ids
// with one key, which practically never happens.
func lastPerExternalIDByText(rows []catalogue.Row) []catalogue.Row {
	seen := make(map[string]int, len(rows))
	out := make([]catalogue.Row, 0, len(rows))
	for _, r := range rows {
		if r.Key == 0 {
			r.Key = catalogue.ListingKey(r.ExternalID)
		}
		if i, ok := seen[r.ExternalID]; ok {
			out[i] = r
			continue
		}
		seen[r.ExternalID] = len(out)
		out = append(out, r)
	}
	return out
}

func stageListings(ctx context.Context, tx *sqlx.Tx, rows []catalogue.Row) error {
	if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE staging_listings (
		external_id text NOT NULL, listing_key bigint NOT NULL, fingerprint bigint NOT NULL,
		product_id text NOT NULL, sku text COLLATE "C" NOT NULL, name text NOT NULL,
		price numeric(14,4), quantity integer, inventory_ref text NOT NULL, updated_at timestamptz,
		is_new boolean NOT NULL, sku_new boolean NOT NULL,
		dup boolean NOT NULL DEFAULT false) ON COMMIT DROP`); err != nil {
		return fmt.Errorf("create staging: %w", err)
	}
	stmt, err := tx.PrepareContext(ctx, pq.CopyIn("staging_listings",
		"external_id", "listing_key", "fingerprint", "product_id", "sku", "name", "price", "quantity",
		"inventory_ref", "updated_at", "is_new", "sku_new"))
	if err != nil {
		return fmt.Errorf("copy: %w", err)
	}
	lookups, known := false, false
	for _, r := range rows {
		var price, updated any
		if r.Price != "" {
			price = r.Price
		}
		if !r.UpdatedAt.IsZero() {
			updated = r.UpdatedAt
		}
		var qty any
		if r.Quantity != nil {
			qty = *r.Quantity
		}
		lookups = lookups || !r.New || !r.SKUNew
		known = known || !r.New
		if _, err := stmt.ExecContext(ctx, r.ExternalID, r.Key, r.Fingerprint, r.ProductID, r.SKU, r.Name, price, qty,
			r.InventoryRef, updated, r.New, r.SKUNew); err != nil {
			stmt.Close()
			return fmt.Errorf("copy: %w", err)
		}
	}
	if _, err := stmt.ExecContext(ctx); err != nil {
		stmt.Close()
		return fmt.Errorf("copy: %w", err)
	}
	if err := stmt.Close(); err != nil {
		return err
	}
	// Listings the importer vouched for as new, with SKUs new to the channel,
	// need neither the index nor the statistics: nothing looks them up.
	if lookups {
		if _, err := tx.ExecContext(ctx, `CREATE INDEX ON staging_listings (external_id)`); err != nil {
			return err
		}
	}
	if known {
		// The planner needs the batch's size and shape, which a fresh
		// temporary table does not have.
		if _, err := tx.ExecContext(ctx, `ANALYZE staging_listings`); err != nil {
			return err
		}
	}
	return nil
}

// duplicateSKUFailures marks and removes staged listings whose SKU another
// listing of the channel also has (in this batch, or stored and not being
// replaced by this batch), and returns them as failures naming both. Stored
// listings are looked up only for rows whose SKU the importer could not
// vouch for as new to the channel.
//
// Lookups into channel_items are written as LATERAL subqueries with LIMIT so
// that each is an index lookup per staged listing: during a first import the
// table grows faster than its statistics, and a planner that believes it
// small would otherwise scan all of it for every listing.
func duplicateSKUFailures(ctx context.Context, tx *sqlx.Tx, channelID int64, rows []catalogue.Row) ([]catalogue.Failure, error) {
	var marked int
	if err := tx.GetContext(ctx, &marked, `WITH in_batch AS (
			UPDATE staging_listings s SET dup = true
			FROM (SELECT sku FROM staging_listings WHERE sku <> '' GROUP BY sku HAVING count(*) > 1) d
			WHERE s.sku = d.sku RETURNING 1
		), stored AS (
			UPDATE staging_listings s SET dup = true
			FROM (SELECT s1.external_id FROM staging_listings s1
				CROSS JOIN LATERAL (SELECT 1 FROM channel_items c
					WHERE c.channel_id = $1 AND c.sku = s1.sku AND c.sku <> '' AND c.external_id <> s1.external_id
					  AND NOT EXISTS (SELECT 1 FROM staging_listings s2 WHERE s2.external_id = c.external_id)
					LIMIT 1) clash
				WHERE s1.sku <> '' AND NOT s1.sku_new) x
			WHERE s.external_id = x.external_id RETURNING 1
		) SELECT (SELECT count(*) FROM in_batch) + (SELECT count(*) FROM stored)`, channelID); err != nil {
		return nil, err
	}
	if marked == 0 {
		return nil, nil
	}
	var groups []struct {
		SKU string         `db:"sku"`
		IDs pq.StringArray `db:"ids"`
	}
	if err := tx.SelectContext(ctx, &groups, `SELECT d.sku, array_agg(DISTINCT x.external_id ORDER BY x.external_id) AS ids
		FROM (SELECT DISTINCT sku FROM staging_listings WHERE dup) d
		CROSS JOIN LATERAL (
			SELECT external_id FROM staging_listings WHERE dup AND sku = d.sku
			UNION ALL
			SELECT c.external_id FROM channel_items c
			WHERE c.channel_id = $1 AND c.sku = d.sku AND c.sku <> ''
			  AND NOT EXISTS (SELECT 1 FROM staging_listings s2 WHERE s2.external_id = c.external_id)
		) x GROUP BY d.sku`, channelID); err != nil {
		return nil, err
	}
	var dupIDs []string
	if err := tx.SelectContext(ctx, &dupIDs, `DELETE FROM staging_listings WHERE dup RETURNING external_id`); err != nil {
		return nil, err
	}
	idsBySKU := make(map[string][]string, len(groups))
	for _, g := range groups {
		idsBySKU[g.SKU] = g.IDs
	}
	byID := make(map[string]catalogue.Row, len(dupIDs))
	for _, r := range rows {
		byID[r.ExternalID] = r
	}
	sort.Strings(dupIDs)
	failures := make([]catalogue.Failure, 0, len(dupIDs))
	for _, id := range dupIDs {
		r := byID[id]
		failures = append(failures, catalogue.Failure{
			ExternalID: id,
			Label:      catalogue.Label(r.SKU, r.Name, id),
			Cause:      catalogue.DuplicateSKUCause(r.SKU, idsBySKU[r.SKU]),
			Raw:        catalogue.CapRaw(r.Raw),
		})
	}
	return failures, nil
}

// ItemsChangedSince tells whether any item was created or edited (SKU, name,
// active) at or after t, which is when unconfirmed listings must look for a
// match again.
func (s *Store) ItemsChangedSince(ctx context.Context, t time.Time) (bool, error) {
	var changed bool
	if err := s.DB.GetContext(ctx, &changed, `SELECT EXISTS (SELECT 1 FROM items WHERE updated_at >= $1)`, t); err != nil {
		return false, fmt.Errorf("store: items changed: %w", err)
	}
	return changed, nil
}
