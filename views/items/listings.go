package items

import (
	"slices"
	"strconv"

	"github.com/a-h/templ"

	"stocksync/internal/catalogue"
	"stocksync/internal/inventory"
	"stocksync/views/components"
)

func listingURL(id int64) templ.SafeURL {
	return templ.SafeURL("/channel-items/" + strconv.FormatInt(id, 10))
}

func listingName(l catalogue.ChannelItem) string {
	if l.Name != "" {
		return l.Name
	}
	return l.ExternalID
}

// channelQty is the listing's quantity as last seen on the channel.
func channelQty(q *int) string {
	if q == nil {
		return "not tracked"
	}
	return strconv.Itoa(*q)
}

func linkedHow(source *string) string {
	if source == nil {
		return ""
	}
	switch *source {
	case catalogue.LinkedBySKU:
		return "by SKU"
	case catalogue.LinkedByName:
		return "by name"
	case catalogue.LinkedByConfirm:
		return "confirmed"
	case catalogue.LinkedByUpdate:
		return "confirmed with edits"
	}
	return "by hand"
}

// UnlinkView is the unlink page: choose channels, read what unlinking
// does, proceed.
type UnlinkView struct {
	Item     inventory.Item
	Listings []catalogue.ChannelItem
	Chosen   []int64
	Errors   components.FieldErrors
}

type channelChoice struct {
	ID       int64
	Name     string
	Listings int
}

// channels are the channels of the item's listings, each once.
func (v UnlinkView) channels() []channelChoice {
	var out []channelChoice
	for _, l := range v.Listings {
		i := slices.IndexFunc(out, func(c channelChoice) bool { return c.ID == l.ChannelID })
		if i < 0 {
			out = append(out, channelChoice{ID: l.ChannelID, Name: l.ChannelName})
			i = len(out) - 1
		}
		out[i].Listings++
	}
	return out
}

func (v UnlinkView) chosen(id int64) bool { return slices.Contains(v.Chosen, id) }

func listingsWord(n int) string {
	if n == 1 {
		return "1 listing"
	}
	return strconv.Itoa(n) + " listings"
}
