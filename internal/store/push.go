package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// The stock push (DESIGN §1.8) works from marks in the database, never from
// memory: a document marks the listings of the items it changed, in its own
// transaction; the push takes marked listings, computes what each should
// show, sends the differences and records each listing's outcome. What is
// being sent is written down before the call (push_sending, push_key), so a
// process that dies mid-call leaves its listings to be sent again under the
// same idempotency key.

// availabilityChanged marks the tracked listings of the items for the
// stock push (stock_mark, migration 00039), enqueues their channels' pushes and tells the hook, all in
// the caller's transaction: a rolled-back change marks and enqueues
// nothing, a committed one is never missed.
func (s *Store) availabilityChanged(ctx context.Context, tx *sqlx.Tx, itemIDs []int64) error {
	if len(itemIDs) == 0 {
		return nil
	}
	var channels pq.Int64Array
	if err := tx.GetContext(ctx, &channels, `SELECT stock_mark($1)`, pq.Array(itemIDs)); err != nil {
		return fmt.Errorf("store: mark for push: %w", err)
	}
	return s.availabilityChangedMarked(ctx, tx, itemIDs, channels)
}

// availabilityChangedMarked is availabilityChanged once the listings are
// marked (a document marks them in its own statement).
func (s *Store) availabilityChangedMarked(ctx context.Context, tx *sqlx.Tx, itemIDs, channels []int64) error {
	if err := s.enqueue(ctx, tx, channels, "change"); err != nil {
		return err
	}
	if s.hook != nil && len(itemIDs) > 0 {
		if err := s.hook(ctx, tx, itemIDs); err != nil {
			return fmt.Errorf("store: availability hook: %w", err)
		}
	}
	return nil
}

// desiredSQL is what a listing c (with item_id) of channel ch should show:
// the item's available quantity over the warehouses the channel draws from,
// less its buffer, at most its maximum, never below 0 (§1.7, 1.8).
const desiredSQL = `GREATEST(0, LEAST(
	COALESCE(CASE WHEN ch.push_warehouse_ids IS NULL
		THEN (SELECT s.available FROM item_stock s WHERE s.item_id = c.item_id)
		ELSE (SELECT sum(b.on_hand - b.committed) FROM stock_balances b
		      WHERE b.item_id = c.item_id AND b.warehouse_id = ANY(ch.push_warehouse_ids)) END, 0) - ch.push_buffer,
	COALESCE(ch.push_maximum, 2147483647)))::int`

// PushLine is one listing's quantity to send.
type PushLine struct {
	ID           int64  `db:"id"`
	ExternalID   string `db:"external_id"`
	InventoryRef string `db:"inventory_ref"`
	Quantity     int    `db:"push_sending"`
	// Previous is what the channel shows as far as we know, for channels
	// that refuse a write when their stock moved since (nil: overwrite).
	Previous *int   `db:"previous"`
	Key      string `db:"push_key"`
	// Failures is how many refusals in a row came before this attempt.
	Failures int `db:"push_failures"`
}

// ClaimPushes takes up to limit marked listings of the channel whose retry
// time has come, in one transaction: each whose quantity is already what
// the channel shows is settled, the rest are written down as in flight and
// returned, numbered into batches of batchSize under keys made of keyPrefix
// (what goes to zero first, then what falls, then what rises, since those
// are what oversell). Listings a dead push left in flight come back first,
// with their quantity and key, to be sent again. A disconnected or paused
// channel returns nothing and keeps its marks.
func (s *Store) ClaimPushes(ctx context.Context, channelID int64, limit, batchSize int, keyPrefix string) ([]PushLine, error) {
	var lines []PushLine
	err := s.InTx(ctx, func(tx *sqlx.Tx) error {
		// First the marks are taken (the rows locked and their marks
		// cleared); then, in a statement of its own and so with a newer
		// snapshot, each quantity is computed. A document that marked a
		// listing committed its stock with its mark, so the second
		// statement sees the stock of every mark the first one cleared; a
		// document still running marks the listing again after this
		// transaction. Computing in the first statement would read stock
		// from before a mark it clears.
		var taken []struct {
			ID     int64 `db:"id"`
			Forced bool  `db:"forced"`
		}
		if err := tx.SelectContext(ctx, &taken, `WITH c AS (
			SELECT ci.id, ci.push_force FROM channel_items ci JOIN channels ch ON ch.id = ci.channel_id
			WHERE ci.channel_id = $1 AND ch.disconnected_at IS NULL AND ch.enabled
			  AND (ci.stock_push_pending OR ci.push_sending IS NOT NULL)
			  AND (ci.push_retry_at IS NULL OR ci.push_retry_at <= now())
			ORDER BY ci.push_sending IS NULL, ci.id LIMIT $2
			FOR NO KEY UPDATE OF ci SKIP LOCKED
		) UPDATE channel_items ci SET stock_push_pending = false, push_force = false FROM c
			WHERE ci.channel_id = $1 AND ci.id = c.id RETURNING ci.id, c.push_force AS forced`, channelID, limit); err != nil {
			return err
		}
		if len(taken) == 0 {
			return nil
		}
		ids, forced := make([]int64, len(taken)), make([]bool, len(taken))
		for i, t := range taken {
			ids[i], forced[i] = t.ID, t.Forced
		}
		return tx.SelectContext(ctx, &lines, `WITH ch AS (
			SELECT id, push_buffer, push_maximum, push_warehouse_ids FROM channels WHERE id = $1
		), wanted AS (
			SELECT c.id, c.push_sending, c.push_stale, c.push_failures, f.forced,
				CASE WHEN c.item_id IS NOT NULL AND c.quantity IS NOT NULL THEN `+desiredSQL+` END AS desired,
				COALESCE(c.pushed_quantity, c.quantity) AS shown
			FROM unnest($2::bigint[], $3::bool[]) AS f(id, forced)
			JOIN channel_items c ON c.channel_id = $1 AND c.id = f.id CROSS JOIN ch
		), decided AS (
			SELECT w.id, w.push_sending IS NOT NULL AS resend,
				w.push_sending IS NULL AND w.desired IS NOT NULL AND (w.forced OR w.desired IS DISTINCT FROM w.shown) AS send,
				w.desired, w.shown, w.forced OR (w.push_stale AND w.push_failures >= 5) AS overwrite
			FROM wanted w
		), numbered AS (
			SELECT d.*, row_number() OVER (PARTITION BY d.send ORDER BY d.desired = 0 DESC, d.desired < d.shown DESC, d.id) AS n
			FROM decided d
		)
		UPDATE channel_items ci SET
			push_sending = CASE WHEN d.resend THEN ci.push_sending WHEN d.send THEN d.desired END,
			push_key = CASE WHEN d.resend THEN ci.push_key WHEN d.send THEN $5 || lpad(((d.n - 1) / $4)::text, 8, '0') END
		FROM numbered d
		WHERE ci.channel_id = $1 AND ci.id = d.id
		RETURNING ci.id, ci.external_id, ci.inventory_ref, COALESCE(ci.push_sending, -1) AS push_sending,
			CASE WHEN d.overwrite THEN NULL ELSE d.shown END AS previous, COALESCE(ci.push_key, '') AS push_key, ci.push_failures`,
			channelID, pq.Array(ids), pq.Array(forced), batchSize, keyPrefix)
	})
	if err != nil {
		return nil, fmt.Errorf("store: claim pushes of channel %d: %w", channelID, err)
	}
	lines = slices.DeleteFunc(lines, func(l PushLine) bool { return l.Quantity < 0 })
	slices.SortStableFunc(lines, func(a, b PushLine) int {
		if a.Key != b.Key {
			if a.Key < b.Key {
				return -1
			}
			return 1
		}
		return 0
	})
	return lines, nil
}

// PushOutcome is what the channel said of one PushLine.
type PushOutcome struct {
	ID    int64
	Err   string // "" when the channel took the quantity
	Stale bool   // refused because the channel's stock moved since
	// Quota: refused because the channel's quota is spent (its day's
	// budget, the listing's revisions of the day) until RetryAt.
	Quota bool
	// RetryAt is when to try a refused listing again.
	RetryAt time.Time
}

// RecordPushes records outcomes of listings sent under the run: a taken
// quantity becomes what the channel shows; a refusal is kept on the
// listing, which stays marked for its retry time. The run counts both and
// lists each refusal. One transaction.
func (s *Store) RecordPushes(ctx context.Context, channelID, runID int64, outcomes []PushOutcome) error {
	ids := make([]int64, len(outcomes))
	errs := make([]string, len(outcomes))
	stale := make([]bool, len(outcomes))
	quota := make([]bool, len(outcomes))
	retry := make([]time.Time, len(outcomes))
	failed := 0
	for i, o := range outcomes {
		ids[i], errs[i], stale[i], quota[i], retry[i] = o.ID, o.Err, o.Stale, o.Quota, o.RetryAt
		if o.Err != "" {
			failed++
		}
	}
	err := s.InTx(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, `WITH u AS (
			SELECT * FROM unnest($2::bigint[], $3::text[], $4::bool[], $5::timestamptz[], $9::bool[]) AS u(id, err, stale, retry_at, quota)
		), locked AS (
			SELECT ci.id FROM channel_items ci JOIN u ON u.id = ci.id WHERE ci.channel_id = $1 ORDER BY ci.id FOR NO KEY UPDATE OF ci
		), done AS (
			UPDATE channel_items ci SET
				pushed_quantity = CASE WHEN u.err = '' THEN ci.push_sending ELSE ci.pushed_quantity END,
				quantity = CASE WHEN u.err = '' THEN ci.push_sending ELSE ci.quantity END,
				pushed_at = CASE WHEN u.err = '' THEN now() ELSE ci.pushed_at END,
				shown_at = CASE WHEN u.err = '' THEN now() ELSE ci.shown_at END,
				drift_since = CASE WHEN u.err = '' THEN NULL ELSE ci.drift_since END,
				push_error = NULLIF(u.err, ''),
				push_failures = CASE WHEN u.err = '' THEN 0 ELSE ci.push_failures + 1 END,
				push_stale = u.err <> '' AND u.stale,
				push_quota = u.err <> '' AND u.quota,
				push_retry_at = CASE WHEN u.err = '' THEN NULL ELSE u.retry_at END,
				stock_push_pending = ci.stock_push_pending OR u.err <> '',
				push_sending = NULL, push_key = NULL
			FROM u JOIN locked k ON k.id = u.id WHERE ci.channel_id = $1 AND ci.id = u.id AND ci.push_sending IS NOT NULL
			RETURNING ci.id, ci.external_id, ci.sku, ci.name, u.err
		), failures AS (
			INSERT INTO sync_failures (run_id, external_id, label, cause)
			SELECT $6::bigint, d.external_id, `+labelSQL("d")+`, d.err FROM done d WHERE d.err <> '' AND $6::bigint > 0
		) UPDATE sync_runs SET records = records + $7, synced = synced + $7 - $8, failed = failed + $8
			WHERE id = $6::bigint`,
			channelID, pq.Array(ids), pq.Array(errs), pq.Array(stale), pq.Array(retry), runID, len(outcomes), failed, pq.Array(quota))
		return err
	})
	if err != nil {
		return fmt.Errorf("store: record pushes: %w", err)
	}
	return nil
}

// ChannelsToPush are the channels with marked listings whose retry time
// has come and no push job queued or running: a refused listing's retry
// time come, or a push whose job was lost.
func (s *Store) ChannelsToPush(ctx context.Context) ([]int64, error) {
	var ids []int64
	err := s.DB.SelectContext(ctx, &ids, `SELECT c.id FROM channels c
		WHERE c.disconnected_at IS NULL AND c.enabled AND EXISTS (
			SELECT 1 FROM channel_items ci WHERE ci.channel_id = c.id
			  AND (ci.stock_push_pending OR ci.push_sending IS NOT NULL)
			  AND (ci.push_retry_at IS NULL OR ci.push_retry_at <= now()))
		  AND NOT EXISTS (SELECT 1 FROM river_job j WHERE j.kind = 'stock_push'
			  AND j.state IN ('available', 'pending', 'running', 'retryable', 'scheduled')
			  AND (j.args->>'channel_id')::bigint = c.id)
		ORDER BY c.id`)
	if err != nil {
		return nil, fmt.Errorf("store: channels to push: %w", err)
	}
	return ids, nil
}

// markDueSQL marks every linked, tracked listing of channel $1 whose
// quantity differs from what the channel shows.
const markDueSQL = `WITH l AS (
	SELECT c.id FROM channel_items c JOIN channels ch ON ch.id = c.channel_id
	WHERE c.channel_id = $1 AND c.item_id IS NOT NULL AND c.quantity IS NOT NULL
	  AND NOT c.stock_push_pending AND c.push_sending IS NULL
	  AND ` + desiredSQL + ` IS DISTINCT FROM COALESCE(c.pushed_quantity, c.quantity)
	ORDER BY c.id FOR NO KEY UPDATE OF c
) UPDATE channel_items c SET stock_push_pending = true, push_marked_at = clock_timestamp() FROM l
	WHERE c.channel_id = $1 AND c.id = l.id`

// StartPushRun records a stock push of the channel as a run of kind stock.
func (s *Store) StartPushRun(ctx context.Context, channelID int64, trigger string, jobID int64) (int64, error) {
	return s.StartRun(ctx, channelID, "stock", trigger, jobID)
}

// FinishPushRun closes a push run; unlike a catalogue run it does not move
// the channel's sync schedule. cause "" is success.
func (s *Store) FinishPushRun(ctx context.Context, runID int64, cause string) error {
	_, err := s.DB.ExecContext(ctx, `UPDATE sync_runs SET status = CASE WHEN $2 = '' THEN 'succeeded' ELSE 'failed' END,
		error = NULLIF($2, ''), finished_at = now() WHERE id = $1 AND status = 'running'`, runID, cause)
	if err != nil {
		return fmt.Errorf("store: finish push run: %w", err)
	}
	return nil
}

// PushBacklog is what waits to be pushed on a channel now: how many
// listings, and how long since the last of them was marked (by the
// database's clock, which marked them).
type PushBacklog struct {
	Listings int
	Quiet    time.Duration
}

func (s *Store) PushBacklog(ctx context.Context, channelID int64) (PushBacklog, error) {
	return pushBacklog(ctx, s.DB, channelID)
}

// rowQuerier is what pushBacklog needs of a pool or of one connection.
type rowQuerier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func pushBacklog(ctx context.Context, q rowQuerier, channelID int64) (PushBacklog, error) {
	var b PushBacklog
	var quietMs float64
	err := q.QueryRowContext(ctx, `SELECT count(*), COALESCE(extract(epoch FROM clock_timestamp() - max(push_marked_at)) * 1000, 1e9)
		FROM channel_items WHERE channel_id = $1 AND (stock_push_pending OR push_sending IS NOT NULL)
		  AND (push_retry_at IS NULL OR push_retry_at <= now())`, channelID).Scan(&b.Listings, &quietMs)
	if err != nil {
		return b, fmt.Errorf("store: push backlog of channel %d: %w", channelID, err)
	}
	b.Quiet = time.Duration(quietMs * float64(time.Millisecond))
	return b, nil
}
