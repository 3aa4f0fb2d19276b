package store

import (
	"context"
	"database/sql"
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
	// Sort is one of ChannelItemSorts; "" is "oldest".
	Sort string
	// The keyset cursor: listings after this one in the sort (its id and
	// its sort key as the previous page's NextKey gave it).
	After    int64
	AfterKey string
	Limit    int
}

// channelItemSort is one order of the list: a key expression (never NULL,
// so the keyset comparison is exact), its SQL type for the cursor's key,
// and its direction; ties go by id in the same direction.
type channelItemSort struct {
	expr, typ string
	desc      bool
}

// ChannelItemSorts are the list's orders by their URL name.
var ChannelItemSorts = map[string]channelItemSort{
	// Ids are handed out as listings first come in, so id order is the
	// order they were first seen, and the unconfirmed index serves it.
	"newest":     {"ci.id", "bigint", true},
	"oldest":     {"ci.id", "bigint", false},
	"name":       {`lower(ci.name) COLLATE "C"`, "text", false},
	"sku":        {"ci.sku", "text", false},
	"price_low":  {"COALESCE(ci.price, -1)", "numeric", false},
	"price_high": {"COALESCE(ci.price, -1)", "numeric", true},
	"stock_low":  {"COALESCE(ci.quantity::bigint, -9223372036854775807)", "bigint", false},
	"stock_high": {"COALESCE(ci.quantity::bigint, -9223372036854775807)", "bigint", true},
}

// channelItemConditions is the WHERE of a filter (without its cursor), for
// the list and for a bulk action on "all matching this filter".
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
	if f.RunID > 0 {
		where = append(where, "ci.first_seen_run = "+arg(f.RunID))
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		where = append(where, listingSearch(q, arg))
	}
	return where
}

// ChannelItemPage is one page of the list and the cursor of the next.
type ChannelItemPage struct {
	Items []catalogue.ChannelItem
	// NextID and NextKey are the After and AfterKey of the next page
	// (NextID 0 at the end).
	NextID  int64
	NextKey string
}

// ListChannelItems returns one keyset page of listings in the filter's sort.
func (s *Store) ListChannelItems(ctx context.Context, f ChannelItemFilter) (ChannelItemPage, error) {
	var page ChannelItemPage
	if f.Limit <= 0 {
		f.Limit = 50
	}
	sort, ok := ChannelItemSorts[f.Sort]
	if !ok {
		sort = ChannelItemSorts["oldest"]
	}
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	where := channelItemConditions(f, arg)
	cmp, dir := ">", ""
	if sort.desc {
		cmp, dir = "<", " DESC"
	}
	switch {
	case f.After > 0 && sort.expr == "ci.id":
		where = append(where, "ci.id "+cmp+" "+arg(f.After))
	case f.After > 0 && f.AfterKey != "":
		where = append(where, "("+sort.expr+", ci.id) "+cmp+" ("+arg(f.AfterKey)+"::"+sort.typ+", "+arg(f.After)+")")
	}
	search := strings.TrimSpace(f.Q) != ""
	order := " ORDER BY " + sort.expr + dir + ", ci.id" + dir + " LIMIT " + strconv.Itoa(f.Limit+1)
	// An unconfirmed listing has no item, so their list leaves out the join
	// to items: it adds nothing there, and planning it was a third of the
	// planning of each search.
	itemName, itemJoin := "it.name", " LEFT JOIN items it ON it.id = ci.item_id"
	if f.Status == "unconfirmed" {
		itemName, itemJoin = "NULL::text", ""
	}
	stmt := `SELECT ci.id, ci.channel_id, ch.name AS channel_name, ci.external_id, ci.sku, ci.name, ` + listingPrice + ` AS price,
		ci.quantity, ci.item_id, ` + itemName + ` AS item_name, ci.link_source, ci.first_seen_at, (` + sort.expr + `)::text AS sort_key
		FROM channel_items ci JOIN channels ch ON ch.id = ci.channel_id` + itemJoin
	if len(where) > 0 {
		stmt += " WHERE " + strings.Join(where, " AND ")
	}
	stmt += order
	scan := func(rs *sql.Rows) (err error) {
		page, err = scanChannelItemPage(rs, f.Limit)
		return err
	}
	var err error
	if search {
		err = s.searchChannelItems(ctx, stmt, args, scan)
	} else {
		err = s.listChannelItems(ctx, stmt, args, scan)
	}
	if err != nil {
		return page, fmt.Errorf("store: list channel items: %w", err)
	}
	return page, nil
}

// listChannelItems runs a statement of the list without a search,
// prepared: planning a statement over every channel's partition costs
// more than running it, and the list's statements are a few dozen.
func (s *Store) listChannelItems(ctx context.Context, stmt string, args []any, scan func(*sql.Rows) error) error {
	prepared, err := s.prepared(ctx, stmt)
	if err != nil {
		return err
	}
	rs, err := prepared.QueryContext(ctx, args...)
	if err != nil {
		return err
	}
	defer rs.Close()
	return scan(rs)
}

// searchChannelItems runs a statement of the list with a search, planned
// for its term each time (an unnamed statement, a tenth of a millisecond
// of planning): prepared, it would in time run one generic plan for every
// term, which walks the whole channel for a rare term or sorts thousands
// of listings for a common one. On the search connections, without
// parallel workers: for a term of a few hundred listings the planner may
// judge a parallel scan of the index's matches cheaper, and starting the
// workers costs ten times the scan. Each search waits for its turn
// (turns.go).
func (s *Store) searchChannelItems(ctx context.Context, stmt string, args []any, scan func(*sql.Rows) error) error {
	if err := s.heavy.take(ctx); err != nil {
		return err
	}
	defer s.heavy.release()
	rs, err := s.searches.QueryContext(ctx, stmt, args...)
	if err != nil {
		return err
	}
	defer rs.Close()
	return scan(rs)
}

// scanChannelItemPage reads a page of the list and the cursor of the
// next. Scanned by hand: reflection over the page's rows cost more than
// the statement.
func scanChannelItemPage(rs *sql.Rows, limit int) (ChannelItemPage, error) {
	page := ChannelItemPage{Items: make([]catalogue.ChannelItem, 0, limit+1)}
	var key, prevKey string
	for rs.Next() {
		var it catalogue.ChannelItem
		if err := rs.Scan(&it.ID, &it.ChannelID, &it.ChannelName, &it.ExternalID, &it.SKU, &it.Name, &it.Price,
			&it.Quantity, &it.ItemID, &it.ItemName, &it.LinkSource, &it.FirstSeenAt, &key); err != nil {
			return page, err
		}
		if len(page.Items) == limit {
			last := page.Items[len(page.Items)-1]
			page.NextID, page.NextKey = last.ID, prevKey
			break
		}
		page.Items = append(page.Items, it)
		prevKey = key
	}
	return page, rs.Err()
}

// CountChannelItems counts a filter's listings. The unconfirmed listings
// of one or every channel are counted already (channels.unconfirmed, kept
// by triggers); a search counts its matches.
func (s *Store) CountChannelItems(ctx context.Context, f ChannelItemFilter) (int, error) {
	if f.Status == "unconfirmed" && strings.TrimSpace(f.Q) == "" {
		var n int
		err := s.DB.GetContext(ctx, &n, `SELECT COALESCE(sum(unconfirmed), 0) FROM channels WHERE $1 = 0 OR id = $1`, f.ChannelID)
		if err != nil {
			return 0, fmt.Errorf("store: count unconfirmed: %w", err)
		}
		return n, nil
	}
	var args []any
	where := channelItemConditions(f, func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	})
	q := `SELECT count(*) FROM channel_items ci`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	var n int
	if err := s.DB.GetContext(ctx, &n, q, args...); err != nil {
		return 0, fmt.Errorf("store: count channel items: %w", err)
	}
	return n, nil
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
