package inventory

import (
	"fmt"
	"strings"
	"time"
)

// OnlineOrder is an order a channel sent, checked and ready to be stored
// (DESIGN §1.5): the store upserts it by (channel, ExternalID).
type OnlineOrder struct {
	ExternalID string
	Number     string // the channel's order number ("#1001")
	Status     string // the channel's own status word
	Currency   string
	Customer   string
	CreatedAt  time.Time
	UpdatedAt  time.Time
	Cancelled  bool // cancelled or refunded on the channel: commits nothing
	// FulfilledByChannel: the channel ships it from its own stock (FBA),
	// so it commits nothing of ours.
	FulfilledByChannel bool
	// ShippedByChannel: the channel has shipped such an order, so its
	// lines are shipped here too, by the channel (set only with
	// FulfilledByChannel).
	ShippedByChannel bool
	Lines            []OnlineOrderLine
}

// OnlineOrderLine names the listing it sold by the channel's id, or failing
// that by SKU; the store finds (or creates) the listing.
type OnlineOrderLine struct {
	ExternalID        string
	ListingExternalID string
	SKU               string
	Name              string
	Quantity          int64
	Rate              Money
}

// OnlineOrderInput is an order as the channel sent it, before checking.
type OnlineOrderInput struct {
	ExternalID, Number, Status, Currency, Customer string
	CreatedAt, UpdatedAt                           time.Time
	Cancelled, FulfilledByChannel                  bool
	ShippedByChannel                               bool
	Lines                                          []OnlineOrderLineInput
}

type OnlineOrderLineInput struct {
	ExternalID, ListingExternalID, SKU, Name string
	Quantity                                 int
	UnitPrice                                string
}

// OrderProblem is an order that cannot be imported, in words a person can
// act on; Record names the order.
type OrderProblem struct {
	Record string
	Cause  string
}

// CheckOnlineOrder turns what the channel sent into an order to store, or
// says why it cannot be imported. A channel that leaves the updated time
// out gets its created time used: the newest-copy rule needs one.
func CheckOnlineOrder(in OnlineOrderInput) (OnlineOrder, *OrderProblem) {
	label := OrderLabel(in.Number, in.ExternalID)
	bad := func(format string, args ...any) (OnlineOrder, *OrderProblem) {
		return OnlineOrder{}, &OrderProblem{Record: label, Cause: fmt.Sprintf(format, args...)}
	}
	if strings.TrimSpace(in.ExternalID) == "" {
		return bad("The channel sent an order without an id; it cannot be told apart from others. Check the order on the channel.")
	}
	if len(in.ExternalID) > 200 {
		return bad("The order's id is longer than 200 characters.")
	}
	o := OnlineOrder{ExternalID: in.ExternalID, Number: capText(strings.TrimSpace(in.Number), 100),
		Status: capText(strings.TrimSpace(in.Status), 60), Currency: capText(strings.TrimSpace(in.Currency), 10),
		Customer: capText(strings.TrimSpace(in.Customer), 200), CreatedAt: in.CreatedAt, UpdatedAt: in.UpdatedAt,
		Cancelled: in.Cancelled, FulfilledByChannel: in.FulfilledByChannel,
		ShippedByChannel: in.FulfilledByChannel && in.ShippedByChannel}
	if o.Number == "" {
		o.Number = in.ExternalID
	}
	if o.CreatedAt.IsZero() {
		o.CreatedAt = o.UpdatedAt
	}
	if o.UpdatedAt.IsZero() {
		o.UpdatedAt = o.CreatedAt
	}
	if o.UpdatedAt.IsZero() {
		return bad("The order has no created or updated time, so a newer copy could not be told from an older one.")
	}
	if len(in.Lines) == 0 {
		return bad("The order has no lines.")
	}
	for i, l := range in.Lines {
		n := i + 1
		if l.Quantity <= 0 {
			return bad("Line %d has quantity %d; a line must order at least one unit.", n, l.Quantity)
		}
		rate, err := parseChannelPrice(l.UnitPrice)
		if err != nil {
			return bad("Line %d has the unit price %q, which is not an amount.", n, capText(l.UnitPrice, 40))
		}
		if strings.TrimSpace(l.ListingExternalID) == "" && strings.TrimSpace(l.SKU) == "" && strings.TrimSpace(l.Name) == "" {
			return bad("Line %d names no product, SKU or name, so it cannot be tied to an item.", n)
		}
		ext := l.ExternalID
		if ext == "" {
			ext = fmt.Sprintf("%d", n)
		}
		o.Lines = append(o.Lines, OnlineOrderLine{ExternalID: capText(ext, 200), ListingExternalID: strings.TrimSpace(l.ListingExternalID),
			SKU: capText(strings.TrimSpace(l.SKU), 200), Name: capText(strings.TrimSpace(l.Name), 500),
			Quantity: int64(l.Quantity), Rate: rate})
	}
	return o, nil
}

// OrderLabel names an order for people: its number, else its id.
func OrderLabel(number, externalID string) string {
	if n := strings.TrimSpace(number); n != "" {
		return "order " + n
	}
	if externalID != "" {
		return "order " + externalID
	}
	return "an order without an id"
}

// parseChannelPrice reads a channel's decimal price; digits past the cent
// are allowed only when they are zeros ("19.990"), never rounded.
func parseChannelPrice(s string) (Money, error) {
	s = strings.TrimSpace(s)
	if whole, frac, ok := strings.Cut(s, "."); ok && len(frac) > 2 {
		frac = strings.TrimRight(frac, "0")
		if len(frac) > 2 {
			return 0, ErrBadMoney
		}
		s = whole
		if frac != "" {
			s += "." + frac
		}
	}
	return ParseMoney(s)
}

func capText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && (s[cut]&0xC0) == 0x80 {
		cut--
	}
	return s[:cut]
}
