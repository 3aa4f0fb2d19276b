package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// QuotaStatus is a channel's daily call budget as a connector last saw it
// (channel.QuotaStatus, persisted).
type QuotaStatus struct {
	Label       string     `db:"label"`
	Window      string     `db:"day_window"`
	UsedToday   int        `db:"used_today"`
	LimitPerDay int        `db:"limit_per_day"`
	ResetsAt    *time.Time `db:"resets_at"`
	ObservedAt  *time.Time `db:"observed_at"`
}

// SaveQuotaStatus stores what a connector last saw of the channel's day
// budget, unless another process stored a newer report meanwhile.
func (s *Store) SaveQuotaStatus(ctx context.Context, channelID int64, q QuotaStatus) error {
	_, err := s.DB.ExecContext(ctx, `INSERT INTO channel_quota_status AS s
			(channel_id, label, day_window, used_today, limit_per_day, resets_at, observed_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (channel_id) DO UPDATE SET label = EXCLUDED.label, day_window = EXCLUDED.day_window,
			used_today = EXCLUDED.used_today, limit_per_day = EXCLUDED.limit_per_day,
			resets_at = EXCLUDED.resets_at, observed_at = EXCLUDED.observed_at
		WHERE s.observed_at IS NULL OR s.observed_at <= EXCLUDED.observed_at`,
		channelID, q.Label, q.Window, q.UsedToday, q.LimitPerDay, q.ResetsAt, q.ObservedAt)
	if err != nil {
		return fmt.Errorf("store: save quota status of channel %d: %w", channelID, err)
	}
	return nil
}

// SaveThrottle records that the channel asked us to wait until then (an
// HTTP 429). The latest end any process heard of stands.
func (s *Store) SaveThrottle(ctx context.Context, channelID int64, until time.Time) error {
	_, err := s.DB.ExecContext(ctx, `INSERT INTO channel_quota_status AS s (channel_id, throttled_until) VALUES ($1, $2)
		ON CONFLICT (channel_id) DO UPDATE SET throttled_until = GREATEST(s.throttled_until, EXCLUDED.throttled_until)`,
		channelID, until)
	if err != nil {
		return fmt.Errorf("store: save throttle of channel %d: %w", channelID, err)
	}
	return nil
}

// ChannelQuota is what the channel's page shows of its limits: the day's
// budget (nil when the channel reports none), until when it throttles us
// (nil when it does not now), and the listings whose stock waits for the
// quota to come back.
type ChannelQuota struct {
	Budget         *QuotaStatus
	ThrottledUntil *time.Time
	// Waiting listings were refused for the quota; the first is tried
	// again at NextTry, for Reason (the channel's words, of the earliest).
	Waiting  int
	NextTry  *time.Time
	Reason   string
	Listings []QuotaWaitingListing // the first of them, earliest first
}

// QuotaWaitingListing is a listing whose stock waits for the quota.
type QuotaWaitingListing struct {
	ID      int64     `db:"id"`
	Label   string    `db:"label"`
	RetryAt time.Time `db:"push_retry_at"`
}

// quotaWaitSQL picks the listings whose stock is still to send and whose
// last refusal was the channel's quota.
const quotaWaitSQL = `(c.stock_push_pending OR c.push_sending IS NOT NULL) AND c.push_quota AND c.push_error IS NOT NULL`

// ChannelQuotaStatus reads the channel's limits and what waits for them,
// listing at most limit of the waiting listings.
func (s *Store) ChannelQuotaStatus(ctx context.Context, channelID int64, limit int) (ChannelQuota, error) {
	var out ChannelQuota
	var row struct {
		QuotaStatus
		ThrottledUntil *time.Time `db:"throttled_until"`
	}
	err := s.DB.GetContext(ctx, &row, `SELECT label, day_window, used_today, limit_per_day, resets_at, observed_at,
		CASE WHEN throttled_until > now() THEN throttled_until END AS throttled_until
		FROM channel_quota_status WHERE channel_id = $1`, channelID)
	switch {
	case err == nil:
		if row.LimitPerDay > 0 {
			out.Budget = &row.QuotaStatus
		}
		out.ThrottledUntil = row.ThrottledUntil
	case !errors.Is(err, sql.ErrNoRows):
		return out, fmt.Errorf("store: quota status of channel %d: %w", channelID, err)
	}
	var waits struct {
		Waiting int        `db:"waiting"`
		NextTry *time.Time `db:"next_try"`
		Reason  *string    `db:"reason"`
	}
	if err := s.DB.GetContext(ctx, &waits, `SELECT count(*) AS waiting, min(c.push_retry_at) AS next_try,
		(array_agg(c.push_error ORDER BY c.push_retry_at, c.id))[1] AS reason
		FROM channel_items c WHERE c.channel_id = $1 AND `+quotaWaitSQL, channelID); err != nil {
		return out, fmt.Errorf("store: quota waits of channel %d: %w", channelID, err)
	}
	out.Waiting, out.NextTry = waits.Waiting, waits.NextTry
	if waits.Reason != nil {
		out.Reason = *waits.Reason
	}
	if out.Waiting == 0 {
		return out, nil
	}
	if err := s.DB.SelectContext(ctx, &out.Listings, `SELECT c.id, `+labelSQL("c")+` AS label, c.push_retry_at
		FROM channel_items c WHERE c.channel_id = $1 AND `+quotaWaitSQL+` AND c.push_retry_at IS NOT NULL
		ORDER BY c.push_retry_at, c.id LIMIT $2`, channelID, limit); err != nil {
		return out, fmt.Errorf("store: listings waiting for the quota of channel %d: %w", channelID, err)
	}
	return out, nil
}
