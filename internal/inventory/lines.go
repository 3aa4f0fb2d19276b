package inventory

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// LineInput is one row of a document form as typed.
type LineInput struct {
	Item, Warehouse, Quantity, Rate string
}

func (l LineInput) blank() bool {
	return strings.TrimSpace(l.Item) == "" && strings.TrimSpace(l.Quantity) == "" && strings.TrimSpace(l.Rate) == ""
}

// Line is a checked document line. ItemRef is what was typed (a SKU or a
// name); ItemID is filled in by ResolveItems.
type Line struct {
	Row         int
	ItemRef     string
	ItemID      int64
	ItemLabel   string
	WarehouseID int64
	Quantity    int64
	Rate        Money
}

type lineKind int

const (
	inbound  lineKind = iota // receive: quantity > 0, with rate
	outbound                 // sales order: quantity > 0, with rate
	signed                   // adjustment: ± quantity, no rate
)

// LineField names the form field of one row, for FieldErrors.
func LineField(row int, name string) string { return fmt.Sprintf("line.%d.%s", row, name) }

func parseLines(in []LineInput, kind lineKind, errs FieldErrors) []Line {
	var out []Line
	for row, li := range in {
		if li.blank() {
			continue
		}
		l := Line{Row: row, ItemRef: strings.TrimSpace(li.Item)}
		if l.ItemRef == "" {
			errs[LineField(row, "item")] = "Type the item's SKU or name."
		}
		wh, err := strconv.ParseInt(strings.TrimSpace(li.Warehouse), 10, 64)
		if err != nil || wh <= 0 {
			errs[LineField(row, "warehouse")] = "Choose a warehouse."
		}
		l.WarehouseID = wh
		q, err := strconv.ParseInt(strings.ReplaceAll(strings.TrimSpace(li.Quantity), ",", ""), 10, 64)
		switch {
		case err != nil:
			errs[LineField(row, "quantity")] = "Enter a whole number of units."
		case kind == signed && (q == 0 || q > MaxQuantity || q < -MaxQuantity):
			errs[LineField(row, "quantity")] = "Enter the change, such as 5 to add or -2 to remove; not 0."
		case kind != signed && (q <= 0 || q > MaxQuantity):
			errs[LineField(row, "quantity")] = "Enter a quantity of 1 or more."
		}
		l.Quantity = q
		if kind != signed {
			l.Rate = money(li.Rate, LineField(row, "rate"), errs)
		}
		out = append(out, l)
	}
	if len(out) == 0 {
		errs[""] = "Add at least one line with an item and a quantity."
	}
	return out
}

// ResolveItems ties each line to the item its ItemRef names. matches holds,
// per ref, the item with that exact SKU, or else the items with that exact
// name: a SKU match wins, and a name shared by two items names none.
func ResolveItems(lines []Line, matches map[string][]Item, errs FieldErrors) {
	for i := range lines {
		l := &lines[i]
		if l.ItemRef == "" {
			continue
		}
		field := LineField(l.Row, "item")
		ms := matches[l.ItemRef]
		switch {
		case len(ms) == 0:
			errs[field] = fmt.Sprintf("No item has the SKU or name “%s”.", l.ItemRef)
		case len(ms) > 1:
			errs[field] = fmt.Sprintf("%d items are named “%s”; type the SKU instead.", len(ms), l.ItemRef)
		case !ms[0].Active:
			errs[field] = fmt.Sprintf("%s is inactive; reactivate it on its page first.", ms[0].Label())
		default:
			l.ItemID, l.ItemLabel = ms[0].ID, ms[0].Label()
		}
	}
}

// ItemRefs lists the distinct item references of lines, for the look-up.
func ItemRefs(lines []Line) []string {
	seen := map[string]bool{}
	var refs []string
	for _, l := range lines {
		if l.ItemRef != "" && !seen[l.ItemRef] {
			seen[l.ItemRef] = true
			refs = append(refs, l.ItemRef)
		}
	}
	return refs
}

func parseDate(s, field string, today time.Time, errs FieldErrors) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return today
	}
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		errs[field] = "Enter a date as YYYY-MM-DD."
	}
	return d
}

func requiredText(s, field, msg string, max int, errs FieldErrors) string {
	s = strings.TrimSpace(s)
	if s == "" {
		errs[field] = msg
	} else if utf8.RuneCountInString(s) > max {
		errs[field] = fmt.Sprintf("Keep this to %d characters.", max)
	}
	return s
}

func optionalText(s, field string, max int, errs FieldErrors) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > max {
		errs[field] = fmt.Sprintf("Keep this to %d characters.", max)
	}
	return s
}
