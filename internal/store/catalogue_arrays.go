package store

import (
	"encoding/binary"
	"time"

	"stocksync/internal/catalogue"
)

// listingArrays are a batch's columns as PostgreSQL arrays in the binary
// wire format, for a statement that reads them with unnest: one round trip
// and no staging table, for batches that need no lookups among the
// channel's listings. Binary arrays are copied by the server element by
// element; text arrays it must scan for quotes and escapes and parse, which
// cost a first import a tenth of its time. They go only over the import
// connections (Store.imports), which send []byte parameters as binary.
//
// The price travels as text and is cast by the statement: numeric's binary
// form is base-10000 digits, and the decimal text was checked by
// catalogue.Prepare.
type listingArrays struct {
	externalID, listingKey, fingerprint, productID, sku, name, price, quantity, inventoryRef, updatedAt binaryArray
	url, raw                                                                                            binaryArray
}

// Type oids of the arrays' elements, which the server checks.
const (
	oidInt8        = 20
	oidInt4        = 23
	oidText        = 25
	oidTimestampTZ = 1184
)

// postgresEpoch is where the binary timestamptz counts microseconds from.
var postgresEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

func newListingArrays(rows []catalogue.Row) *listingArrays {
	n := len(rows)
	a := &listingArrays{}
	a.externalID.begin(oidText, n, 48)
	a.listingKey.begin(oidInt8, n, 12)
	a.fingerprint.begin(oidInt8, n, 12)
	a.productID.begin(oidText, n, 40)
	a.sku.begin(oidText, n, 20)
	a.name.begin(oidText, n, 40)
	a.price.begin(oidText, n, 12)
	a.quantity.begin(oidInt4, n, 8)
	a.inventoryRef.begin(oidText, n, 40)
	a.updatedAt.begin(oidTimestampTZ, n, 12)
	a.url.begin(oidText, n, 8)
	a.raw.begin(oidText, n, 256)
	for _, r := range rows {
		a.externalID.text(r.ExternalID)
		a.listingKey.int8(r.Key)
		a.fingerprint.int8(r.Fingerprint)
		a.productID.text(r.ProductID)
		a.sku.text(r.SKU)
		a.name.text(r.Name)
		if r.Price == "" {
			a.price.null()
		} else {
			a.price.text(r.Price)
		}
		if r.Quantity == nil {
			a.quantity.null()
		} else {
			a.quantity.int4(int32(*r.Quantity))
		}
		a.inventoryRef.text(r.InventoryRef)
		if r.UpdatedAt.IsZero() {
			a.updatedAt.null()
		} else {
			// rounded to the microsecond, as the server rounds a time it parses
			a.updatedAt.int8(r.UpdatedAt.Round(time.Microsecond).Sub(postgresEpoch).Microseconds())
		}
		a.url.textOrNull(r.URL)
		a.raw.bytesOrNull(catalogue.StoredRaw(r.Raw))
	}
	return a
}

func (a *listingArrays) args() []any {
	cols := []*binaryArray{&a.externalID, &a.listingKey, &a.fingerprint, &a.productID, &a.sku, &a.name,
		&a.price, &a.quantity, &a.inventoryRef, &a.updatedAt, &a.url, &a.raw}
	args := make([]any, len(cols))
	for i, c := range cols {
		args[i] = c.bytes()
	}
	return args
}

// binaryArray is a one-dimensional array in PostgreSQL's binary format
// (array_recv): dimensions, a has-nulls flag, the element type, then each
// element as its length (-1 for NULL) and its binary form.
type binaryArray struct {
	buf     []byte
	hasNull bool
}

const arrayHeaderLen = 20

func (a *binaryArray) begin(elementOID uint32, n, sizeHint int) {
	a.buf = make([]byte, arrayHeaderLen, arrayHeaderLen+n*sizeHint)
	binary.BigEndian.PutUint32(a.buf[0:], 1) // dimensions
	binary.BigEndian.PutUint32(a.buf[8:], elementOID)
	binary.BigEndian.PutUint32(a.buf[12:], uint32(n))
	binary.BigEndian.PutUint32(a.buf[16:], 1) // lower bound
}

func (a *binaryArray) text(s string) {
	a.buf = binary.BigEndian.AppendUint32(a.buf, uint32(len(s)))
	a.buf = append(a.buf, s...)
}

// textOrNull is s, or NULL for "": most listings have no address, and a
// NULL takes no room in the row.
func (a *binaryArray) textOrNull(s string) {
	if s == "" {
		a.null()
		return
	}
	a.text(s)
}

// bytesOrNull is textOrNull for text held as bytes (checked UTF-8).
func (a *binaryArray) bytesOrNull(b []byte) {
	if len(b) == 0 {
		a.null()
		return
	}
	a.buf = binary.BigEndian.AppendUint32(a.buf, uint32(len(b)))
	a.buf = append(a.buf, b...)
}

func (a *binaryArray) int8(v int64) {
	a.buf = binary.BigEndian.AppendUint32(a.buf, 8)
	a.buf = binary.BigEndian.AppendUint64(a.buf, uint64(v))
}

func (a *binaryArray) int4(v int32) {
	a.buf = binary.BigEndian.AppendUint32(a.buf, 4)
	a.buf = binary.BigEndian.AppendUint32(a.buf, uint32(v))
}

func (a *binaryArray) null() {
	a.hasNull = true
	a.buf = binary.BigEndian.AppendUint32(a.buf, 0xFFFFFFFF)
}

func (a *binaryArray) bytes() []byte {
	if a.hasNull {
		binary.BigEndian.PutUint32(a.buf[4:], 1)
	}
	return a.buf
}
