package channelitems

import (
	"strconv"

	"stocksync/internal/catalogue"
)

// SuggestPreview is the bulk preview of linking each listing of a
// selection to its top suggestion.
type SuggestPreview struct {
	Rows      []catalogue.TopSuggestion
	Suggested int  // rows that have a suggestion
	Settled   int  // selected listings left out: settled already
	Capped    bool // the selection had more than Cap listings
	Cap       int
	BackURL   string
	Problem   string
}

func pairValue(s *catalogue.Suggestion) string {
	return strconv.FormatInt(s.ListingID, 10) + ":" + strconv.FormatInt(s.ItemID, 10)
}

func listingLink(id int64) string { return listingURL(id, "") }
