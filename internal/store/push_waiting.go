package store

import (
	"context"
	"fmt"
	"time"
)

// PushWaiting is what of a channel's stock waits for a later try: listings
// the channel refused for now (a spent call budget, a revision limit)
// until their retry time.
type PushWaiting struct {
	Listings int        `db:"listings"`
	Reason   string     `db:"reason"`   // the reason of the one that goes first
	NextTry  *time.Time `db:"next_try"` // when the first of them goes
	LastTry  *time.Time `db:"last_try"` // when the last of them goes
}

// ChannelPushWaiting counts the channel's listings whose stock waits for a
// retry time still to come, for the channel page.
func (s *Store) ChannelPushWaiting(ctx context.Context, channelID int64) (PushWaiting, error) {
	var w PushWaiting
	err := s.DB.GetContext(ctx, &w, `SELECT count(*) AS listings,
		COALESCE((array_agg(push_error ORDER BY push_retry_at, id))[1], '') AS reason,
		min(push_retry_at) AS next_try, max(push_retry_at) AS last_try
		FROM channel_items
		WHERE channel_id = $1 AND stock_push_pending AND push_retry_at > now() AND push_error IS NOT NULL`, channelID)
	if err != nil {
		return w, fmt.Errorf("store: push waiting of channel %d: %w", channelID, err)
	}
	return w, nil
}
