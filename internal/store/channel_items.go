package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/lib/pq"

	"stocksync/internal/catalogue"
)

// listingPrice shows a listing's price as money: two decimals unless the
// channel sent more.
const listingPrice = `CASE WHEN scale(trim_scale(ci.price)) <= 2 THEN round(ci.price, 2)::text ELSE trim_scale(ci.price)::text END`

type ChannelItemFilter struct {
	Status    string // "unconfirmed", "linked" or "" for both
	ChannelID int64
	RunID     int64  // only listings this sync run created
	Q         string // part of the SKU or the name
	After     int64  // keyset cursor: listings after this id
	Limit     int
}

// ListChannelItems returns one keyset page of listings, oldest first, and
// the cursor of the next page (0 at the end).
func (s *Store) ListChannelItems(ctx context.Context, f ChannelItemFilter) ([]catalogue.ChannelItem, int64, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	switch f.Status {
	case "unconfirmed":
		where = append(where, "ci.item_id IS NULL")
	case "linked":
		where = append(where, "ci.item_id IS NOT NULL")
	}
	if f.ChannelID > 0 {
		where = append(where, "ci.channel_id = "+arg(f.ChannelID))
	}
	if f.RunID > 0 {
		where = append(where, "ci.first_seen_run = "+arg(f.RunID))
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		p := arg("%" + likeEscape(q) + "%")
		where = append(where, "(ci.sku ILIKE "+p+" OR ci.name ILIKE "+p+")")
	}
	if f.After > 0 {
		where = append(where, "ci.id > "+arg(f.After))
	}
	q := `SELECT ci.id, ci.channel_id, ch.name AS channel_name, ci.external_id, ci.sku, ci.name, ` + listingPrice + ` AS price,
		ci.quantity, ci.item_id, it.name AS item_name, ci.link_source, ci.first_seen_at
		FROM channel_items ci JOIN channels ch ON ch.id = ci.channel_id LEFT JOIN items it ON it.id = ci.item_id`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY ci.id LIMIT " + strconv.Itoa(f.Limit+1)
	var rows []catalogue.ChannelItem
	if err := s.DB.SelectContext(ctx, &rows, q, args...); err != nil {
		return nil, 0, fmt.Errorf("store: list channel items: %w", err)
	}
	var next int64
	if len(rows) > f.Limit {
		rows = rows[:f.Limit]
		next = rows[len(rows)-1].ID
	}
	return rows, next, nil
}

// UnconfirmedListingsByRef finds, for each reference typed on a document
// that matched no item, an unconfirmed listing with that SKU or name, and
// names its channel. It runs only for a refused document.
func (s *Store) UnconfirmedListingsByRef(ctx context.Context, refs []string) (map[string]string, error) {
	var rows []struct {
		Ref     string `db:"ref"`
		Channel string `db:"channel"`
	}
	err := s.DB.SelectContext(ctx, &rows, `SELECT r.ref, l.channel FROM unnest($1::text[]) r(ref)
		CROSS JOIN LATERAL (SELECT ch.name AS channel FROM channel_items ci JOIN channels ch ON ch.id = ci.channel_id
			WHERE ci.item_id IS NULL AND (ci.sku = r.ref OR ci.name = r.ref) ORDER BY ci.id LIMIT 1) l`, pq.Array(refs))
	if err != nil {
		return nil, fmt.Errorf("store: unconfirmed listings by reference: %w", err)
	}
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		out[r.Ref] = r.Channel
	}
	return out, nil
}

// RunUnconfirmed counts the listings a run created that are still
// unconfirmed (channel_items_run_unconfirmed_idx).
func (s *Store) RunUnconfirmed(ctx context.Context, channelID, runID int64) (int, error) {
	var n int
	if err := s.DB.GetContext(ctx, &n, `SELECT count(*) FROM channel_items
		WHERE channel_id = $1 AND first_seen_run = $2 AND item_id IS NULL`, channelID, runID); err != nil {
		return 0, fmt.Errorf("store: run %d unconfirmed: %w", runID, err)
	}
	return n, nil
}

// ChannelCounts is what the dashboard shows of the channels.
type ChannelCounts struct {
	Connected   int `db:"connected"`
	Unconfirmed int `db:"unconfirmed"`
	FailedRuns  int `db:"failed_runs"`
}

func (s *Store) ChannelCounts(ctx context.Context) (ChannelCounts, error) {
	var c ChannelCounts
	err := s.DB.GetContext(ctx, &c, `SELECT
		(SELECT count(*) FROM channels WHERE disconnected_at IS NULL) AS connected,
		(SELECT COALESCE(sum(unconfirmed), 0) FROM channels WHERE disconnected_at IS NULL) AS unconfirmed,
		(SELECT count(*) FROM sync_runs WHERE status = 'failed' AND started_at > now() - interval '1 day') AS failed_runs`)
	if err != nil {
		return c, fmt.Errorf("store: channel counts: %w", err)
	}
	return c, nil
}
