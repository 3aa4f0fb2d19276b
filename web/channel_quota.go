package web

import (
	"context"

	channelviews "stocksync/views/channels"
)

// quotaShown is how many listings waiting for the quota a channel's page
// lists.
const quotaShown = 20

// quotaSection reads the channel's call limits and what waits for them, as
// the last call batch of any server process stored them.
func (a *App) quotaSection(ctx context.Context, channelID int64) (channelviews.QuotaSection, error) {
	q, err := a.store.ChannelQuotaStatus(ctx, channelID, quotaShown)
	if err != nil {
		return channelviews.QuotaSection{}, err
	}
	out := channelviews.QuotaSection{ThrottledUntil: q.ThrottledUntil, Waiting: q.Waiting, NextTry: q.NextTry, Reason: q.Reason}
	if b := q.Budget; b != nil {
		out.Label, out.Window, out.Used, out.Limit, out.ResetsAt, out.AsOf = b.Label, b.Window, b.UsedToday, b.LimitPerDay, b.ResetsAt, b.ObservedAt
	}
	for _, l := range q.Listings {
		out.Listings = append(out.Listings, channelviews.QuotaWaitingListing{ID: l.ID, Label: l.Label, RetryAt: l.RetryAt})
	}
	return out, nil
}
