package channel

import (
	"context"
	"encoding/json"
	"time"
)

// Listing is one sellable record of a channel's catalogue: a Shopify variant,
// a WooCommerce simple product or variation. Text fields are kept exactly as
// the channel sent them, because validation and trimming belong to the
// importer, which can then report a bad record in the channel's own words.
type Listing struct {
	ExternalID   string // Shopify variant GID; WooCommerce "123" or "123/456" (product/variation)
	ProductID    string // the product the listing belongs to, where the channel has one
	SKU          string
	Name         string // product title, plus the variant title when it adds information
	Price        string // as sent; "" when the channel sent none
	Quantity     *int   // nil when the channel does not track stock for the listing
	InventoryRef string // what SetQuantities needs to address the stock: Shopify inventory item GID; WooCommerce the ExternalID
	UpdatedAt    time.Time
	URL          string          // where shoppers see the listing (Shopify onlineStoreUrl, WooCommerce permalink); "" when it has none
	Raw          json.RawMessage // the record as received, for failure reports and the listing's page

	// NotForSale marks a record the channel holds but does not sell: a
	// draft, pending or private product, a disabled variation. It is not
	// imported, and a copy an earlier sync imported and nobody confirmed
	// leaves the unconfirmed list. Only ExternalID need be filled in.
	NotForSale bool

	// Problem says, in words a person can act on, why part of the record
	// could not be read (for example a stock quantity that is not a whole
	// number). The rest of the listing is filled in as far as it could be;
	// the importer should report the record as failed rather than guess.
	Problem string
}

// ListingPage is one page of FetchListings.
type ListingPage struct {
	Listings   []Listing
	NextCursor string // pass back to FetchListings for the next page
	HasMore    bool
	Total      int // listings the whole fetch will return; -1 when the channel does not say
}

// Order is an online order as the channel reports it.
type Order struct {
	ExternalID string
	Number     string // what the merchant and the buyer call the order ("#1001", "727")
	Status     string // the channel's own status word
	Currency   string
	Customer   string // the buyer's name (or e-mail) where the channel says; "" when it does not
	CreatedAt  time.Time
	UpdatedAt  time.Time
	Cancelled  bool // the order will not be fulfilled: its stock should not stay committed
	// FulfilledByChannel marks an order the channel ships from its own
	// warehouses (Amazon's FBA): its stock is the channel's, so it commits
	// nothing of ours and is never packed or shipped by us.
	FulfilledByChannel bool
	// ShippedByChannel: the channel reports it has shipped an order it
	// fulfils (Amazon's AFN order Shipped); only meaningful with
	// FulfilledByChannel, which nobody here packs or ships, so the
	// channel's word is what ships its lines.
	ShippedByChannel bool
	Lines            []OrderLine
	Raw              json.RawMessage
}

// OrderLine is one line of an Order.
type OrderLine struct {
	ExternalID        string
	ListingExternalID string // the Listing.ExternalID sold; "" for custom or deleted products
	SKU               string
	Name              string
	Quantity          int
	UnitPrice         string // as sent
}

// OrderPage is one page of FetchOrders.
type OrderPage struct {
	Orders     []Order
	NextCursor string
	HasMore    bool
}

// QuantityUpdate asks for one listing's stock to be set.
type QuantityUpdate struct {
	ExternalID   string
	InventoryRef string
	Quantity     int
	// Previous is the quantity last pushed, which channels with a
	// compare-and-set (Shopify's changeFromQuantity) use to refuse the write
	// when the channel's stock changed since; nil skips that check.
	Previous *int
}

// QuantityResult reports the outcome of one QuantityUpdate.
type QuantityResult struct {
	ExternalID string
	Err        error // nil when the channel accepted the quantity
}

// Limits are the channel's largest page and batch sizes.
type Limits struct {
	PageSize          int
	QuantityBatchSize int
}

// Connector is one connected channel account.
//
// Errors are ErrUnauthorized (wrapped) when the credentials were rejected,
// *MalformedError when a response could not be read, *TransientError when
// the channel kept failing or throttling past the retry policy, and
// *HTTPError for any other refusal.
type Connector interface {
	// Verify checks the credentials with one cheap call.
	Verify(ctx context.Context) error
	// FetchListings returns one page of the catalogue, only listings changed
	// after since unless since is zero. cursor is "" for the first page.
	FetchListings(ctx context.Context, since time.Time, cursor string) (ListingPage, error)
	// FetchOrders returns one page of orders changed after since.
	FetchOrders(ctx context.Context, since time.Time, cursor string) (OrderPage, error)
	// SetQuantities sets stock for at most Limits().QuantityBatchSize
	// listings. Results come in the order of updates. A returned error means
	// the batch as a whole failed and nothing is known about its items;
	// idempotencyKey lets the caller send the same batch again safely.
	SetQuantities(ctx context.Context, updates []QuantityUpdate, idempotencyKey string) ([]QuantityResult, error)
	Limits() Limits
}

// BulkLister is implemented by connectors that can export the whole
// catalogue as one job outside the per-call rate limits (Shopify bulk
// operations). fn receives the listings in chunks of at most chunk; an
// error from fn stops the export and is returned.
type BulkLister interface {
	FetchAllListings(ctx context.Context, chunk int, fn func([]Listing) error) error
}

// BulkOrderLister is implemented by connectors that can export the orders
// changed after since (all when since is zero) as one job outside the
// per-call rate limits, for a first import or a large backlog. fn receives
// whole orders in chunks of at most chunk; an error from fn stops the
// export and is returned.
// CountOrders says how many orders changed after since, counting no
// further than limit, so a sync can tell a backlog worth exporting from a
// few pages.
type BulkOrderLister interface {
	FetchAllOrders(ctx context.Context, since time.Time, chunk int, fn func([]Order) error) error
	CountOrders(ctx context.Context, since time.Time, limit int) (int, error)
}
