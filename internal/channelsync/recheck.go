package channelsync

import (
	"context"
	"fmt"

	"stocksync/internal/catalogue"
	"stocksync/internal/channel"
	"stocksync/internal/store"
)

// recheckFailing ends a successful run by checking the channel's listings
// that are failing now and that the run did not read, so that a failure
// caused by another listing (which held the SKU) clears as soon as its
// cause does, not only when the failing listing itself changes.
//
// A full run read the whole catalogue: a failing listing it did not find has
// left the channel. An incremental run reads only listings that changed, so
// the others run through preparation and import again as last read; had
// one changed since, the run would have read it. They count among the run's
// records, and those still failing among its failures.
func (s *Service) recheckFailing(ctx context.Context, channelID, runID int64, full bool) error {
	if full {
		return s.store.ForgetFailingNotRead(ctx, channelID, runID)
	}
	records, err := s.store.FailingRecords(ctx, channelID, runID)
	if err != nil || len(records) == 0 {
		return err
	}
	listings := make([]channel.Listing, 0, len(records))
	for _, rec := range records {
		if rec == "" {
			continue
		}
		l, err := catalogue.ListingFromRecord([]byte(rec))
		if err != nil {
			return fmt.Errorf("channelsync: recheck: %w", err)
		}
		listings = append(listings, l)
	}
	size := max(1, s.BatchSize)
	for len(listings) > 0 {
		n := min(len(listings), size)
		rows, failures := catalogue.Prepare(listings[:n])
		listings = listings[n:]
		// No hints: the store looks every listing and SKU up itself.
		b := store.ImportBatch{ChannelID: channelID, RunID: runID, Rows: rows, Failures: failures}
		if _, err := s.store.ImportListings(ctx, b); err != nil {
			return err
		}
	}
	return nil
}
