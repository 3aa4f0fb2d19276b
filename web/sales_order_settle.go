package web

import (
	"errors"
	"strconv"

	"github.com/labstack/echo/v4"

	"stocksync/internal/catalogue"
	"stocksync/internal/inventory"
	"stocksync/internal/store"
)

// confirmOrderListings is a frozen order's Confirm all:
// POST /sales-orders/{id}/confirm-all.
func (a *App) confirmOrderListings(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	n, err := a.store.ConfirmOrderListings(c.Request().Context(), id, currentUser(c).ID)
	var le *store.ListingError
	switch {
	case errors.Is(err, store.ErrNothingWaiting):
		addFlash(c, "info", "This order waits on no unconfirmed channel item; nothing was changed.")
	case errors.As(err, &le):
		addFlash(c, "danger", "Nothing was confirmed: the channel item "+le.Label+" "+settleRefusal(le.Err)+
			" Open it from its line to Update it, or link that line to an existing item.")
	case err != nil:
		return notFoundErr(err)
	default:
		addFlash(c, "success", "Confirmed "+strconv.Itoa(n)+" channel items as new items; the order's lines commit stock and it is no longer frozen.")
	}
	return a.redirectAfterPost(c, orderPath(id))
}

// settleRefusal says why a listing could not be confirmed, to follow its name.
func settleRefusal(err error) string {
	var needs *catalogue.NeedsUpdateError
	var taken *inventory.SKUTakenError
	switch {
	case errors.As(err, &needs):
		return needs.Message()
	case errors.As(err, &taken):
		return "has the SKU " + taken.SKU + ", which item " + taken.OtherName + " already carries."
	}
	return "could not be confirmed."
}

// linkOrderLine links the listing a waiting line sold to an existing item,
// as the listing's own Link does: POST /sales-orders/{id}/lines/{line}/link.
func (a *App) linkOrderLine(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	line, err := paramID(c, "line")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	itemID, err := strconv.ParseInt(c.FormValue("item_id"), 10, 64)
	if err != nil || itemID <= 0 {
		addFlash(c, "danger", "Choose the item to link this line's channel item to.")
		return a.redirectAfterPost(c, orderPath(id)+"?line="+strconv.FormatInt(line, 10)+"#line-"+strconv.FormatInt(line, 10))
	}
	listing, err := a.store.OrderLineListing(ctx, id, line)
	if err != nil {
		return notFoundErr(err)
	}
	if listing == 0 {
		addFlash(c, "info", "This line sold no channel item; nothing was changed.")
		return a.redirectAfterPost(c, orderPath(id))
	}
	err = a.store.LinkListing(ctx, listing, itemID, currentUser(c).ID)
	var settled *catalogue.AlreadySettledError
	switch {
	case errors.As(err, &settled):
		addFlash(c, "warning", settled.Message())
	case errors.Is(err, catalogue.ErrItemInactive):
		addFlash(c, "danger", "That item is inactive and takes no new links; choose another.")
	case errors.Is(err, catalogue.ErrItemGone):
		addFlash(c, "danger", "That item no longer exists; choose another.")
	case err != nil:
		return err
	default:
		addFlash(c, "success", "Linked: the line's channel item now sells item #"+strconv.FormatInt(itemID, 10)+", and its lines commit stock.")
	}
	return a.redirectAfterPost(c, orderPath(id))
}
