package channelsync

import (
	"context"
	"fmt"
	"time"

	"stocksync/internal/channel"
	"stocksync/internal/store"
)

// importOrderPages imports the orders changed since the channel's order
// cursor, page by page, after the catalogue (DESIGN §1.1: a sync imports
// listings, then orders, then pushes stock). What the channel refuses or
// sends unreadable becomes a failure of the run naming the page; the
// catalogue part of the run stands, and the cursor stays where it was so
// the next sync reads those orders again. started is when the run began:
// the cursor moves there (less an overlap) once every page is in.
func (s *Service) importOrderPages(ctx context.Context, conn channel.Connector, ch store.Channel, runID int64, started time.Time) error {
	var since time.Time
	if ch.OrdersSince != nil {
		since = ch.OrdersSince.Add(-cursorOverlap)
	}
	cursor := ""
	for page := 1; ; page++ {
		res, err := conn.FetchOrders(ctx, since, cursor)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			s.log.Warn("order import failed", "channel_id", ch.ID, "run_id", runID, "page", page, "err", err)
			return s.store.RecordRunFailure(ctx, runID, fmt.Sprintf("orders page %d", page),
				"The orders could not be fetched: "+DescribeError(err)+" They are fetched again by the next sync.")
		}
		out, err := s.ImportOrders(ctx, ch.ID, res.Orders)
		if err != nil {
			return err
		}
		if err := s.recordOrderOutcome(ctx, runID, out); err != nil {
			return err
		}
		if !res.HasMore {
			break
		}
		if res.NextCursor == cursor {
			return s.store.RecordRunFailure(ctx, runID, fmt.Sprintf("orders page %d", page),
				"The channel sent the same page of orders twice; the import stopped to avoid looping.")
		}
		cursor = res.NextCursor
	}
	if _, err := s.store.SettleWaitingOrders(ctx, ch.ID); err != nil {
		return err
	}
	return s.store.SetOrdersSince(ctx, ch.ID, started)
}

// recordOrderOutcome counts a page into the run and records, by name, each
// order that failed and each unlinked listing whose lines were left out.
func (s *Service) recordOrderOutcome(ctx context.Context, runID int64, out OrderImportResult) error {
	if err := s.store.AddRunOrders(ctx, runID, out.Imported, out.NewUnconfirmed); err != nil {
		return err
	}
	for _, f := range out.Failures {
		if err := s.store.RecordRunFailure(ctx, runID, f.Record, f.Cause); err != nil {
			return err
		}
	}
	for _, b := range out.BlockedListings {
		if err := s.store.RecordRunFailure(ctx, runID, "listing "+b.Name,
			"Its order lines were not imported: a person unlinked this listing. Link or confirm it on the Unconfirmed Items page, and its orders are imported by the next sync that fetches them."); err != nil {
			return err
		}
	}
	return nil
}
