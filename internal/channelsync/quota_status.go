package channelsync

import (
	"context"
	"time"

	"stocksync/internal/channel"
	"stocksync/internal/store"
)

// recordQuota stores what the connector last saw of the channel's day
// budget, after each batch of its calls, so that every server process
// shows the same on the channel's page. Connectors of channels without a
// reported budget have nothing to store. A failure to store is logged,
// not returned: the page would show an older count, the sync or push
// itself is done.
func (s *Service) recordQuota(ctx context.Context, channelID int64, conn channel.Connector) {
	r, ok := channel.Quota(conn)
	if !ok {
		return
	}
	q, ok := r.QuotaStatus()
	if !ok {
		return
	}
	st := store.QuotaStatus{Label: q.Label, Window: q.Window, UsedToday: q.UsedToday, LimitPerDay: q.LimitPerDay,
		ResetsAt: optionalTime(q.ResetsAt), ObservedAt: optionalTime(q.ObservedAt)}
	if err := s.store.SaveQuotaStatus(context.WithoutCancel(ctx), channelID, st); err != nil {
		s.log.Warn("quota status not stored", "channel_id", channelID, "err", err)
	}
}

// recordThrottle is Options.Throttled for one channel: the page says
// "throttled until" while the channel makes us wait.
func (s *Service) recordThrottle(channelID int64) func(context.Context, time.Time) {
	return func(ctx context.Context, until time.Time) {
		if err := s.store.SaveThrottle(context.WithoutCancel(ctx), channelID, until); err != nil {
			s.log.Warn("throttle not stored", "channel_id", channelID, "err", err)
		}
	}
}

func optionalTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
