package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"stocksync/internal/catalogue"
)

// listingPrice shows a listing's price as money: two decimals unless the
// channel sent more.
const listingPrice = `CASE WHEN scale(trim_scale(ci.price)) <= 2 THEN round(ci.price, 2)::text ELSE trim_scale(ci.price)::text END`

type ChannelItemFilter struct {
	Status    string // "unconfirmed", "linked" or "" for both
	ChannelID int64
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
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	where := channelItemConditions(f, arg)
	if f.After > 0 {
		where = append(where, "ci.id > "+arg(f.After))
	}
	from := "channel_items ci"
	if q := strings.TrimSpace(f.Q); q != "" {
		match := listingSearch(q, arg)
		if f.Status == "unconfirmed" && hasTrigram(q) {
			from, where = unconfirmedSearchSQL(where, match, f.Limit+1), nil
		} else {
			where = append(where, match)
		}
	}
	q := `SELECT ci.id, ci.channel_id, ch.name AS channel_name, ci.external_id, ci.sku, ci.name, ` + listingPrice + ` AS price,
		ci.quantity, ci.item_id, it.name AS item_name, ci.link_source, ci.first_seen_at
		FROM ` + from + ` JOIN channels ch ON ch.id = ci.channel_id LEFT JOIN items it ON it.id = ci.item_id`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY ci.id LIMIT " + strconv.Itoa(f.Limit+1)
	// Prepared: planning a statement over every channel's partition costs
	// more than running it, and the list's statements are a handful.
	st, err := s.prepared(ctx, q)
	if err != nil {
		return nil, 0, err
	}
	var rows []catalogue.ChannelItem
	if err := st.SelectContext(ctx, &rows, args...); err != nil {
		return nil, 0, fmt.Errorf("store: list channel items: %w", err)
	}
	var next int64
	if len(rows) > f.Limit {
		rows = rows[:f.Limit]
		next = rows[len(rows)-1].ID
	}
	return rows, next, nil
}

// channelItemConditions are the list's filters but the search and the
// cursor, which the list and its count share.
func channelItemConditions(f ChannelItemFilter, arg func(any) string) []string {
	var where []string
	switch f.Status {
	case "unconfirmed":
		where = append(where, "ci.item_id IS NULL")
	case "linked":
		where = append(where, "ci.item_id IS NOT NULL")
	}
	if f.ChannelID > 0 {
		where = append(where, "ci.channel_id = "+arg(f.ChannelID))
	}
	return where
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
