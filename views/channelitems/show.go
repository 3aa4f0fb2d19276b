package channelitems

import (
	"encoding/json"
	"strconv"

	"github.com/a-h/templ"

	"stocksync/internal/catalogue"
	"stocksync/internal/inventory"
	"stocksync/views/components"
)

// ShowView is one listing's page; the settle part is also its own
// fragment, swapped in place by the banner's actions.
type ShowView struct {
	Listing  catalogue.Listing
	Currency string
	Activity []catalogue.Activity
	Notice   *Notice

	// Confirm: the item as Confirm creates it, or why it cannot.
	Confirm        inventory.ItemFields
	ConfirmProblem string
	Primary        string // the warehouse Confirm puts the opening stock in

	// Update: the form as typed (prefilled from the listing).
	Form       inventory.ItemInput
	Warehouse  int64
	Warehouses []inventory.Warehouse
	Errors     components.FieldErrors
	SKUOwner   int64 // the item whose SKU clashed
	OpenUpdate bool

	// Suggestions: up to three active items, strongest reason first, each
	// linked with one click.
	Suggestions []catalogue.Suggestion

	// Link: the picker's query and what it found.
	Q        string
	Picks    []inventory.ListItem
	OpenLink bool
}

// Notice is the outcome of an action, shown in the settle part.
type Notice struct {
	Kind    string // success, danger, warning
	Message string
	ItemID  int64 // an item the message is about, linked
	Label   string
}

func listingURL(id int64, action string) string {
	u := "/channel-items/" + strconv.FormatInt(id, 10)
	if action != "" {
		u += "/" + action
	}
	return u
}

func listingTitle(l catalogue.Listing) string { return catalogue.Label(l.SKU, l.Name, l.ExternalID) }

func linkSource(source *string) string {
	if source == nil {
		return ""
	}
	switch *source {
	case catalogue.LinkedBySKU:
		return "automatically, by SKU"
	case catalogue.LinkedByName:
		return "automatically, by name"
	case catalogue.LinkedByConfirm:
		return "by confirming the listing"
	case catalogue.LinkedByUpdate:
		return "by confirming the listing with edits"
	}
	return "by hand"
}

// record is the listing as stored, for the collapsed "record" view.
func record(l catalogue.Listing) string {
	b, _ := json.MarshalIndent(struct {
		ExternalID       string `json:"external_id"`
		ProductID        string `json:"product_id,omitempty"`
		SKU              string `json:"sku"`
		Name             string `json:"name"`
		Price            any    `json:"price"`
		Quantity         any    `json:"quantity"`
		InventoryRef     string `json:"inventory_ref,omitempty"`
		ChannelUpdatedAt any    `json:"updated_at,omitempty"`
	}{l.ExternalID, l.ProductID, l.SKU, l.Name, l.Price, l.Quantity, l.InventoryRef, l.ChannelUpdatedAt}, "", "  ")
	return string(b)
}

// publicURL is the listing's address on the channel, checked again as it
// becomes a link's href.
func publicURL(l catalogue.Listing) string {
	if l.URL == nil {
		return ""
	}
	return catalogue.PublicURL(*l.URL)
}

func prettyRaw(raw string) string { return catalogue.PrettyRaw(raw) }

func runURL(id int64) templ.SafeURL {
	return templ.SafeURL("/sync-history/" + strconv.FormatInt(id, 10))
}

func warehouseID(id int64) string { return strconv.FormatInt(id, 10) }

func pickURL(listing int64) string { return "/items/picker?listing=" + strconv.FormatInt(listing, 10) }
