package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Bulk actions on listings (bulk_runs, migration 00019): one row and one
// River job per request, whatever its size. The job works the selection in
// chunks; each chunk is one transaction that writes its listings, records
// its skips and moves the run's position, so a retried job resumes where
// the last committed chunk ended.

const (
	BulkConfirm = "confirm"
	BulkLink    = "link"
)

// BulkChunk is how many listings one chunk transaction settles.
const BulkChunk = 1000

// ErrBulkNotFound: no such bulk run.
var ErrBulkNotFound = errors.New("store: no such bulk run")

// BulkRequest is what a person asked for. ListingIDs is an explicit
// selection (for a link, parallel to ItemIDs); otherwise Filter selects
// every unconfirmed listing matching it when the job starts.
type BulkRequest struct {
	Kind       string
	ListingIDs []int64
	ItemIDs    []int64
	Filter     *ChannelItemFilter
	By         int64
}

// BulkRun is a bulk action as its page shows it.
type BulkRun struct {
	ID          int64      `db:"id"`
	Kind        string     `db:"kind"`
	RequestedBy string     `db:"requested_by"`
	Total       int        `db:"total"`
	Position    int        `db:"position"`
	Done        int        `db:"done"`
	Skipped     int        `db:"skipped"`
	Status      string     `db:"status"`
	Error       *string    `db:"error"`
	CreatedAt   time.Time  `db:"created_at"`
	StartedAt   *time.Time `db:"started_at"`
	UpdatedAt   time.Time  `db:"updated_at"`
	FinishedAt  *time.Time `db:"finished_at"`
}

// BulkSkip is one listing a run left alone, and why.
type BulkSkip struct {
	ListingID   int64  `db:"channel_item_id"`
	Listing     string `db:"listing"`
	ChannelName string `db:"channel_name"`
	Reason      string `db:"reason"`
	Detail      string `db:"detail"`
	OtherItemID *int64 `db:"other_item_id"`
}

// bulkFilter is a filter as the run stores it.
type bulkFilter struct {
	Status    string `json:"status,omitempty"`
	ChannelID int64  `json:"channel_id,omitempty"`
	Q         string `json:"q,omitempty"`
}

// BulkEnqueueFunc queues the run's job in the transaction that records the
// run, so a run never exists without its job, nor a job without its run.
type BulkEnqueueFunc func(ctx context.Context, tx *sql.Tx, runID int64) error

// StartBulkRun records the request and queues its job, in one transaction.
// An explicit selection is kept in the order it will be worked (by listing
// id, each listing once: the first pair of a listing wins).
func (s *Store) StartBulkRun(ctx context.Context, r BulkRequest, enqueue BulkEnqueueFunc) (int64, error) {
	if r.Kind != BulkConfirm && r.Kind != BulkLink {
		return 0, fmt.Errorf("store: bulk run of unknown kind %q", r.Kind)
	}
	var ids, items any
	var filter any
	total := 0
	if r.Filter != nil {
		b, err := json.Marshal(bulkFilter{Status: r.Filter.Status, ChannelID: r.Filter.ChannelID, Q: r.Filter.Q})
		if err != nil {
			return 0, fmt.Errorf("store: bulk filter: %w", err)
		}
		filter = string(b)
	} else {
		l, it := uniqueSelection(r.ListingIDs, r.ItemIDs)
		ids, total = pq.Array(l), len(l)
		if r.Kind == BulkLink {
			items = pq.Array(it)
		}
	}
	var id int64
	err := s.InTx(ctx, func(tx *sqlx.Tx) error {
		if err := tx.GetContext(ctx, &id, `INSERT INTO bulk_runs (kind, requested_by, listing_ids, item_ids, filter, total)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, r.Kind, r.By, ids, items, filter, total); err != nil {
			return err
		}
		return enqueue(ctx, tx.Tx, id)
	})
	if err != nil {
		return 0, fmt.Errorf("store: start bulk run: %w", err)
	}
	return id, nil
}

// uniqueSelection sorts the selection by listing id, each listing once;
// items (when given) follow their listings.
func uniqueSelection(listings, items []int64) ([]int64, []int64) {
	idx := make([]int, len(listings))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return int(min(max(listings[a]-listings[b], -1), 1)) })
	var l, it []int64
	for _, i := range idx {
		if n := len(l); n > 0 && l[n-1] == listings[i] {
			continue
		}
		l = append(l, listings[i])
		if i < len(items) {
			it = append(it, items[i])
		}
	}
	return l, it
}

// BulkRunByID is the run for its page.
func (s *Store) BulkRunByID(ctx context.Context, id int64) (BulkRun, error) {
	var r BulkRun
	err := s.DB.GetContext(ctx, &r, `SELECT b.id, b.kind, u.email AS requested_by, b.total, b.position, b.done, b.skipped,
		b.status, b.error, b.created_at, b.started_at, b.updated_at, b.finished_at
		FROM bulk_runs b JOIN users u ON u.id = b.requested_by WHERE b.id = $1`, id)
	if err != nil {
		return r, fmt.Errorf("store: bulk run %d: %w", id, notFound(err, ErrBulkNotFound))
	}
	return r, nil
}

// BulkSkips lists the run's skipped listings, at most limit of them.
func (s *Store) BulkSkips(ctx context.Context, runID int64, limit int) ([]BulkSkip, error) {
	var out []BulkSkip
	err := s.DB.SelectContext(ctx, &out, `SELECT k.channel_item_id, COALESCE(`+labelSQL("ci")+`, 'listing ' || k.channel_item_id) AS listing,
		COALESCE(ch.name, '') AS channel_name, k.reason, k.detail, k.other_item_id
		FROM bulk_run_skips k LEFT JOIN channel_items ci ON ci.id = k.channel_item_id
		LEFT JOIN channels ch ON ch.id = ci.channel_id
		WHERE k.run_id = $1 ORDER BY k.channel_item_id LIMIT $2`, runID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: bulk skips: %w", err)
	}
	return out, nil
}

// BeginBulkRun marks the run running and, for a filter, turns the filter
// into the listings it selects now (unconfirmed ones only: the action
// settles listings). It reports false when the run has ended already.
func (s *Store) BeginBulkRun(ctx context.Context, id int64) (bool, error) {
	var running bool
	err := s.InTx(ctx, func(tx *sqlx.Tx) error {
		var run struct {
			Status   string          `db:"status"`
			Filter   json.RawMessage `db:"filter"`
			Resolved bool            `db:"resolved"`
		}
		if err := tx.GetContext(ctx, &run, `SELECT status, COALESCE(filter, '{}') AS filter, listing_ids IS NOT NULL AS resolved FROM bulk_runs
			WHERE id = $1 FOR UPDATE`, id); err != nil {
			return notFound(err, ErrBulkNotFound)
		}
		if run.Status == "succeeded" || run.Status == "failed" {
			return nil
		}
		running = true
		if !run.Resolved {
			var bf bulkFilter
			if err := json.Unmarshal(run.Filter, &bf); err != nil {
				return err
			}
			f := ChannelItemFilter{Status: "unconfirmed", ChannelID: bf.ChannelID, Q: bf.Q}
			args := []any{id}
			where := channelItemConditions(f, func(v any) string {
				args = append(args, v)
				return "$" + strconv.Itoa(len(args))
			})
			if _, err := tx.ExecContext(ctx, `UPDATE bulk_runs SET listing_ids = s.ids, total = cardinality(s.ids)
				FROM (SELECT COALESCE(array_agg(ci.id ORDER BY ci.id), '{}') AS ids FROM channel_items ci
					WHERE `+strings.Join(where, " AND ")+`) s WHERE bulk_runs.id = $1`, args...); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `UPDATE bulk_runs SET status = 'running', started_at = COALESCE(started_at, now()),
			updated_at = now() WHERE id = $1`, id)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("store: begin bulk run %d: %w", id, err)
	}
	return running, nil
}

// FinishBulkRun ends the run: failed with the sentence errText when given.
func (s *Store) FinishBulkRun(ctx context.Context, id int64, errText string) error {
	status, msg := "succeeded", sql.NullString{}
	if errText != "" {
		status, msg = "failed", sql.NullString{String: errText, Valid: true}
	}
	_, err := s.DB.ExecContext(ctx, `UPDATE bulk_runs SET status = $2, error = $3, finished_at = now(), updated_at = now()
		WHERE id = $1 AND status IN ('queued', 'running')`, id, status, msg)
	if err != nil {
		return fmt.Errorf("store: finish bulk run %d: %w", id, err)
	}
	return nil
}

// bulkSkip is a skip a chunk is about to record.
type bulkSkip struct {
	listing int64
	reason  string
	detail  string
	other   *int64
}

// chunkOf locks the run and reads the next chunk of its selection. It
// returns no listings when the run is complete or no longer running.
func chunkOf(ctx context.Context, tx *sqlx.Tx, id int64, size int) (kind string, listings, items []int64, err error) {
	var run struct {
		Kind     string        `db:"kind"`
		Status   string        `db:"status"`
		Listings pq.Int64Array `db:"listings"`
		Items    pq.Int64Array `db:"items"`
	}
	err = tx.GetContext(ctx, &run, `SELECT kind, status, listing_ids[position + 1 : position + $2] AS listings,
		item_ids[position + 1 : position + $2] AS items FROM bulk_runs WHERE id = $1 FOR UPDATE`, id, size)
	if err != nil {
		return "", nil, nil, fmt.Errorf("store: bulk run %d: %w", id, notFound(err, ErrBulkNotFound))
	}
	if run.Status != "running" {
		return run.Kind, nil, nil, nil
	}
	return run.Kind, run.Listings, run.Items, nil
}

// recordChunk writes a chunk's skips and moves the run past it.
func recordChunk(ctx context.Context, tx *sqlx.Tx, id int64, worked, done int, skips []bulkSkip) error {
	ids, reasons, details, others := make([]int64, len(skips)), make([]string, len(skips)), make([]string, len(skips)), make([]int64, len(skips))
	for i, k := range skips {
		ids[i], reasons[i], details[i] = k.listing, k.reason, k.detail
		if k.other != nil {
			others[i] = *k.other
		}
	}
	if len(skips) > 0 {
		if _, err := tx.ExecContext(ctx, `INSERT INTO bulk_run_skips (run_id, channel_item_id, reason, detail, other_item_id)
			SELECT $1, l, r, d, NULLIF(o, 0) FROM unnest($2::bigint[], $3::text[], $4::text[], $5::bigint[]) AS u(l, r, d, o)
			ON CONFLICT DO NOTHING`, id, pq.Array(ids), pq.Array(reasons), pq.Array(details), pq.Array(others)); err != nil {
			return fmt.Errorf("store: record bulk skips: %w", err)
		}
	}
	_, err := tx.ExecContext(ctx, `UPDATE bulk_runs SET position = position + $2, done = done + $3, skipped = skipped + $4,
		updated_at = now() WHERE id = $1`, id, worked, done, len(skips))
	if err != nil {
		return fmt.Errorf("store: bulk run progress: %w", err)
	}
	return nil
}

// BulkStep works the run's next chunk in one transaction and reports
// whether any of the selection is left. A chunk that met a concurrent
// writer (a deadlock, a SKU taken between check and insert) is rolled back
// and worked again: the re-read then finds what the other did.
func (s *Store) BulkStep(ctx context.Context, id int64) (bool, error) {
	var more bool
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		more, err = s.bulkStep(ctx, id)
		if err == nil || !retryable(err) {
			break
		}
	}
	return more, err
}

func (s *Store) bulkStep(ctx context.Context, id int64) (bool, error) {
	more := false
	err := s.InTx(ctx, func(tx *sqlx.Tx) error {
		kind, listings, items, err := chunkOf(ctx, tx, id, BulkChunk)
		if err != nil || len(listings) == 0 {
			return err
		}
		more = true
		var by int64
		if err := tx.GetContext(ctx, &by, `SELECT requested_by FROM bulk_runs WHERE id = $1`, id); err != nil {
			return err
		}
		var done int
		var skips []bulkSkip
		switch kind {
		case BulkConfirm:
			done, skips, err = s.confirmChunk(ctx, tx, id, listings, by)
		case BulkLink:
			done, skips, err = s.linkChunk(ctx, tx, listings, items, by)
		default:
			err = fmt.Errorf("store: bulk run of unknown kind %q", kind)
		}
		if err != nil {
			return err
		}
		return recordChunk(ctx, tx, id, len(listings), done, skips)
	})
	return more, err
}

// retryable: the chunk lost a race it can win by running again.
func retryable(err error) bool {
	var pqErr *pq.Error
	return errors.As(err, &pqErr) && (pqErr.Code == "40P01" || pqErr.Code == "40001" || pqErr.Code == "23505")
}
