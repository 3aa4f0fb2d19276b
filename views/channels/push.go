package channels

import (
	"slices"
	"time"

	"stocksync/views/components"
)

// PushSection is what the channel page shows of its stock push.
type PushSection struct {
	// Waiting listings are marked or being sent; Refused of them the
	// channel refused last time, the next tried again at NextRetry.
	Waiting, Refused int
	NextRetry        *time.Time
	LastError        string
	Rules            PushRulesForm
	Drift            []DriftedListing
	DriftTotal       int
}

// PushRulesForm is the channel's stock rule as typed.
type PushRulesForm struct {
	Buffer, Maximum string
	// Warehouses chosen (their ids); none: all warehouses.
	Chosen     []string
	Warehouses []WarehouseChoice
	Errors     components.FieldErrors
}

func (f PushRulesForm) chosen(id string) bool { return slices.Contains(f.Chosen, id) }

// DriftedListing is a listing whose quantity on the channel is not the one
// we pushed: someone changed it there.
type DriftedListing struct {
	ListingID, ItemID    int64
	ItemName, Label      string
	Ours, Pushed, Theirs int
	Since                time.Time
}
