package catalogue

import (
	"encoding/json"
	"fmt"

	"stocksync/internal/channel"
)

// RecordOf is a failing listing as kept until a sync imports it: enough to
// run it through Prepare and the import again without asking the channel.
// Its raw record is capped as in a failure report: it is only shown.
func RecordOf(l channel.Listing) json.RawMessage {
	l.Raw = CapRaw(l.Raw)
	b, err := json.Marshal(l)
	if err != nil { // CapRaw made Raw valid JSON, and the rest always encodes
		panic(fmt.Sprintf("catalogue: encode listing record: %v", err))
	}
	return b
}

// Record is RecordOf the listing a row was prepared from (its text trimmed,
// which Prepare does again anyway).
func (r Row) Record() json.RawMessage {
	return RecordOf(channel.Listing{ExternalID: r.ExternalID, ProductID: r.ProductID, SKU: r.SKU, Name: r.Name,
		Price: r.Price, Quantity: r.Quantity, InventoryRef: r.InventoryRef, UpdatedAt: r.UpdatedAt, Raw: r.Raw})
}

// ListingFromRecord reads back a record made by RecordOf.
func ListingFromRecord(record []byte) (channel.Listing, error) {
	var l channel.Listing
	if err := json.Unmarshal(record, &l); err != nil {
		return l, fmt.Errorf("catalogue: read listing record: %w", err)
	}
	return l, nil
}
