package catalogue

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"stocksync/internal/inventory"
)

// Listing is one listing with everything its own page shows.
type Listing struct {
	ChannelItem
	ChannelKind      string     `db:"channel_kind"`
	ProductID        string     `db:"product_id"`
	InventoryRef     string     `db:"inventory_ref"`
	ChannelUpdatedAt *time.Time `db:"channel_updated_at"`
	UpdatedAt        time.Time  `db:"updated_at"`
	LinkedAt         *time.Time `db:"linked_at"`
	LinkedByEmail    *string    `db:"linked_by_email"`
	AutoLinkBlocked  bool       `db:"auto_link_blocked"`
	StockPushPending bool       `db:"stock_push_pending"`
	// The listing's stock push: what was last sent and when, the last
	// refusal and its next try, and since when the channel shows another
	// quantity than we sent (someone edited it there).
	PushedQuantity  *int       `db:"pushed_quantity"`
	PushedAt        *time.Time `db:"pushed_at"`
	PushError       *string    `db:"push_error"`
	PushRetryAt     *time.Time `db:"push_retry_at"`
	DriftSince      *time.Time `db:"drift_since"`
	ItemSKU         *string    `db:"item_sku"`
	URL             *string    `db:"url"`            // where shoppers see it on the channel, when the channel said
	Raw             *string    `db:"raw"`            // the record as the channel last sent it changed (see StoredRaw)
	FirstSeenRun    *int64     `db:"first_seen_run"` // the sync run that created it; nil before runs were recorded
	ChannelSyncedAt *time.Time `db:"channel_synced_at"`
}

// Unconfirmed reports whether the listing still waits to be settled.
func (l Listing) Unconfirmed() bool { return l.ItemID == nil }

// ItemInput is the item Confirm creates from the listing as it is (DESIGN
// §1.4), and the form Update starts from: the channel carries no purchase
// data, so purchase price and opening value per unit are the selling price,
// and the opening quantity is the channel's (none or below zero is 0).
func (l Listing) ItemInput() inventory.ItemInput {
	price := ""
	if l.Price != nil {
		price = RoundPrice(*l.Price)
	}
	qty := 0
	if l.Quantity != nil && *l.Quantity > 0 {
		qty = *l.Quantity
	}
	return inventory.ItemInput{
		Name: l.Name, SKU: l.SKU, Unit: "pcs",
		SellingPrice: price, PurchasePrice: price,
		OpeningQty: strconv.Itoa(qty), OpeningValue: price,
	}
}

// RoundPrice brings a channel price (up to four decimals) to the two an
// item's prices hold, half away from zero: "9.125" is "9.13".
func RoundPrice(p string) string {
	whole, frac, _ := strings.Cut(strings.TrimSpace(p), ".")
	if len(frac) <= 2 {
		return p
	}
	cents, err1 := strconv.ParseInt(whole, 10, 64)
	hundredths, err2 := strconv.ParseInt(frac[:2], 10, 64)
	if err1 != nil || err2 != nil || strings.HasPrefix(whole, "-") {
		return p // not a price ParseMoney takes; validation says so
	}
	n := cents*100 + hundredths
	if frac[2] >= '5' {
		n++
	}
	return fmt.Sprintf("%d.%02d", n/100, n%100)
}

// How a listing came to be linked, in the words the pages use.
const (
	LinkedBySKU     = "sku"
	LinkedByName    = "name"
	LinkedByConfirm = "confirm"
	LinkedByUpdate  = "update"
	LinkedByHand    = "manual"
)

// AlreadySettledError: someone settled the listing between this person
// opening its page and acting on it.
type AlreadySettledError struct {
	ItemID   int64
	ItemName string
	By       string // e-mail of who settled it; "" when a sync linked it
	Source   string
}

func (e *AlreadySettledError) Error() string {
	return "catalogue: listing already settled: " + e.Message()
}

// Message says what happened, for the person who came second.
func (e *AlreadySettledError) Message() string {
	verb := "linked"
	if e.Source == LinkedByConfirm || e.Source == LinkedByUpdate {
		verb = "confirmed"
	}
	if e.By == "" {
		return fmt.Sprintf("This listing was already %s to %s by a sync.", verb, e.ItemName)
	}
	return fmt.Sprintf("This listing was already %s by %s (item %s).", verb, e.By, e.ItemName)
}

// ErrItemInactive: the chosen item was deactivated; inactive items take no
// new links, as they take no new documents.
var ErrItemInactive = errors.New("catalogue: item is inactive")

// ErrItemGone: the item to link to does not exist.
var ErrItemGone = errors.New("catalogue: no such item")

// ErrNotFound: no such listing.
var ErrNotFound = errors.New("catalogue: not found")

// NeedsUpdateError: the listing as it is does not make a valid item (no
// name, a price no item can hold), so it cannot be confirmed without edits.
type NeedsUpdateError struct {
	Fields inventory.FieldErrors
}

func (e *NeedsUpdateError) Error() string {
	return "catalogue: listing cannot be confirmed as it is: " + e.Message()
}

// Message names the first problem, for the banner.
func (e *NeedsUpdateError) Message() string {
	for _, f := range []string{"name", "sku", "selling_price", "purchase_price", "opening_qty", "opening_value"} {
		if m, ok := e.Fields[f]; ok {
			return "it cannot be confirmed as it is (" + m + ") — use Update to fix its details first."
		}
	}
	return "it cannot be confirmed as it is — use Update to fix its details first."
}

// Activity is an entry of a listing's log: settled, linked or unlinked,
// with the item concerned.
type Activity struct {
	ID        int64     `db:"id"`
	Action    string    `db:"action"`
	Detail    string    `db:"detail"`
	UserEmail *string   `db:"user_email"`
	CreatedAt time.Time `db:"created_at"`
	ItemID    int64     `db:"item_id"`
	ItemName  string    `db:"item_name"`
}
