package store

import (
	"context"
	"fmt"
	"time"
)

// PushWaiting is a group of a channel's listings whose stock waits to be
// sent for one reason: the channel refused them, or its quota for them is
// spent (an eBay listing's 250 revisions a day), until NextTry.
type PushWaiting struct {
	Reason   string    `db:"reason"`
	Listings int       `db:"listings"`
	NextTry  time.Time `db:"next_try"`
}

// PushWaitingReport groups the channel's pending listings that wait for a
// later try by their reason, the largest groups first, at most limit of
// them, and counts all such listings: what cannot be sent now stays
// pending, and the channel's page says so.
func (s *Store) PushWaitingReport(ctx context.Context, channelID int64, limit int) ([]PushWaiting, int, error) {
	var out []PushWaiting
	err := s.DB.SelectContext(ctx, &out, `SELECT push_error AS reason, count(*) AS listings, min(push_retry_at) AS next_try
		FROM channel_items
		WHERE channel_id = $1 AND stock_push_pending AND push_error IS NOT NULL AND push_retry_at > now()
		GROUP BY push_error ORDER BY count(*) DESC, min(push_retry_at) LIMIT $2`, channelID, limit)
	if err != nil {
		return nil, 0, fmt.Errorf("store: pushes waiting on channel %d: %w", channelID, err)
	}
	total := 0
	err = s.DB.GetContext(ctx, &total, `SELECT count(*) FROM channel_items
		WHERE channel_id = $1 AND stock_push_pending AND push_error IS NOT NULL AND push_retry_at > now()`, channelID)
	if err != nil {
		return nil, 0, fmt.Errorf("store: pushes waiting on channel %d: %w", channelID, err)
	}
	return out, total, nil
}
