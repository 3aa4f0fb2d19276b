package inventory

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

type Item struct {
	ID             int64     `db:"id"`
	Name           string    `db:"name"`
	SKU            string    `db:"sku"`
	Unit           string    `db:"unit"`
	Description    string    `db:"description"`
	SellingPrice   Money     `db:"selling_price"`
	PurchasePrice  Money     `db:"purchase_price"`
	OpeningQty     int64     `db:"opening_qty"`
	OpeningValue   Money     `db:"opening_value"`
	ReorderLevel   int64     `db:"reorder_level"`
	Active         bool      `db:"active"`
	Source         string    `db:"source"`
	LinkedChannels int       `db:"linked_channels"`
	OnHand         int64     `db:"on_hand"`
	Committed      int64     `db:"committed"`
	Available      int64     `db:"available"`
	CreatedBy      *int64    `db:"created_by"`
	CreatedByEmail *string   `db:"created_by_email"`
	CreatedAt      time.Time `db:"created_at"`
	UpdatedAt      time.Time `db:"updated_at"`
}

func (it Item) StockState() string { return StockState(it.Available, it.ReorderLevel) }

// Label names an item in messages: its name and, when it has one, its SKU.
func (it Item) Label() string {
	if it.SKU == "" {
		return it.Name
	}
	return it.Name + " (SKU " + it.SKU + ")"
}

// ItemInput is an item form as typed.
type ItemInput struct {
	Name, SKU, Unit, Description           string
	SellingPrice, PurchasePrice            string
	OpeningQty, OpeningValue, ReorderLevel string
}

// ItemFields is a valid item, ready to store.
type ItemFields struct {
	Name, SKU, Unit, Description string
	SellingPrice, PurchasePrice  Money
	OpeningQty                   int64
	OpeningValue                 Money
	ReorderLevel                 int64
}

// Input turns an item back into form values, for the edit form.
func (it Item) Input() ItemInput {
	return ItemInput{
		Name: it.Name, SKU: it.SKU, Unit: it.Unit, Description: it.Description,
		SellingPrice: it.SellingPrice.String(), PurchasePrice: it.PurchasePrice.String(),
		OpeningQty: strconv.FormatInt(it.OpeningQty, 10), OpeningValue: it.OpeningValue.String(),
		ReorderLevel: strconv.FormatInt(it.ReorderLevel, 10),
	}
}

const (
	maxName = 200
	maxSKU  = 100
	maxUnit = 20
	maxDesc = 4000
	// MaxQuantity bounds every typed quantity, far beyond any real stock.
	MaxQuantity = 1_000_000_000
)

// ValidateItem trims and checks an item form; opening stock is read only
// when creating (afterwards it is history, changed by documents).
func ValidateItem(in ItemInput, creating bool) (ItemFields, FieldErrors) {
	errs := FieldErrors{}
	f := ItemFields{
		Name:        strings.TrimSpace(in.Name),
		SKU:         strings.TrimSpace(in.SKU),
		Unit:        strings.TrimSpace(in.Unit),
		Description: strings.TrimSpace(in.Description),
	}
	switch n := utf8.RuneCountInString(f.Name); {
	case n == 0:
		errs["name"] = "Enter the item's name."
	case n > maxName:
		errs["name"] = "Keep the name to 200 characters."
	}
	if utf8.RuneCountInString(f.SKU) > maxSKU {
		errs["sku"] = "Keep the SKU to 100 characters."
	}
	if f.Unit == "" {
		f.Unit = "pcs"
	}
	if utf8.RuneCountInString(f.Unit) > maxUnit {
		errs["unit"] = "Keep the unit short, such as pcs, kg or box."
	}
	if utf8.RuneCountInString(f.Description) > maxDesc {
		errs["description"] = "Keep the description to 4000 characters."
	}
	f.SellingPrice = money(in.SellingPrice, "selling_price", errs)
	f.PurchasePrice = money(in.PurchasePrice, "purchase_price", errs)
	f.ReorderLevel = quantity(in.ReorderLevel, "reorder_level", false, errs)
	if creating {
		f.OpeningQty = quantity(in.OpeningQty, "opening_qty", false, errs)
		f.OpeningValue = money(in.OpeningValue, "opening_value", errs)
	}
	return f, errs
}

func money(s, field string, errs FieldErrors) Money {
	m, err := ParseMoney(s)
	if err != nil {
		errs[field] = "Enter an amount such as 12.50 (at most two decimals, not negative)."
	}
	return m
}

// quantity reads a whole number; blank is zero.
func quantity(s, field string, required bool, errs FieldErrors) int64 {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	if s == "" {
		if required {
			errs[field] = "Enter a quantity."
		}
		return 0
	}
	q, err := strconv.ParseInt(s, 10, 64)
	if err != nil || q < 0 || q > MaxQuantity {
		errs[field] = "Enter a whole number of units, 0 or more."
		return 0
	}
	return q
}
