package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"stocksync/internal/inventory"
)

// ItemCountCap bounds the items list's count: counting every match of a
// broad filter over a million items costs more than the page itself, and
// past a thousand the exact number helps nobody.
const ItemCountCap = 1000

// CountItems counts a filter's matches, stopping at one past ItemCountCap.
func (s *Store) CountItems(ctx context.Context, f inventory.ItemFilter) (int, error) {
	var args []any
	where := itemConditions(f, func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	})
	from := "items i"
	if f.Stock != "" {
		from += " JOIN item_stock s ON s.item_id = i.id"
	}
	if len(where) > 0 {
		from += " WHERE " + strings.Join(where, " AND ")
	}
	q := `SELECT count(*) FROM (SELECT 1 FROM ` + from + ` LIMIT ` + strconv.Itoa(ItemCountCap+1) + `) x`
	if strings.TrimSpace(f.Q) != "" {
		if err := s.heavy.take(ctx); err != nil {
			return 0, err
		}
		defer s.heavy.release()
	}
	rs, err := s.queryItems(ctx, q, args, strings.TrimSpace(f.Q) == "")
	if err != nil {
		return 0, err
	}
	defer rs.Close()
	var n int
	for rs.Next() {
		if err := rs.Scan(&n); err != nil {
			return 0, fmt.Errorf("store: count items: %w", err)
		}
	}
	if err := rs.Err(); err != nil {
		return 0, fmt.Errorf("store: count items: %w", err)
	}
	return n, nil
}

// Counts for the dashboard.
type ItemCounts struct {
	Active int `db:"active"`
	Low    int `db:"low"`
	Out    int `db:"out"`
}

func (s *Store) ItemCounts(ctx context.Context) (ItemCounts, error) {
	var c ItemCounts
	err := s.DB.GetContext(ctx, &c, `SELECT
		(SELECT count(*) FROM items WHERE active) AS active,
		(SELECT count(*) FROM items i JOIN item_stock s ON s.item_id = i.id
			WHERE i.active AND s.reorder_level > 0 AND s.available > 0 AND s.available <= s.reorder_level) AS low,
		(SELECT count(*) FROM items i JOIN item_stock s ON s.item_id = i.id WHERE i.active AND s.available <= 0) AS out`)
	if err != nil {
		return c, fmt.Errorf("store: item counts: %w", err)
	}
	return c, nil
}
