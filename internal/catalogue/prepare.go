// Package catalogue holds the rules for bringing a channel's listings into
// the inventory: which records can be imported, and why the others cannot,
// in words a person can act on. Linking runs set-based in the store; the
// rules it follows are written down here (see Link).
package catalogue

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"stocksync/internal/channel"
)

const (
	MaxNameLength = 500
	MaxSKULength  = 200
	maxRawBytes   = 16 << 10
)

// Row is a listing that passed validation, ready for the staging table.
type Row struct {
	ExternalID   string
	ProductID    string
	SKU          string // trimmed; "" when the listing has none
	Name         string // trimmed
	Price        string // a plain decimal, or "" when the channel sent none
	Quantity     *int
	InventoryRef string
	UpdatedAt    time.Time
	Raw          json.RawMessage // kept in case the store finds a problem (duplicate SKU)
}

// Failure is a listing that was not imported, and why.
type Failure struct {
	ExternalID string
	Label      string // how a person finds the listing: SKU, name or id
	Cause      string
	Raw        json.RawMessage
}

var plainDecimal = regexp.MustCompile(`^\d{1,10}(\.\d{1,4})?$`)

// Prepare splits a page of listings into rows to import and failures.
func Prepare(listings []channel.Listing) ([]Row, []Failure) {
	rows := make([]Row, 0, len(listings))
	var failures []Failure
	for _, l := range listings {
		row, cause := prepareOne(l)
		if cause != "" {
			failures = append(failures, Failure{ExternalID: l.ExternalID, Label: Label(l.SKU, l.Name, l.ExternalID), Cause: cause, Raw: capRaw(l.Raw)})
			continue
		}
		rows = append(rows, row)
	}
	return rows, failures
}

func prepareOne(l channel.Listing) (Row, string) {
	sku, name := strings.TrimSpace(l.SKU), strings.TrimSpace(l.Name)
	switch {
	case strings.TrimSpace(l.ExternalID) == "":
		return Row{}, "the channel sent a listing without an id; it cannot be tracked"
	case l.Problem != "":
		return Row{}, l.Problem
	case sku == "" && name == "":
		return Row{}, "no SKU and no name: give the listing a SKU or a name on the channel"
	case utf8.RuneCountInString(name) > MaxNameLength:
		return Row{}, fmt.Sprintf("the name is longer than %d characters: shorten it on the channel", MaxNameLength)
	case utf8.RuneCountInString(sku) > MaxSKULength:
		return Row{}, fmt.Sprintf("the SKU is longer than %d characters: shorten it on the channel", MaxSKULength)
	case !utf8.ValidString(sku + name):
		return Row{}, "the SKU or name is not valid text (UTF-8): retype it on the channel"
	}
	price := strings.TrimSpace(l.Price)
	if price != "" && !plainDecimal.MatchString(price) {
		if strings.HasPrefix(price, "-") {
			return Row{}, fmt.Sprintf("price %q is negative: set a price of 0 or more on the channel", l.Price)
		}
		return Row{}, fmt.Sprintf("price %q is not a number: set a price such as 12.50 on the channel", l.Price)
	}
	if l.Quantity != nil && (*l.Quantity < -1_000_000_000 || *l.Quantity > 1_000_000_000) {
		return Row{}, fmt.Sprintf("stock quantity %d is out of range", *l.Quantity)
	}
	return Row{
		ExternalID: l.ExternalID, ProductID: l.ProductID, SKU: sku, Name: name, Price: price,
		Quantity: l.Quantity, InventoryRef: l.InventoryRef, UpdatedAt: l.UpdatedAt, Raw: capRaw(l.Raw),
	}, ""
}

// Label names a listing the way a person would look for it.
func Label(sku, name, externalID string) string {
	sku, name = strings.TrimSpace(sku), strings.TrimSpace(name)
	switch {
	case sku != "" && name != "":
		return fmt.Sprintf("%s (%s)", name, sku)
	case sku != "":
		return "SKU " + sku
	case name != "":
		return name
	}
	return "listing " + ShortID(externalID)
}

// ShortID is how a person reads a channel's id: Shopify's
// "gid://shopify/ProductVariant/123" is variant 123 in its admin.
func ShortID(externalID string) string {
	if strings.HasPrefix(externalID, "gid://") {
		return externalID[strings.LastIndexByte(externalID, '/')+1:]
	}
	return externalID
}

// capRaw keeps failure reports small whatever a channel sends.
func capRaw(raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 || !json.Valid(raw) {
		if len(raw) == 0 {
			return nil
		}
		b, _ := json.Marshal(string(raw[:min(len(raw), maxRawBytes)]))
		return b
	}
	if len(raw) > maxRawBytes {
		b, _ := json.Marshal(string(raw[:maxRawBytes]) + "…")
		return b
	}
	return raw
}

// DuplicateSKUCause is the failure text for a SKU that two listings of one
// channel share; neither can be linked safely until one is changed.
func DuplicateSKUCause(sku string, externalIDs []string) string {
	ids := make([]string, len(externalIDs))
	for i, id := range externalIDs {
		ids[i] = ShortID(id)
	}
	return fmt.Sprintf("SKU %s appears twice in this channel: listings %s. Give each listing its own SKU on the channel",
		sku, strings.Join(ids, " and "))
}

// Counts are what one import (a batch or a whole run) did. Every listing
// read is exactly one of New, Updated, Unchanged or Failed; Synced and
// NewUnconfirmed say how the imported ones stand afterwards.
type Counts struct {
	Records        int // listings read from the channel
	New            int // seen for the first time
	Updated        int // known, details changed
	Unchanged      int // known, nothing changed
	Failed         int // not imported; each has a recorded failure
	Synced         int // imported and linked to an item
	NewUnconfirmed int // seen for the first time and not linked
}
