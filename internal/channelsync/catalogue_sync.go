package channelsync

import (
	"context"
	"errors"
	"fmt"
	"time"

	"stocksync/internal/channel"
	"stocksync/internal/store"
)

// cursorOverlap re-reads listings changed shortly before the last good run
// started, so a listing saved while that run paged is never missed; the
// import is idempotent, so reading it twice costs nothing.
const cursorOverlap = 2 * time.Minute

// SyncCatalogue runs one catalogue sync of a channel as a recorded run. A
// failure of the channel (rejected credentials, a page that does not parse,
// a channel that keeps failing) ends the run as failed with its cause and
// returns nil; an error is returned only when the run could not be carried
// out here (database, shutdown), so that the job is retried.
func (s *Service) SyncCatalogue(ctx context.Context, channelID int64, full bool, trigger string, jobID int64) (int64, error) {
	ch, err := s.store.Channel(ctx, channelID)
	if errors.Is(err, store.ErrChannelNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	if ch.DisconnectedAt != nil {
		return 0, nil
	}
	kind := "catalogue"
	if full || ch.ListingsSince == nil {
		kind = "full_catalogue"
	}
	runID, err := s.store.StartRun(ctx, channelID, kind, trigger, jobID)
	if err != nil {
		return 0, err
	}
	started := s.now()
	conn, err := s.connector(ch)
	if err != nil {
		return runID, s.store.FinishRun(ctx, runID, "The channel's stored credentials could not be used ("+err.Error()+"): reconnect the channel.", nil)
	}
	defer s.recordQuota(ctx, channelID, conn)
	var since time.Time
	if kind == "catalogue" {
		since = ch.ListingsSince.Add(-cursorOverlap)
	}
	cause, err := s.importAll(ctx, conn, channelID, runID, since)
	if err != nil {
		return runID, err
	}
	if cause != "" {
		return runID, s.store.FinishRun(ctx, runID, cause, nil)
	}
	if err := s.recheckFailing(ctx, channelID, runID, kind == "full_catalogue"); err != nil {
		return runID, err
	}
	if err := s.importOrderPages(ctx, conn, ch, runID, started); err != nil {
		return runID, err
	}
	if ch.NeedsAttention != nil {
		if err := s.store.SetNeedsAttention(ctx, channelID, ""); err != nil {
			return runID, err
		}
	}
	// The sync's orders are committed: its push goes now (§1.1).
	if _, err := s.store.AfterSync(ctx, channelID, runID); err != nil {
		return runID, err
	}
	return runID, s.store.FinishRun(ctx, runID, "", &started)
}

// bulkLister is what a connector offers when it can export the whole
// catalogue outside its per-call rate limits (Shopify bulk operations); a
// full sync prefers it.
type bulkLister interface {
	FetchAllListings(ctx context.Context, chunk int, fn func([]channel.Listing) error) error
}

// bulkChunk is how many listings count as one "page" of a bulk export.
const bulkChunk = 1000

// importAll pages through the catalogue, importing as it goes. It returns
// the cause when the channel made the run fail.
func (s *Service) importAll(ctx context.Context, conn channel.Connector, channelID, runID int64, since time.Time) (string, error) {
	if bulk, ok := conn.(bulkLister); ok && since.IsZero() {
		delivered, exportErr, err := s.importBulk(ctx, bulk, channelID, runID)
		switch {
		case err != nil:
			return "", err
		case exportErr == nil:
			return "", nil
		case errors.Is(exportErr, channel.ErrUnauthorized) || delivered > 0:
			// Paging after a part of the export would count those
			// listings twice; the next sync starts afresh instead.
			return s.channelFailure(ctx, channelID, runID, 0, exportErr)
		}
		// Paging reads the same catalogue, only slower.
		s.log.Warn("catalogue export failed; paging instead", "channel_id", channelID, "run_id", runID, "err", exportErr)
	}
	im, err := s.NewImporter(ctx, channelID, runID)
	if err != nil {
		return "", err
	}
	cursor := ""
	for page := 1; ; page++ {
		res, err := conn.FetchListings(ctx, since, cursor)
		if err != nil {
			if cerr := im.Close(); cerr != nil {
				return "", cerr
			}
			if ctx.Err() != nil {
				return "", ctx.Err()
			}
			return s.channelFailure(ctx, channelID, runID, page, err)
		}
		var total *int
		if res.Total >= 0 {
			total = &res.Total
		}
		if err := im.Add(1, total, res.Listings); err != nil {
			im.Close()
			return "", err
		}
		s.recordQuota(ctx, channelID, conn)
		if !res.HasMore {
			return "", im.Close()
		}
		if res.NextCursor == cursor {
			return "The channel sent the same page twice; the run stopped to avoid looping.", im.Close()
		}
		cursor = res.NextCursor
	}
}

// importBulk imports a whole-catalogue export chunk by chunk and says how
// many listings it delivered. exportErr is the channel's failure, err ours.
func (s *Service) importBulk(ctx context.Context, bulk bulkLister, channelID, runID int64) (delivered int, exportErr, err error) {
	im, err := s.NewImporter(ctx, channelID, runID)
	if err != nil {
		return 0, nil, err
	}
	exportErr = bulk.FetchAllListings(ctx, bulkChunk, func(ls []channel.Listing) error {
		delivered += len(ls)
		return im.Add(1, nil, ls)
	})
	if err := im.Close(); err != nil {
		return delivered, nil, err
	}
	if exportErr != nil && ctx.Err() != nil {
		return delivered, nil, ctx.Err()
	}
	return delivered, exportErr, nil
}

// channelFailure records why the channel stopped the run, and marks the
// channel for attention when only a person can fix it.
func (s *Service) channelFailure(ctx context.Context, channelID, runID int64, page int, err error) (string, error) {
	cause := DescribeError(err)
	if errors.Is(err, channel.ErrUnauthorized) {
		if err := s.store.SetNeedsAttention(ctx, channelID, "The channel rejected its credentials during a sync: reconnect it."); err != nil {
			return "", err
		}
	}
	where := fmt.Sprintf("page %d", page)
	if page == 0 {
		where = "the catalogue export"
	}
	var malformed *channel.MalformedError
	if errors.As(err, &malformed) {
		if err := s.store.RecordRunFailure(ctx, runID, where, cause); err != nil {
			return "", err
		}
	}
	s.log.Warn("catalogue sync failed", "channel_id", channelID, "run_id", runID, "at", where, "err", err)
	return fmt.Sprintf("Stopped at %s: %s", where, cause), nil
}
