package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"stocksync/internal/catalogue"
	"stocksync/internal/inventory"
	"stocksync/internal/store"
	"stocksync/internal/text"
	"stocksync/views/channelitems"
	"stocksync/views/components"
)

const picksShown = 8

// listingView loads what the listing's page shows around v's own parts
// (notice, form, picker), which the caller has set.
func (a *App) listingView(c echo.Context, id int64, v channelitems.ShowView) (channelitems.ShowView, error) {
	ctx := c.Request().Context()
	var err error
	if v.Listing, err = a.store.Listing(ctx, id); err != nil {
		if errors.Is(err, catalogue.ErrNotFound) {
			return v, echo.ErrNotFound
		}
		return v, err
	}
	if v.Activity, err = a.store.ListingActivity(ctx, id); err != nil {
		return v, err
	}
	if v.Currency, err = a.currency(ctx); err != nil {
		return v, err
	}
	if !v.Listing.Unconfirmed() {
		return v, nil
	}
	if v.Suggestions, err = a.store.Suggestions(ctx, id); err != nil {
		return v, err
	}
	if v.Warehouses, err = a.store.WarehouseChoices(ctx); err != nil {
		return v, err
	}
	if len(v.Warehouses) > 0 {
		v.Primary = v.Warehouses[0].Name
		if v.Warehouse == 0 {
			v.Warehouse = v.Warehouses[0].ID
		}
	}
	fields, errs := inventory.ValidateItem(v.Listing.ItemInput(), true)
	if len(errs) > 0 {
		v.ConfirmProblem = (&catalogue.NeedsUpdateError{Fields: errs}).Message()
	}
	v.Confirm = fields
	if v.Form == (inventory.ItemInput{}) {
		v.Form = v.Listing.ItemInput()
	}
	if v.OpenLink && v.Picks == nil {
		if v.Picks, err = a.picks(c, v.Q); err != nil {
			return v, err
		}
	}
	return v, nil
}

func (a *App) renderListing(c echo.Context, status int, id int64, v channelitems.ShowView) error {
	v, err := a.listingView(c, id, v)
	if err != nil {
		return err
	}
	title := catalogue.Label(v.Listing.SKU, v.Listing.Name, v.Listing.ExternalID)
	return a.render(c, status, channelitems.Show(a.page(c, title, "channel-items"), v), "settle")
}

// channelItem is a listing's page; ?q= is the link picker's search
// without JavaScript.
func (a *App) channelItem(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	_, searched := c.QueryParams()["q"]
	return a.renderListing(c, http.StatusOK, id, channelitems.ShowView{Q: pickerQuery(c.QueryParam("q")), OpenLink: searched})
}

func pickerQuery(q string) string {
	return text.CutAtBoundary(strings.TrimSpace(q), 200)
}

func (a *App) picks(c echo.Context, q string) ([]inventory.ListItem, error) {
	p, err := a.store.ListItems(c.Request().Context(), inventory.ItemFilter{Q: q, Status: "active", Limit: picksShown})
	if p.Items == nil {
		p.Items = []inventory.ListItem{}
	}
	return p.Items, err
}

// itemPicker answers the picker's search as you type with the list alone.
func (a *App) itemPicker(c echo.Context) error {
	q := pickerQuery(c.QueryParam("q"))
	rows, err := a.picks(c, q)
	if err != nil {
		return err
	}
	if !isHTMX(c) {
		// a bookmark or a browser without JavaScript: the listing's page has the form
		if id, err := strconv.ParseInt(c.QueryParam("listing"), 10, 64); err == nil {
			return c.Redirect(http.StatusSeeOther, "/channel-items/"+strconv.FormatInt(id, 10)+"?q="+url.QueryEscape(q)+"#link")
		}
	}
	return a.render(c, http.StatusOK, channelitems.Picks(rows, q), "")
}

func (a *App) confirmListing(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	itemID, err := a.store.CreateItemFromListing(c.Request().Context(), id, store.NewItemFromListing{By: currentUser(c).ID})
	if err != nil {
		return a.settleRefused(c, id, err, channelitems.ShowView{})
	}
	return a.settled(c, id, "Confirmed: the listing is linked to its new item", itemID)
}

func (a *App) updateListing(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	in := inventory.ItemInput{
		Name: c.FormValue("name"), SKU: c.FormValue("sku"), Unit: c.FormValue("unit"),
		SellingPrice: c.FormValue("selling_price"), PurchasePrice: c.FormValue("purchase_price"),
		OpeningQty: c.FormValue("opening_qty"), OpeningValue: c.FormValue("opening_value"),
	}
	fields, errs := inventory.ValidateItem(in, true)
	wh, werr := strconv.ParseInt(c.FormValue("warehouse"), 10, 64)
	if werr != nil || wh <= 0 {
		errs["warehouse"] = "Choose the warehouse that holds the opening stock."
	}
	v := channelitems.ShowView{Form: in, Warehouse: wh, OpenUpdate: true, Errors: components.FieldErrors(errs)}
	if len(errs) > 0 {
		return a.renderListing(c, http.StatusUnprocessableEntity, id, v)
	}
	itemID, err := a.store.CreateItemFromListing(c.Request().Context(), id, store.NewItemFromListing{Fields: &fields, Warehouse: wh, By: currentUser(c).ID})
	if err != nil {
		return a.settleRefused(c, id, err, v)
	}
	return a.settled(c, id, "Saved: the listing is linked to its new item", itemID)
}

func (a *App) linkListing(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	itemID, err := strconv.ParseInt(c.FormValue("item_id"), 10, 64)
	if err != nil || itemID <= 0 {
		return a.renderListing(c, http.StatusUnprocessableEntity, id, channelitems.ShowView{OpenLink: true,
			Errors: components.FieldErrors{"item_id": "Choose the item to link this listing to."}})
	}
	if err := a.store.LinkListing(c.Request().Context(), id, itemID, currentUser(c).ID); err != nil {
		return a.settleRefused(c, id, err, channelitems.ShowView{OpenLink: true})
	}
	return a.settled(c, id, "Linked: stock will be sent to the channel from", itemID)
}

// settled answers a settled listing: with htmx the settle part in place,
// without JavaScript a redirect to the listing with a flash.
func (a *App) settled(c echo.Context, id int64, message string, itemID int64) error {
	if isHTMX(c) && c.Request().Header.Get("HX-Boosted") != "true" {
		it, err := a.store.ItemByID(c.Request().Context(), itemID)
		if err != nil {
			return err
		}
		return a.renderListing(c, http.StatusOK, id, channelitems.ShowView{
			Notice: &channelitems.Notice{Kind: "success", Message: message + " ", ItemID: itemID, Label: it.Name}})
	}
	addFlash(c, "success", message+" item #"+strconv.FormatInt(itemID, 10)+".")
	return a.redirectAfterPost(c, "/channel-items/"+strconv.FormatInt(id, 10))
}

// settleRefused shows why an action was refused beside the banner, the
// typed form kept: a clash of SKUs beside the field, anything else above.
func (a *App) settleRefused(c echo.Context, id int64, err error, v channelitems.ShowView) error {
	var settled *catalogue.AlreadySettledError
	var needs *catalogue.NeedsUpdateError
	var taken *inventory.SKUTakenError
	status := http.StatusConflict
	switch {
	case errors.As(err, &settled):
		v.Notice = &channelitems.Notice{Kind: "warning", Message: settled.Message()}
	case errors.As(err, &taken) && v.OpenUpdate:
		status = http.StatusUnprocessableEntity
		v.Errors = components.FieldErrors{"sku": "SKU " + taken.SKU + " is already used by " + taken.OtherName + " (item #" + strconv.FormatInt(taken.OtherID, 10) + "). SKUs must be unique."}
		v.SKUOwner = taken.OtherID
	case errors.As(err, &taken):
		v.Notice = &channelitems.Notice{Kind: "danger", Message: "Not confirmed: SKU " + taken.SKU + " is already used by", ItemID: taken.OtherID, Label: taken.OtherName}
	case errors.As(err, &needs):
		v.Notice = &channelitems.Notice{Kind: "danger", Message: "Not confirmed: this listing " + needs.Message()}
		v.OpenUpdate = true
	case errors.Is(err, catalogue.ErrItemInactive):
		status = http.StatusUnprocessableEntity
		v.Notice = &channelitems.Notice{Kind: "danger", Message: "Not linked: that item is inactive. Reactivate it first or choose another."}
	case errors.Is(err, catalogue.ErrNotFound):
		return echo.ErrNotFound
	case errors.Is(err, catalogue.ErrItemGone):
		status = http.StatusUnprocessableEntity
		v.Notice = &channelitems.Notice{Kind: "danger", Message: "Not linked: that item no longer exists."}
	case errors.Is(err, store.ErrNoWarehouse):
		status = http.StatusUnprocessableEntity
		v.Errors = components.FieldErrors{"warehouse": "That warehouse no longer exists; choose another."}
	default:
		return err
	}
	return a.renderListing(c, status, id, v)
}
