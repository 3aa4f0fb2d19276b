package web

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"stocksync/views/items"
)

// itemChannels is the item page's Sales channels section alone, which the
// page asks for again every few seconds.
func (a *App) itemChannels(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	pushes, err := a.store.ItemPushes(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return a.render(c, http.StatusOK, items.Channels(id, pushes), "")
}

// pushPage is Push Stock's preview; /results is the same page after Push
// now, following the results.
func (a *App) pushPage(c echo.Context) error { return a.renderPush(c, false) }

func (a *App) pushResults(c echo.Context) error { return a.renderPush(c, true) }

func (a *App) renderPush(c echo.Context, pushed bool) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	it, err := a.store.ItemByID(ctx, id)
	if err != nil {
		return notFoundErr(err)
	}
	v := items.PushView{Item: it, Pushed: pushed}
	if v.Listings, err = a.store.ItemPushes(ctx, id); err != nil {
		return err
	}
	return a.render(c, http.StatusOK, items.PushPage(a.page(c, "Push Stock: "+it.Name, "items"), v), "push-results")
}

// pushNow sends the item's quantity to every linked listing at once.
func (a *App) pushNow(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if _, err := a.store.ItemByID(ctx, id); err != nil {
		return notFoundErr(err)
	}
	n, err := a.store.PushItemNow(ctx, id)
	if err != nil {
		return err
	}
	if isHTMX(c) {
		return a.pushResults(c)
	}
	if n == 0 {
		addFlash(c, "info", "Nothing was sent: no linked listing of this item has its stock tracked by its channel.")
	}
	return a.redirectAfterPost(c, "/items/"+strconv.FormatInt(id, 10)+"/push/results")
}
