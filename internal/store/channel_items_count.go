package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// ChannelItemCountCap bounds the count of a search of listings: counting
// every match of a broad term among 100,000 unconfirmed listings costs more
// than the page, and past a thousand the exact number helps nobody.
const ChannelItemCountCap = 1000

// CountChannelItems counts the listings a filter (its cursor aside)
// matches. Without a search the answer is exact and costs nothing: the
// channels' counts (kept by triggers and by the bulk load) hold it. A
// search is counted up to ChannelItemCountCap; more says it matches more.
func (s *Store) CountChannelItems(ctx context.Context, f ChannelItemFilter) (n int, more bool, err error) {
	if strings.TrimSpace(f.Q) == "" {
		cs, err := s.ListChannels(ctx)
		if err != nil {
			return 0, false, fmt.Errorf("store: count channel items: %w", err)
		}
		return CountListings(cs, f), false, nil
	}
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	where := append(channelItemConditions(f, arg), listingSearch(strings.TrimSpace(f.Q), arg))
	q := `SELECT count(*) FROM (SELECT 1 FROM channel_items ci WHERE ` + strings.Join(where, " AND ") +
		` LIMIT ` + strconv.Itoa(ChannelItemCountCap+1) + `) x`
	if err := s.DB.GetContext(ctx, &n, q, args...); err != nil {
		return 0, false, fmt.Errorf("store: count channel items: %w", err)
	}
	return min(n, ChannelItemCountCap), n > ChannelItemCountCap, nil
}

// CountListings is the count of a filter without a search, from the
// channels' own counts: the list has the channels already, for its
// filter, and needs no statement more.
func CountListings(channels []Channel, f ChannelItemFilter) int {
	n := 0
	for _, c := range channels {
		if f.ChannelID != 0 && c.ID != f.ChannelID {
			continue
		}
		switch f.Status {
		case "unconfirmed":
			n += c.Unconfirmed
		case "linked":
			n += c.Listings - c.Unconfirmed
		default:
			n += c.Listings
		}
	}
	return n
}
