package web

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"stocksync/views/components"
	"stocksync/views/items"
)

// unlinkPage is the unlink step of the item page: choose the channels,
// read what unlinking does (DESIGN §1.6), proceed.
func (a *App) unlinkPage(c echo.Context) error {
	return a.renderUnlink(c, http.StatusOK, channelIDs(c.QueryParams()["channel"]), nil)
}

func (a *App) renderUnlink(c echo.Context, status int, chosen []int64, errs components.FieldErrors) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	it, err := a.store.ItemByID(ctx, id)
	if err != nil {
		return notFoundErr(err)
	}
	v := items.UnlinkView{Item: it, Chosen: chosen, Errors: errs}
	if v.Listings, err = a.store.ItemListings(ctx, id); err != nil {
		return err
	}
	return a.render(c, status, items.Unlink(a.page(c, "Unlink "+it.Name, "items"), v), "")
}

func (a *App) unlinkItem(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return err
	}
	chosen := channelIDs(form["channel"])
	if len(chosen) == 0 {
		return a.renderUnlink(c, http.StatusUnprocessableEntity, nil, components.FieldErrors{"channel": "Choose the channels to unlink this item from."})
	}
	n, err := a.store.UnlinkItem(c.Request().Context(), id, chosen, currentUser(c).ID)
	if err != nil {
		return err
	}
	if n == 0 {
		addFlash(c, "info", "Nothing to unlink: the item had no listing on those channels any more.")
	} else {
		addFlash(c, "success", "Unlinked from "+listingsCount(n)+". They are unconfirmed now and will not be linked again automatically.")
	}
	return a.redirectAfterPost(c, "/items/"+strconv.FormatInt(id, 10))
}

func channelIDs(vals []string) []int64 {
	var ids []int64
	for _, v := range vals {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
			ids = append(ids, id)
		}
	}
	return ids
}

func listingsCount(n int) string {
	if n == 1 {
		return "1 listing"
	}
	return strconv.Itoa(n) + " listings"
}
