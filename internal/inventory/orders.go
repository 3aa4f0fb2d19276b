package inventory

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

const (
	OrderOpen      = "open"
	OrderFulfilled = "fulfilled"
	OrderCancelled = "cancelled"
)

type SalesOrder struct {
	ID             int64     `db:"id"`
	Customer       string    `db:"customer"`
	OrderedOn      time.Time `db:"ordered_on"`
	Reference      string    `db:"reference"`
	Status         string    `db:"status"`
	Source         string    `db:"source"`
	ChannelID      *int64    `db:"channel_id"`
	Frozen         bool      `db:"frozen"`
	CreatedByEmail *string   `db:"created_by_email"`
	CreatedAt      time.Time `db:"created_at"`
	// An online order's channel and what the channel calls it.
	ChannelName        *string    `db:"channel_name"`
	ExternalOrderID    *string    `db:"external_order_id"`
	ChannelOrderNumber string     `db:"channel_order_number"`
	ChannelStatus      string     `db:"channel_status"`
	ChannelUpdatedAt   *time.Time `db:"channel_updated_at"`
	Currency           string     `db:"currency"`
	// FulfilledByChannel: the channel ships the order from its own stock
	// (Amazon FBA). It commits nothing of ours, is never packed or shipped
	// here, and is fulfilled once invoiced.
	FulfilledByChannel bool `db:"fulfilled_by_channel"`
	Lines              []OrderLine
	Packages           []Package
	Invoices           []Invoice
}

type OrderLine struct {
	ID            int64  `db:"id"`
	LineNo        int    `db:"line_no"`
	ItemID        int64  `db:"item_id"`
	ItemName      string `db:"item_name"`
	ItemSKU       string `db:"item_sku"`
	WarehouseID   int64  `db:"warehouse_id"`
	WarehouseName string `db:"warehouse_name"`
	Quantity      int64  `db:"quantity"`
	Rate          Money  `db:"rate"`
	Packed        int64  `db:"packed"`
	Shipped       int64  `db:"shipped"`
	Invoiced      int64  `db:"invoiced"`
	// ChannelItemID is the listing an online order's line sold; with
	// ItemID 0 the listing is unconfirmed and the line waits on it.
	ChannelItemID *int64 `db:"channel_item_id"`
}

// Waiting reports whether the line waits for its listing to be settled.
func (l OrderLine) Waiting() bool { return l.ItemID == 0 && l.ChannelItemID != nil }

func (l OrderLine) ToPack() int64    { return l.Quantity - l.Packed }
func (l OrderLine) ToInvoice() int64 { return l.Quantity - l.Invoiced }

// CommittedIn is what the line holds back while its order has status.
// A line of an online order whose listing is unconfirmed has no item yet
// (ItemID 0) and commits nothing until it is settled.
func (l OrderLine) CommittedIn(status string) int64 {
	if status != OrderOpen || l.ItemID == 0 {
		return 0
	}
	return Committed(l.Quantity, l.Shipped, l.Invoiced)
}

type Package struct {
	ID             int64      `db:"id"`
	Status         string     `db:"status"`
	CreatedByEmail *string    `db:"created_by_email"`
	CreatedAt      time.Time  `db:"created_at"`
	ShippedAt      *time.Time `db:"shipped_at"`
	Units          int64      `db:"units"`
}

type Invoice struct {
	ID             int64     `db:"id"`
	CreatedByEmail *string   `db:"created_by_email"`
	CreatedAt      time.Time `db:"created_at"`
	Units          int64     `db:"units"`
	Amount         Money     `db:"amount"`
}

// Fulfilled: every unit shipped and invoiced.
func Fulfilled(lines []OrderLine) bool {
	for _, l := range lines {
		if l.Shipped < l.Quantity || l.Invoiced < l.Quantity {
			return false
		}
	}
	return len(lines) > 0
}

// CanFulfil says why an order cannot be packed, shipped or invoiced, or nil.
func CanFulfil(o SalesOrder) error {
	switch {
	case o.Status != OrderOpen:
		return ErrNotOpen
	case o.Frozen:
		return ErrFrozen
	}
	return nil
}

// CanShip says why an order cannot be packed or shipped from our
// warehouses, or nil: besides CanFulfil, the channel ships its own.
func CanShip(o SalesOrder) error {
	if err := CanFulfil(o); err != nil {
		return err
	}
	if o.FulfilledByChannel {
		return ErrFulfilledByChannel
	}
	return nil
}

// Commits reports whether the order's lines hold back our stock: an open
// order not fulfilled by its channel.
func (o SalesOrder) Commits() bool { return o.Status == OrderOpen && !o.FulfilledByChannel }

// Done reports whether every unit is through: shipped and invoiced, or for
// an order its channel ships, invoiced.
func (o SalesOrder) Done() bool {
	if !o.FulfilledByChannel {
		return Fulfilled(o.Lines)
	}
	for _, l := range o.Lines {
		if l.Invoiced < l.Quantity {
			return false
		}
	}
	return len(o.Lines) > 0
}

// QtyField names the per-line quantity field of the pack and invoice forms.
func QtyField(lineID int64) string { return "qty." + strconv.FormatInt(lineID, 10) }

// ValidateFulfilment checks per-line quantities typed for a package
// (remaining = not yet packed) or an invoice (remaining = not yet invoiced).
func ValidateFulfilment(lines []OrderLine, typed map[int64]string, invoice bool) (map[int64]int64, FieldErrors) {
	errs := FieldErrors{}
	out := map[int64]int64{}
	for _, l := range lines {
		s := strings.TrimSpace(typed[l.ID])
		if s == "" {
			continue
		}
		remaining := l.ToPack()
		if invoice {
			remaining = l.ToInvoice()
		}
		q, err := strconv.ParseInt(s, 10, 64)
		switch {
		case err != nil || q < 0:
			errs[QtyField(l.ID)] = "Enter a whole number of units, 0 or more."
		case q > remaining:
			errs[QtyField(l.ID)] = fmt.Sprintf("Only %d left to %s on this line.", remaining, map[bool]string{true: "invoice", false: "pack"}[invoice])
		case q > 0:
			out[l.ID] = q
		}
	}
	if len(errs) == 0 && len(out) == 0 {
		errs[""] = "Enter a quantity for at least one line."
	}
	return out, errs
}
