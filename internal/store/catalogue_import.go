package store

import (
	"context"
	"errors"
	"fmt"
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
	// Withdrawn are the external ids of listings the channel no longer
	// sells: a stored copy nobody linked is deleted, which takes it off the
	// unconfirmed list. A linked one stays, with its link, for when the
	// listing is sold again.
	Withdrawn []string
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
	if err := s.ensureListingsPartition(ctx, b.ChannelID); err != nil {
		return catalogue.Counts{}, err
	}
	write := func(ctx context.Context, tx *sqlx.Tx, rows []catalogue.Row) (catalogue.Counts, []catalogue.Failure, error) {
		return s.writeBatch(ctx, tx, b.ChannelID, b.RunID, b.Rematch, rows)
	}
	counts, err := s.importListings(ctx, b, write)
	var pqErr *pq.Error
	if errors.As(err, &pqErr) && pqErr.Code == "23505" && clearHints(b.Rows) {
		// A listing the importer believed new was stored after all (its view
		// of the channel went stale): the batch rolled back, so import it
		// again the slow way, which checks every listing.
		counts, err = s.importListings(ctx, b, write)
	}
	if err != nil {
		return counts, fmt.Errorf("store: import listings: %w", err)
	}
	return counts, nil
}

// batchWriter writes a batch's rows (each listing once) and returns what it
// counted and the rows it refused as failures.
type batchWriter func(ctx context.Context, tx *sqlx.Tx, rows []catalogue.Row) (catalogue.Counts, []catalogue.Failure, error)

// importListings applies a batch in one transaction: its rows through write,
// its failures, and the run's progress.
func (s *Store) importListings(ctx context.Context, b ImportBatch, write batchWriter) (catalogue.Counts, error) {
	var counts catalogue.Counts
	rows := lastPerExternalID(b.Rows)
	err := s.importTx(ctx, func(tx *sqlx.Tx) error {
		c := catalogue.Counts{Unchanged: b.Unchanged, Synced: b.UnchangedSynced}
		failures := b.Failures
		if len(rows) > 0 {
			// An import can be re-run from the channel, so a crash that loses
			// the last few milliseconds of commits loses nothing that matters.
			// A prepared insert's plan does not depend on its arrays:
			// planning it once per connection is enough.
			if _, err := tx.ExecContext(ctx, `SET LOCAL synchronous_commit = off;
				SET LOCAL plan_cache_mode = force_generic_plan`); err != nil {
				return err
			}
			written, dups, err := write(ctx, tx, rows)
			if err != nil {
				return err
			}
			failures = append(append([]catalogue.Failure(nil), failures...), dups...)
			c = c.Add(written)
		}
		if err := insertFailures(ctx, tx, b.RunID, failures); err != nil {
			return err
		}
		if err := withdraw(ctx, tx, b.ChannelID, b.Withdrawn); err != nil {
			return err
		}
		if err := trackFailing(ctx, tx, b.ChannelID, b.RunID, rows, failures); err != nil {
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

// withdraw takes listings the channel no longer sells off the unconfirmed
// list (a linked one keeps its link) and off the failing ones: a listing
// not for sale has nothing to fix.
func withdraw(ctx context.Context, tx *sqlx.Tx, channelID int64, externalIDs []string) error {
	if len(externalIDs) == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM channel_items WHERE channel_id = $1 AND external_id = ANY($2) AND item_id IS NULL`, channelID, pq.Array(externalIDs))
	if err == nil {
		_, err = tx.ExecContext(ctx, `DELETE FROM failing_listings WHERE channel_id = $1 AND external_id = ANY($2)`, channelID, pq.Array(externalIDs))
	}
	return err
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

// importTx runs fn in a transaction on the import connections, again when
// PostgreSQL chose it as a deadlock victim (two channels linking the same
// items at once).
func (s *Store) importTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := inTx(ctx, s.imports, fn)
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
