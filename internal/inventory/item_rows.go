package inventory

import "time"

// The rows below are items as the store reads them back for the items list
// and an item's page; they hold no secret, so views take them as they are.

// ItemFilter is the items list query; every field comes from the URL.
type ItemFilter struct {
	Q      string
	Status string // active (default), inactive, all
	Stock  string // in, low, out, or "" for any
	Linked string // yes, no, or ""
	Sort   string // name (default), sku, available, updated
	After  int64  // id of the last row of the previous page
	Before int64  // id of the first row of the next page (going back); wins over After
	Limit  int
	// CountLater leaves a search's total to a request of its own
	// (ItemPage.Total is then -1): counting a broad search's matches costs
	// more than its page, and the person should not wait for it.
	CountLater bool
}

// ListItem is a row of the items list: the few columns it shows.
type ListItem struct {
	ID             int64     `db:"id"`
	Name           string    `db:"name"`
	SKU            string    `db:"sku"`
	Unit           string    `db:"unit"`
	SellingPrice   Money     `db:"selling_price"`
	OnHand         int64     `db:"on_hand"`
	Committed      int64     `db:"committed"`
	Available      int64     `db:"available"`
	ReorderLevel   int64     `db:"reorder_level"`
	Active         bool      `db:"active"`
	LinkedChannels int       `db:"linked_channels"`
	UpdatedAt      time.Time `db:"updated_at"`
}

func (it ListItem) StockState() string { return StockState(it.Available, it.ReorderLevel) }

// WarehouseStock is an item's balance in one warehouse.
type WarehouseStock struct {
	WarehouseID int64  `db:"warehouse_id"`
	Warehouse   string `db:"warehouse"`
	OnHand      int64  `db:"on_hand"`
	Committed   int64  `db:"committed"`
}

func (w WarehouseStock) Available() int64 { return w.OnHand - w.Committed }

// Movement is one ledger row as the item page shows it. DocID is the
// document: the item itself for opening stock, the sales order for order,
// cancel, shipment and invoice rows.
type Movement struct {
	ID             int64     `db:"id"`
	Warehouse      string    `db:"warehouse"`
	OnHandDelta    int64     `db:"on_hand_delta"`
	CommittedDelta int64     `db:"committed_delta"`
	DocKind        string    `db:"doc_kind"`
	DocID          int64     `db:"doc_id"`
	UserEmail      *string   `db:"user_email"`
	CreatedAt      time.Time `db:"created_at"`
}

// Activity is an entry of an item's activity log.
type Activity struct {
	ID        int64     `db:"id"`
	Action    string    `db:"action"`
	Detail    string    `db:"detail"`
	UserEmail *string   `db:"user_email"`
	CreatedAt time.Time `db:"created_at"`
}

// ItemPage is one keyset page of the items list.
type ItemPage struct {
	Items []ListItem
	Next  int64 // cursor for after=, 0 on the last page
	Prev  int64 // cursor for before=, 0 on the first page
	// Total is the number of matching items, counted up to a cap (see
	// store.ItemCountCap); a number above the cap means "more than that".
	Total int
}
