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
	if bulk, ok := conn.(channel.BulkOrderLister); ok && s.exportOrders(ctx, bulk, ch, since) {
		return s.importOrderExport(ctx, bulk, ch, since, runID, started)
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

// orderBacklog is how many changed orders make exporting them cheaper than
// paging. Paging costs about 17 query points an order (a thousand points a
// second on Plus, a tenth of that on Basic); an export waits in Shopify's
// queue (assumed ~10 s) and then runs at an assumed ~1,000 objects a
// second, an order of three lines being four: they break even near 800.
const orderBacklog = 1000

// exportOrders decides between the export and pages: the export for a
// first import (no cursor) or when the channel counts a backlog. A count
// that fails only means paging, whose errors are reported as usual.
func (s *Service) exportOrders(ctx context.Context, bulk channel.BulkOrderLister, ch store.Channel, since time.Time) bool {
	if ch.OrdersSince == nil {
		return true
	}
	n, err := bulk.CountOrders(ctx, since, orderBacklog)
	if err != nil {
		s.log.Info("counting changed orders failed; paging them", "channel_id", ch.ID, "err", err)
		return false
	}
	return n >= orderBacklog
}

// bulkOrderChunk is how many orders of an export one import transaction
// takes: as many as a page, so a chunk costs what a page does.
const bulkOrderChunk = 250

// importOrderExport imports a first import's or a backlog's orders (those
// changed after since; all when it is zero), which paging would read at a
// few dozen orders a second under the query-cost limit: they come as one
// export and are
// imported chunk by chunk through the same ImportOrders as a page. A
// failed export is a failure of the run as a failed page is, and leaves
// the cursor where it was, so the next sync fetches them again; the chunks already in
// are upserts, so that re-run is harmless.
func (s *Service) importOrderExport(ctx context.Context, bulk channel.BulkOrderLister, ch store.Channel, since time.Time, runID int64, started time.Time) error {
	var importErr error
	err := bulk.FetchAllOrders(ctx, since, bulkOrderChunk, func(orders []channel.Order) error {
		out, err := s.ImportOrders(ctx, ch.ID, orders)
		if err == nil {
			err = s.recordOrderOutcome(ctx, runID, out)
		}
		importErr = err
		return err
	})
	switch {
	case importErr != nil:
		return importErr
	case err != nil && ctx.Err() != nil:
		return ctx.Err()
	case err != nil:
		s.log.Warn("order export failed", "channel_id", ch.ID, "run_id", runID, "err", err)
		return s.store.RecordRunFailure(ctx, runID, "orders export",
			"The orders could not be exported: "+DescribeError(err)+" They are exported again by the next sync.")
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
