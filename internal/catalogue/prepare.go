// Package catalogue holds the rules for bringing a channel's listings into
// the inventory: which records can be imported, and why the others cannot,
// in words a person can act on. Linking runs set-based in the store; the
// rules it follows are written down here (see Link).
package catalogue

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"stocksync/internal/channel"
	"stocksync/internal/text"
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
	URL          string          // where shoppers see it; "" when the channel gave none fit to link to (see PublicURL)
	Raw          json.RawMessage // as sent, for a failure the store may find (duplicate SKU) and the listing's page; see CapRaw, StoredRaw

	Key         int64 // ListingKey(ExternalID)
	Fingerprint int64 // of the fields above but URL and Raw; equal fingerprints, same stored listing

	// Hints from an importer that knows the channel's stored listings; the
	// zero value makes the store look for itself.
	New    bool // no listing with this external id is stored for the channel
	SKUNew bool // no other listing of the channel has this SKU, stored or being imported
}

// Failure is a listing that was not imported, and why.
type Failure struct {
	ExternalID string
	SKU        string // as the channel sent it, trimmed; "" when it had none
	Label      string // how a person finds the listing: SKU, name or id
	Cause      string
	Raw        json.RawMessage
	// Record is the listing as read (see RecordOf), kept while the listing
	// is failing now so that a sync that does not fetch it again can check
	// it anew; nil for a failure that is not one listing's.
	Record json.RawMessage
}

// plainDecimal tells whether s is up to 10 digits, optionally followed by a
// point and 1 to 4 digits: what numeric(14,4) takes.
func plainDecimal(s string) bool {
	whole, frac, hasPoint := strings.Cut(s, ".")
	return len(whole) >= 1 && len(whole) <= 10 && allDigits(whole) &&
		(!hasPoint || (len(frac) >= 1 && len(frac) <= 4 && allDigits(frac)))
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ForSale splits off the listings the channel does not sell and returns the
// rest, with the external ids of the others; the slice is shared when all
// are for sale, the common case.
func ForSale(listings []channel.Listing) (forSale []channel.Listing, withdrawn []string) {
	for i, l := range listings {
		if !l.NotForSale {
			if forSale != nil {
				forSale = append(forSale, l)
			}
			continue
		}
		if forSale == nil {
			forSale = append(make([]channel.Listing, 0, len(listings)), listings[:i]...)
		}
		// An id that cannot be stored was never stored: nothing to withdraw.
		if text.Fit(l.ExternalID) && l.ExternalID != "" {
			withdrawn = append(withdrawn, l.ExternalID)
		}
	}
	if forSale == nil {
		return listings, nil
	}
	return forSale, withdrawn
}

// Prepare splits a page of listings into rows to import and failures.
func Prepare(listings []channel.Listing) ([]Row, []Failure) {
	rows := make([]Row, 0, len(listings))
	var failures []Failure
	for _, l := range listings {
		row, cause := prepareOne(l)
		if cause != "" {
			// Everything a failure keeps is cleaned, so that the record that
			// could not be stored can at least be reported.
			kept := l
			if !utf8.Valid(l.Raw) {
				// The kept record holds only clean text: the cause goes
				// with it, or a re-check would find the bad bytes gone.
				kept.Problem = cause
			}
			failures = append(failures, Failure{ExternalID: text.Clean(l.ExternalID), SKU: strings.TrimSpace(text.Clean(l.SKU)), Label: Label(l.SKU, l.Name, l.ExternalID),
				Cause: text.Clean(cause), Raw: CapRaw(l.Raw), Record: RecordOf(kept)})
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
	case !text.Fit(l.ExternalID):
		return Row{}, "the channel sent an id containing " + text.Problem(l.ExternalID) + "; it cannot be tracked"
	case unfit(sku, l.Raw):
		return Row{}, "the SKU contains " + problem(sku) + ": fix the SKU on the channel"
	case unfit(name, l.Raw):
		return Row{}, "the name contains " + problem(name) + ": fix the name on the channel"
	case !text.Fit(l.ProductID) || !text.Fit(l.InventoryRef):
		return Row{}, "the channel sent a product or stock reference containing " + text.Problem(l.ProductID+l.InventoryRef) + "; it cannot be tracked"
	case sku == "" && name == "":
		return Row{}, "no SKU and no name: give the listing a SKU or a name on the channel"
	// a string has no more runes than bytes, so counting is rarely needed
	case len(name) > MaxNameLength && utf8.RuneCountInString(name) > MaxNameLength:
		return Row{}, fmt.Sprintf("the name is longer than %d characters: shorten it on the channel", MaxNameLength)
	case len(sku) > MaxSKULength && utf8.RuneCountInString(sku) > MaxSKULength:
		return Row{}, fmt.Sprintf("the SKU is longer than %d characters: shorten it on the channel", MaxSKULength)
	}
	price := strings.TrimSpace(l.Price)
	if price != "" && !plainDecimal(price) {
		if strings.HasPrefix(price, "-") {
			return Row{}, fmt.Sprintf("price %q is negative: set a price of 0 or more on the channel", l.Price)
		}
		return Row{}, fmt.Sprintf("price %q is not a number: set a price such as 12.50 on the channel", l.Price)
	}
	if l.Quantity != nil && (*l.Quantity < -1_000_000_000 || *l.Quantity > 1_000_000_000) {
		return Row{}, fmt.Sprintf("stock quantity %d is out of range", *l.Quantity)
	}
	row := Row{
		ExternalID: l.ExternalID, ProductID: l.ProductID, SKU: sku, Name: name, Price: price,
		Quantity: l.Quantity, InventoryRef: l.InventoryRef, UpdatedAt: l.UpdatedAt, URL: PublicURL(l.URL), Raw: l.Raw,
		Key: ListingKey(l.ExternalID),
	}
	row.Fingerprint = row.fingerprint()
	return row, ""
}

// unfit tells whether a field cannot be stored as sent. Decoding JSON
// replaces bytes that are not UTF-8 with U+FFFD, so a field holding U+FFFD
// from a record that was not UTF-8 had such bytes: importing it would store
// a SKU or name that no longer says what the channel holds.
func unfit(field string, raw json.RawMessage) bool {
	return !text.Fit(field) || (strings.ContainsRune(field, utf8.RuneError) && !utf8.Valid(raw))
}

func problem(field string) string {
	if p := text.Problem(field); p != "" {
		return p
	}
	return text.Problem("\xff")
}

// Label names a listing the way a person would look for it, in text that
// can be stored whatever the channel sent.
func Label(sku, name, externalID string) string {
	sku, name, externalID = strings.TrimSpace(text.Clean(sku)), strings.TrimSpace(text.Clean(name)), text.Clean(externalID)
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

// CapRaw makes a listing's raw record fit a failure report, small and valid
// JSON that PostgreSQL takes, whatever a channel sent.
func CapRaw(raw json.RawMessage) json.RawMessage {
	switch {
	case len(raw) == 0:
		return nil
	case len(raw) > maxRawBytes:
		b, _ := json.Marshal(text.Clean(text.CutAtBoundary(string(raw), maxRawBytes)) + "…")
		return b
	}
	return text.CleanJSON(raw)
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

// Add sums two counts.
func (c Counts) Add(o Counts) Counts {
	return Counts{
		Records: c.Records + o.Records, New: c.New + o.New, Updated: c.Updated + o.Updated,
		Unchanged: c.Unchanged + o.Unchanged, Failed: c.Failed + o.Failed, Synced: c.Synced + o.Synced,
		NewUnconfirmed: c.NewUnconfirmed + o.NewUnconfirmed,
	}
}
