package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"stocksync/internal/catalogue"
)

// enqueue asks for the channels' pushes in tx: each channel whose push is
// not queued already gets a job (see migration 00035). Without an enqueuer
// (a store used by a command that runs no jobs) the marks wait for the
// sweep of a running server.
//
// Changes must not wait on each other here: a burst of documents would
// commit one after another. So each change holds its channels' wake-up
// locks in shared mode until it commits, and reads the flag without
// locking its row; only a change that finds no push queued writes it. A
// push ends its pass under the same lock in exclusive mode (FinishPush),
// which it gets only once no change that may have read "queued" is still
// running, so every such change's marks are seen by the pass that ends.
func (s *Store) enqueue(ctx context.Context, tx *sqlx.Tx, channelIDs []int64, trigger string) error {
	if s.enqueuePush == nil || len(channelIDs) == 0 {
		return nil
	}
	ids := distinct(channelIDs)
	if _, err := tx.ExecContext(ctx, `SELECT push_wakeup_lock_shared($1)`, pq.Array(ids)); err != nil {
		return fmt.Errorf("store: wake pushes: %w", err)
	}
	// A statement of its own: its snapshot must be taken after the locks.
	var wake []int64
	if err := tx.SelectContext(ctx, &wake, `INSERT INTO push_wakeups AS w (channel_id, queued)
		SELECT id, true FROM unnest($1::bigint[]) AS u(id)
		WHERE NOT EXISTS (SELECT 1 FROM push_wakeups q WHERE q.channel_id = u.id AND q.queued) ORDER BY id
		ON CONFLICT (channel_id) DO UPDATE SET queued = true WHERE NOT w.queued
		RETURNING channel_id`, pq.Array(ids)); err != nil {
		return fmt.Errorf("store: wake pushes: %w", err)
	}
	if len(wake) == 0 {
		return nil
	}
	return s.enqueuePush(ctx, tx, wake, trigger)
}

// FinishPush ends a push's pass when nothing is left to send: once no
// change that may have seen its push queued is still running, the flag is
// cleared (a change from then on enqueues another push) and the backlog
// looked at again. It reports false, leaving the flag set, when a change
// is still running or left marks: the pass goes on. conn is the push's own
// session, which must not be in a transaction.
func (s *Store) FinishPush(ctx context.Context, conn *sql.Conn, channelID int64) (bool, error) {
	var got bool
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock(hashtext('push_wakeup'), $1::int)`, channelID).Scan(&got); err != nil {
		return false, fmt.Errorf("store: finish push of channel %d: %w", channelID, err)
	}
	if !got {
		return false, nil
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(hashtext('push_wakeup'), $1::int)`, channelID)
	if _, err := conn.ExecContext(ctx, `UPDATE push_wakeups SET queued = false WHERE channel_id = $1 AND queued`, channelID); err != nil {
		return false, fmt.Errorf("store: finish push of channel %d: %w", channelID, err)
	}
	// On conn, never on the pool: documents waiting for this lock hold pool
	// connections, and with the pool all theirs this pass would wait for
	// them while they wait for it.
	b, err := pushBacklog(ctx, conn, channelID)
	if err != nil {
		return false, err
	}
	return b.Listings == 0, nil
}

// pushLinked brings newly linked listings to their items' quantity (§1.3):
// the same marks and job as a document's.
func (s *Store) pushLinked(ctx context.Context, tx *sqlx.Tx, itemIDs []int64) error {
	return s.availabilityChanged(ctx, tx, itemIDs)
}

// AfterSync runs when a sync (run runID) has imported its listings and
// orders: listings whose channel quantity is not the one we pushed are
// flagged as drifted (someone edited stock on the channel) or cleared, and
// listings whose quantity differs from what the channel shows (new links,
// rules changed) are marked, and the channel's push enqueued, in one
// transaction. A listing the sync may have read before a change we know of
// (a push it took, a sale it made: shown_at after the run began) is not
// judged on that read: it shows what we know it shows, and the next sync
// judges it.
func (s *Store) AfterSync(ctx context.Context, channelID, runID int64) (drifted int, err error) {
	err = s.InTx(ctx, func(tx *sqlx.Tx) error {
		if err := tx.GetContext(ctx, &drifted, `WITH run AS (
			SELECT started_at FROM sync_runs WHERE id = $2
		), l AS (
			SELECT c.id, COALESCE(c.shown_at >= run.started_at, false) AS newer FROM channel_items c, run
			WHERE c.channel_id = $1 AND c.pushed_quantity IS NOT NULL AND c.push_sending IS NULL
			  AND CASE WHEN c.shown_at >= run.started_at THEN c.quantity IS DISTINCT FROM c.pushed_quantity
			      ELSE (c.drift_since IS NULL) = (c.quantity IS DISTINCT FROM c.pushed_quantity) END
			ORDER BY c.id FOR NO KEY UPDATE OF c
		), u AS (
			UPDATE channel_items c SET quantity = CASE WHEN l.newer THEN c.pushed_quantity ELSE c.quantity END,
				drift_since = CASE WHEN l.newer THEN c.drift_since
					WHEN c.quantity IS DISTINCT FROM c.pushed_quantity THEN now() END
			FROM l WHERE c.channel_id = $1 AND c.id = l.id RETURNING c.drift_since, l.newer
		) SELECT count(*) FILTER (WHERE drift_since IS NOT NULL AND NOT newer) FROM u`, channelID, runID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, markDueSQL, channelID); err != nil {
			return err
		}
		var waiting bool
		if err := tx.GetContext(ctx, &waiting, `SELECT EXISTS (SELECT 1 FROM channel_items WHERE channel_id = $1
			AND (stock_push_pending OR push_sending IS NOT NULL))`, channelID); err != nil {
			return err
		}
		if !waiting {
			return nil
		}
		return s.enqueue(ctx, tx, []int64{channelID}, "sync")
	})
	if err != nil {
		return 0, fmt.Errorf("store: after sync of channel %d: %w", channelID, err)
	}
	return drifted, nil
}

// PushItemNow sends the item's quantity to every tracked listing linked to
// it, even one that shows it already (Push Stock), and returns how many
// listings it asked for.
func (s *Store) PushItemNow(ctx context.Context, itemID int64) (int, error) {
	var n int
	err := s.InTx(ctx, func(tx *sqlx.Tx) error {
		var channels []int64
		if err := tx.SelectContext(ctx, &channels, `WITH l AS (
			SELECT id, channel_id FROM channel_items WHERE item_id = $1 AND quantity IS NOT NULL ORDER BY id FOR NO KEY UPDATE
		), u AS (
			UPDATE channel_items c SET stock_push_pending = true, push_force = true, push_marked_at = clock_timestamp(),
				push_retry_at = NULL
			FROM l WHERE c.channel_id = l.channel_id AND c.id = l.id RETURNING c.channel_id
		) SELECT channel_id FROM u`, itemID); err != nil {
			return err
		}
		n = len(channels)
		return s.enqueue(ctx, tx, distinct(channels), "manual")
	})
	if err != nil {
		return 0, fmt.Errorf("store: push item %d: %w", itemID, err)
	}
	return n, nil
}

// OverwriteDrift sends our quantity to every drifted listing of the
// channel, accepting what the channel shows as the starting point (so the
// channel's check that its stock did not move passes), and returns how
// many it asked for.
func (s *Store) OverwriteDrift(ctx context.Context, channelID int64) (int, error) {
	var n int
	err := s.InTx(ctx, func(tx *sqlx.Tx) error {
		if err := tx.GetContext(ctx, &n, `WITH l AS (
			SELECT id FROM channel_items WHERE channel_id = $1 AND drift_since IS NOT NULL AND item_id IS NOT NULL
			  AND quantity IS NOT NULL AND push_sending IS NULL ORDER BY id FOR NO KEY UPDATE
		), u AS (
			UPDATE channel_items c SET pushed_quantity = c.quantity, stock_push_pending = true, push_force = true,
				push_marked_at = clock_timestamp(), push_retry_at = NULL, push_stale = false, push_failures = 0
			FROM l WHERE c.channel_id = $1 AND c.id = l.id RETURNING 1
		) SELECT count(*) FROM u`, channelID); err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
		return s.enqueue(ctx, tx, []int64{channelID}, "manual")
	})
	if err != nil {
		return 0, fmt.Errorf("store: overwrite drift of channel %d: %w", channelID, err)
	}
	return n, nil
}

// PushRules are what a channel is sent: its buffer, maximum and the
// warehouses it draws from (none: all).
type PushRules struct {
	Buffer     int     `db:"push_buffer"`
	Maximum    *int    `db:"push_maximum"`
	Warehouses []int64 `db:"-"`
}

// SetPushRules saves a channel's rules and marks its listings whose
// quantity they change, in one transaction.
func (s *Store) SetPushRules(ctx context.Context, channelID int64, r PushRules) error {
	var whs any
	if len(r.Warehouses) > 0 {
		whs = pq.Array(r.Warehouses)
	}
	err := s.InTx(ctx, func(tx *sqlx.Tx) error {
		if len(r.Warehouses) > 0 {
			var found int
			if err := tx.GetContext(ctx, &found, `SELECT count(*) FROM warehouses WHERE id = ANY($1)`, pq.Array(r.Warehouses)); err != nil {
				return err
			}
			if found != len(distinct(r.Warehouses)) {
				return ErrNoWarehouse
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE channels SET push_buffer = $2, push_maximum = $3, push_warehouse_ids = $4
			WHERE id = $1 AND disconnected_at IS NULL`, channelID, r.Buffer, r.Maximum, whs)
		if err != nil {
			return mapFK(err)
		}
		if err := mustAffect(res, ErrChannelNotFound); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, markDueSQL, channelID); err != nil {
			return err
		}
		return s.enqueue(ctx, tx, []int64{channelID}, "change")
	})
	if err != nil {
		return fmt.Errorf("store: push rules of channel %d: %w", channelID, err)
	}
	return nil
}

// ChannelPushRules reads a channel's rules.
func (s *Store) ChannelPushRules(ctx context.Context, channelID int64) (PushRules, error) {
	var r PushRules
	var whs pq.Int64Array
	err := s.DB.QueryRowxContext(ctx, `SELECT push_buffer, push_maximum, push_warehouse_ids FROM channels WHERE id = $1`, channelID).
		Scan(&r.Buffer, &r.Maximum, &whs)
	if err != nil {
		return r, fmt.Errorf("store: push rules of channel %d: %w", channelID, notFound(err, ErrChannelNotFound))
	}
	r.Warehouses = whs
	return r, nil
}

// ItemPushes lists the item's linked listings with what a push sends each.
func (s *Store) ItemPushes(ctx context.Context, itemID int64) ([]catalogue.ListingPush, error) {
	var out []catalogue.ListingPush
	err := s.DB.SelectContext(ctx, &out, `SELECT c.id, c.channel_id, ch.name AS channel_name, c.external_id, `+labelSQL("c")+` AS label,
		COALESCE(w.on_hand, 0) AS on_hand, COALESCE(w.committed, 0) AS committed, COALESCE(w.on_hand - w.committed, 0) AS available,
		ch.push_buffer, ch.push_maximum, ch.push_warehouse_ids IS NULL AS all_warehouses,
		CASE WHEN c.quantity IS NOT NULL THEN `+desiredSQL+` END AS desired,
		COALESCE(c.pushed_quantity, c.quantity) AS shown, c.quantity, c.pushed_quantity, c.pushed_at,
		c.stock_push_pending AS pending, c.push_sending, c.push_error, c.push_retry_at, c.drift_since, c.link_source
		FROM channel_items c JOIN channels ch ON ch.id = c.channel_id
		LEFT JOIN LATERAL (SELECT sum(b.on_hand)::bigint AS on_hand, sum(b.committed)::bigint AS committed FROM stock_balances b
			WHERE b.item_id = c.item_id AND (ch.push_warehouse_ids IS NULL OR b.warehouse_id = ANY(ch.push_warehouse_ids))) w ON true
		WHERE c.item_id = $1 ORDER BY ch.name, c.id`, itemID)
	if err != nil {
		return nil, fmt.Errorf("store: pushes of item %d: %w", itemID, err)
	}
	return out, nil
}

// DriftedListing is one row of a channel's drift report.
type DriftedListing struct {
	ID       int64     `db:"id"`
	ItemID   int64     `db:"item_id"`
	ItemName string    `db:"item_name"`
	Label    string    `db:"label"`
	Ours     int       `db:"ours"`   // what we would send now
	Pushed   int       `db:"pushed"` // what we last pushed, less what the channel sold since
	Theirs   int       `db:"theirs"` // what the channel's last sync read
	Since    time.Time `db:"drift_since"`
}

// DriftReport lists the channel's drifted listings, longest drifted first.
func (s *Store) DriftReport(ctx context.Context, channelID int64, limit int) ([]DriftedListing, int, error) {
	var out []DriftedListing
	err := s.DB.SelectContext(ctx, &out, `SELECT c.id, c.item_id, i.name AS item_name, `+labelSQL("c")+` AS label,
		`+desiredSQL+` AS ours, c.pushed_quantity AS pushed, c.quantity AS theirs, c.drift_since
		FROM channel_items c JOIN channels ch ON ch.id = c.channel_id JOIN items i ON i.id = c.item_id
		WHERE c.channel_id = $1 AND c.drift_since IS NOT NULL AND c.item_id IS NOT NULL
		  AND c.quantity IS NOT NULL AND c.pushed_quantity IS NOT NULL
		ORDER BY c.drift_since, c.id LIMIT $2`, channelID, limit)
	if err != nil {
		return nil, 0, fmt.Errorf("store: drift report of channel %d: %w", channelID, err)
	}
	var total int
	if err := s.DB.GetContext(ctx, &total, `SELECT count(*) FROM channel_items WHERE channel_id = $1 AND drift_since IS NOT NULL`, channelID); err != nil {
		return nil, 0, fmt.Errorf("store: drift count of channel %d: %w", channelID, err)
	}
	return out, total, nil
}

func distinct(ids []int64) []int64 {
	seen := map[int64]bool{}
	out := ids[:0:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// PushQueue is what waits to be pushed on a channel: listings marked or in
// flight, those the channel refused last time, and when the next refused
// one is tried again.
type PushQueue struct {
	Waiting   int        `db:"waiting"`
	Refused   int        `db:"refused"`
	NextRetry *time.Time `db:"next_retry"`
	LastError *string    `db:"last_error"`
}

func (s *Store) ChannelPushQueue(ctx context.Context, channelID int64) (PushQueue, error) {
	var q PushQueue
	err := s.DB.GetContext(ctx, &q, `SELECT count(*) AS waiting, count(*) FILTER (WHERE push_error IS NOT NULL) AS refused,
		min(push_retry_at) FILTER (WHERE push_error IS NOT NULL) AS next_retry,
		(array_agg(push_error ORDER BY push_retry_at) FILTER (WHERE push_error IS NOT NULL))[1] AS last_error
		FROM channel_items WHERE channel_id = $1 AND (stock_push_pending OR push_sending IS NOT NULL)`, channelID)
	if err != nil {
		return q, fmt.Errorf("store: push queue of channel %d: %w", channelID, err)
	}
	return q, nil
}
