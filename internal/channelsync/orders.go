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
	"strings"

	"stocksync/internal/channel"
	"stocksync/internal/inventory"
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
	var res OrderImportResult
	checked := make([]inventory.OnlineOrder, 0, len(orders))
	for _, o := range orders {
		in := onlineOrderInput(o)
		if strings.TrimSpace(in.Customer) == "" {
			in.Customer = "Online customer"
		}
		oo, problem := inventory.CheckOnlineOrder(in)
		if problem != nil {
			res.Failures = append(res.Failures, OrderFailure{Record: problem.Record, Cause: problem.Cause})
			continue
		}
		checked = append(checked, oo)
	}
	out, err := s.store.ImportOnlineOrders(ctx, channelID, checked)
	if err != nil {
		return res, err
	}
	res.Imported, res.Skipped, res.NewUnconfirmed = out.Imported, out.Skipped, out.NewListings
	for _, b := range out.Blocked {
		res.BlockedListings = append(res.BlockedListings, BlockedListing{ListingID: b.ID, ExternalID: b.ExternalID, Name: b.Label})
	}
	return res, nil
}

// onlineOrderInput is the order as the inventory checks it. Refunded counts
// as cancelled: nothing of it will ship (Shopify says so only by the
// financial status).
func onlineOrderInput(o channel.Order) inventory.OnlineOrderInput {
	in := inventory.OnlineOrderInput{ExternalID: o.ExternalID, Number: o.Number, Status: o.Status, Currency: o.Currency,
		Customer: o.Customer, CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt,
		Cancelled: o.Cancelled || strings.EqualFold(o.Status, "refunded"), FulfilledByChannel: o.FulfilledByChannel,
		ShippedByChannel: o.ShippedByChannel}
	for _, l := range o.Lines {
		in.Lines = append(in.Lines, inventory.OnlineOrderLineInput{ExternalID: l.ExternalID, ListingExternalID: l.ListingExternalID,
			SKU: l.SKU, Name: l.Name, Quantity: l.Quantity, UnitPrice: l.UnitPrice})
	}
	return in
}
