package channel

import (
	"context"
	"time"

	"stocksync/internal/text"
)

// Every connector a Kind makes is wrapped so that the orders it reads reach
// the rest of stocksync as text PostgreSQL takes: one place for every
// channel, rather than a rule each connector must remember. Listings are
// passed on as sent, because the catalogue import reports a listing it
// cannot store as a failure a person can fix (catalogue.Prepare).
func cleanConnector(c Connector) Connector {
	if b, ok := c.(BulkLister); ok {
		return cleanedBulk{cleaned{c}, b}
	}
	return cleaned{c}
}

type cleaned struct{ Connector }

type cleanedBulk struct {
	cleaned
	bulk BulkLister
}

func (c cleanedBulk) FetchAllListings(ctx context.Context, chunk int, fn func([]Listing) error) error {
	return c.bulk.FetchAllListings(ctx, chunk, fn)
}

// Unwrap returns the connector the Kind built.
func (c cleaned) Unwrap() Connector { return c.Connector }

func (c cleaned) FetchOrders(ctx context.Context, since time.Time, cursor string) (OrderPage, error) {
	page, err := c.Connector.FetchOrders(ctx, since, cursor)
	for i := range page.Orders {
		page.Orders[i] = CleanOrder(page.Orders[i])
	}
	return page, err
}

// CleanOrder makes every text of an order fit to be stored: bytes that are
// not UTF-8 become U+FFFD, NUL goes, and the raw record stays valid JSON
// for a jsonb column.
func CleanOrder(o Order) Order {
	o.ExternalID, o.Number, o.Status, o.Currency = text.Clean(o.ExternalID), text.Clean(o.Number), text.Clean(o.Status), text.Clean(o.Currency)
	o.Customer = text.Clean(o.Customer)
	if len(o.Raw) > 0 {
		o.Raw = text.CleanJSON(o.Raw)
	}
	lines := make([]OrderLine, len(o.Lines))
	for i, l := range o.Lines {
		lines[i] = OrderLine{
			ExternalID: text.Clean(l.ExternalID), ListingExternalID: text.Clean(l.ListingExternalID),
			SKU: text.Clean(l.SKU), Name: text.Clean(l.Name), Quantity: l.Quantity, UnitPrice: text.Clean(l.UnitPrice),
		}
	}
	o.Lines = lines
	return o
}
