package channels

import (
	"slices"
	"time"

	"stocksync/views/components"
)

// PushSection is what the channel page shows of its stock push.
type PushSection struct {
	Rules      PushRulesForm
	Drift      []DriftedListing
	DriftTotal int
	// Waiting is the stock the channel refused for now (its call budget
	// is spent) and when it goes.
	Waiting PushWaiting
}

// PushWaiting is how many listings wait for the channel's quota, why, and
// from when to when they go.
type PushWaiting struct {
	Listings         int
	Reason           string
	NextTry, LastTry *time.Time
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

// Headline says how many listings wait.
func (w PushWaiting) Headline() string {
	if w.Listings == 1 {
		return "1 listing waits for the channel's quota."
	}
	return itoa(w.Listings) + " listings wait for the channel's quota."
}
