package catalogue

import (
	"fmt"
	"math"
)

// Reason is why an item is suggested for an unconfirmed listing. Its value
// is its rank: a lower value is the stronger reason, and suggestions are
// ordered by it first.
//
// Ranking, strongest first:
//
//	SameSKU > SameName > SamePriceSimilarName > SimilarName
//
// A SKU names one product, so one equal apart from case, spaces and
// punctuation beats any name. Equal names (apart from case and spacing) beat
// similar ones. A similar name with the same price is more likely the same
// product than a name that is only more alike: names of one range differ by
// a word ("Oak Chair Large" / "Oak Chair Small") while the price tells them
// apart. Within a reason, the more alike name comes first.
type Reason int

const (
	SameSKU              Reason = 1
	SameName             Reason = 2
	SamePriceSimilarName Reason = 3
	SimilarName          Reason = 4
)

// Trigram similarities (pg_trgm, 0 to 1) the name reasons need: a name is
// "very similar" from VerySimilarName on, and "similar" enough to count
// with an equal price from SimilarNameMin on.
const (
	VerySimilarName = 0.6
	SimilarNameMin  = 0.4
)

// SuggestionsShown is how many suggestions a listing's page offers.
const SuggestionsShown = 3

// Suggestion is an active item suggested for an unconfirmed listing.
type Suggestion struct {
	ListingID int64   `db:"listing_id"`
	ItemID    int64   `db:"item_id"`
	ItemName  string  `db:"item_name"`
	ItemSKU   string  `db:"item_sku"`
	ItemPrice string  `db:"item_price"`
	Reason    Reason  `db:"reason"`
	Score     float64 `db:"score"` // trigram similarity of the names
}

// Why says the reason in words, with the names' similarity where it is
// what counted.
func (s Suggestion) Why() string {
	switch s.Reason {
	case SameSKU:
		return "same SKU apart from case, spaces or punctuation"
	case SameName:
		return "same name apart from case and spacing"
	case SamePriceSimilarName:
		return fmt.Sprintf("same price and similar name (names %s alike)", Percent(s.Score))
	case SimilarName:
		return fmt.Sprintf("very similar name (names %s alike)", Percent(s.Score))
	}
	return "suggested"
}

// Percent shows a similarity as a whole percentage, never rounding up to
// 100% a pair that is not equal.
func Percent(score float64) string {
	p := math.Round(score * 100)
	if p >= 100 && score < 1 {
		p = 99
	}
	return fmt.Sprintf("%d%%", int(p))
}

// TopSuggestion is one row of a bulk preview: a listing and the first of
// its suggestions, if it has any.
type TopSuggestion struct {
	ListingID   int64
	ChannelName string
	ExternalID  string
	SKU         string
	Name        string
	Top         *Suggestion
}
