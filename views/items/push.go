package items

import (
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"stocksync/internal/catalogue"
	"stocksync/internal/inventory"
	"stocksync/views/components"
)

// PushView is Push Stock: each linked listing with what it will be sent.
type PushView struct {
	Item     inventory.Item
	Listings []catalogue.ListingPush
	// Pushed: Push now was pressed; the page follows the results.
	Pushed bool
}

func (v PushView) inFlight() bool { return anyInFlight(v.Listings) }

func anyInFlight(ls []catalogue.ListingPush) bool {
	for _, l := range ls {
		if l.InFlight() {
			return true
		}
	}
	return false
}

func (v PushView) tracked() int {
	n := 0
	for _, l := range v.Listings {
		if l.Tracked() {
			n++
		}
	}
	return n
}

func pushURL(id int64, tail string) templ.SafeURL {
	return templ.SafeURL("/items/" + strconv.FormatInt(id, 10) + "/push" + tail)
}

func channelsURL(id int64) string { return "/items/" + strconv.FormatInt(id, 10) + "/channels" }

// rule says in words what the channel's rule takes off the available
// quantity.
func rule(l catalogue.ListingPush) string {
	var parts []string
	if l.AllStock {
		parts = append(parts, "all warehouses")
	} else {
		parts = append(parts, "chosen warehouses")
	}
	if l.Buffer > 0 {
		parts = append(parts, "buffer "+strconv.Itoa(l.Buffer))
	}
	if l.Maximum != nil {
		parts = append(parts, "at most "+strconv.Itoa(*l.Maximum))
	}
	return strings.Join(parts, ", ")
}

func optQty(q *int) string {
	if q == nil {
		return "—"
	}
	return strconv.Itoa(*q)
}

// pushState is the listing's last push in words, and a Bootstrap colour.
func pushState(l catalogue.ListingPush) (string, string) {
	switch {
	case !l.Tracked():
		return "Not sent: the channel does not track this listing's stock", "secondary"
	case l.Sending != nil:
		return "Sending " + strconv.Itoa(*l.Sending) + "…", "info"
	case l.Error != nil && l.RetryAt != nil:
		return *l.Error + " — next try " + components.When(*l.RetryAt), "danger"
	case l.Error != nil:
		return *l.Error, "danger"
	case l.Pending:
		return "Waiting to be sent", "info"
	case l.PushedAt != nil && l.Pushed != nil:
		return "Sent " + strconv.Itoa(*l.Pushed) + " at " + components.When(*l.PushedAt), "success"
	}
	return "Not sent yet: the channel already showed this quantity", "secondary"
}
