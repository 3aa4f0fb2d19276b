package store

import (
	"strconv"
	"strings"
	"time"

	"stocksync/internal/catalogue"
)

// listingArrays are a batch's columns as PostgreSQL array literals, for a
// statement that reads them with unnest: one round trip and no staging
// table, for batches that need no lookups among the channel's listings.
type listingArrays struct {
	externalID, listingKey, fingerprint, productID, sku, name, price, quantity, inventoryRef, updatedAt strings.Builder
}

func newListingArrays(rows []catalogue.Row) *listingArrays {
	a := &listingArrays{}
	cols := a.columns()
	for _, b := range cols {
		b.WriteByte('{')
	}
	for i, r := range rows {
		if i > 0 {
			for _, b := range cols {
				b.WriteByte(',')
			}
		}
		arrayText(&a.externalID, r.ExternalID)
		a.listingKey.WriteString(strconv.FormatInt(r.Key, 10))
		a.fingerprint.WriteString(strconv.FormatInt(r.Fingerprint, 10))
		arrayText(&a.productID, r.ProductID)
		arrayText(&a.sku, r.SKU)
		arrayText(&a.name, r.Name)
		if r.Price == "" {
			a.price.WriteString("NULL")
		} else {
			a.price.WriteString(r.Price) // a plain decimal, checked by catalogue.Prepare
		}
		if r.Quantity == nil {
			a.quantity.WriteString("NULL")
		} else {
			a.quantity.WriteString(strconv.Itoa(*r.Quantity))
		}
		arrayText(&a.inventoryRef, r.InventoryRef)
		if r.UpdatedAt.IsZero() {
			a.updatedAt.WriteString("NULL")
		} else {
			a.updatedAt.WriteByte('"')
			a.updatedAt.WriteString(r.UpdatedAt.UTC().Format(time.RFC3339Nano))
			a.updatedAt.WriteByte('"')
		}
	}
	for _, b := range cols {
		b.WriteByte('}')
	}
	return a
}

func (a *listingArrays) columns() []*strings.Builder {
	return []*strings.Builder{&a.externalID, &a.listingKey, &a.fingerprint, &a.productID, &a.sku, &a.name,
		&a.price, &a.quantity, &a.inventoryRef, &a.updatedAt}
}

func (a *listingArrays) args() []any {
	cols := a.columns()
	args := make([]any, len(cols))
	for i, b := range cols {
		args[i] = b.String()
	}
	return args
}

// arrayText writes s as a quoted array element: inside quotes only the
// quote and the backslash need escaping.
func arrayText(b *strings.Builder, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' || s[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('"')
}
