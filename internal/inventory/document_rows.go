package inventory

import "time"

// The rows below are documents and warehouses as the store reads them back
// for their lists and pages (the validated input types are in documents.go).

type Warehouse struct {
	ID        int64     `db:"id"`
	Name      string    `db:"name"`
	CreatedAt time.Time `db:"created_at"`
	OnHand    int64     `db:"on_hand"`
}

// DocLine is a line of a receive or adjustment as its page shows it.
type DocLine struct {
	ItemID    int64  `db:"item_id"`
	ItemName  string `db:"item_name"`
	ItemSKU   string `db:"item_sku"`
	Warehouse string `db:"warehouse"`
	Quantity  int64  `db:"quantity"`
	Rate      Money  `db:"rate"`
}

// PurchaseReceive is a receive as stored, with its totals.
type PurchaseReceive struct {
	ID             int64     `db:"id"`
	Vendor         string    `db:"vendor"`
	ReceivedOn     time.Time `db:"received_on"`
	Notes          string    `db:"notes"`
	CreatedByEmail *string   `db:"created_by_email"`
	CreatedAt      time.Time `db:"created_at"`
	Units          int64     `db:"units"`
	Amount         Money     `db:"amount"`
	Lines          []DocLine
}

// RecordedAdjustment is an adjustment as stored: its lines and net change.
type RecordedAdjustment struct {
	ID             int64     `db:"id"`
	Reason         string    `db:"reason"`
	AdjustedOn     time.Time `db:"adjusted_on"`
	Notes          string    `db:"notes"`
	CreatedByEmail *string   `db:"created_by_email"`
	CreatedAt      time.Time `db:"created_at"`
	Net            int64     `db:"net"`
	Lines          []DocLine
}

// OrderRow is a sales order as the orders list shows it.
type OrderRow struct {
	ID        int64     `db:"id"`
	Customer  string    `db:"customer"`
	OrderedOn time.Time `db:"ordered_on"`
	Reference string    `db:"reference"`
	Status    string    `db:"status"`
	Source    string    `db:"source"`
	Frozen    bool      `db:"frozen"`
	Units     int64     `db:"units"`
	Amount    Money     `db:"amount"`
	// An online order's channel and the channel's order number.
	ChannelID          *int64  `db:"channel_id"`
	ChannelName        *string `db:"channel_name"`
	ChannelOrderNumber string  `db:"channel_order_number"`
	FulfilledByChannel bool    `db:"fulfilled_by_channel"` // the channel ships it from its own stock
}

// Order list filters beyond the plain statuses.
const (
	OrdersToPack = "to_pack" // open, with units not yet packed
	OrdersToShip = "to_ship" // open, with packages packed but not shipped
	// The list's status filter (DESIGN URLs: ?status=frozen …).
	OrdersFrozen           = "frozen"            // open, waiting on unconfirmed listings
	OrdersNotShipped       = "open"              // open, not frozen, nothing shipped yet
	OrdersPartiallyShipped = "partially_shipped" // open, some units shipped, some not
	OrdersShipped          = "shipped"           // every unit shipped, not every unit invoiced
	OrdersInvoiced         = "invoiced"          // every unit invoiced
)

// OrderFilter is the sales orders list's query: every field comes from the
// URL, so a filtered list can be bookmarked.
type OrderFilter struct {
	// Marketplace is "" for all orders, "manual" for orders keyed in here,
	// or a channel's id.
	Marketplace string
	Status      string
	Q           string // order number (ours or the channel's), reference or customer
	From, To    time.Time
	Before      int64
	Limit       int
}
