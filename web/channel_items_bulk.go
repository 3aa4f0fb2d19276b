package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"stocksync/internal/bulk"
	"stocksync/internal/store"
	"stocksync/internal/text"
)

// maxSelected bounds an explicit selection; "select all matching this
// filter" carries the filter instead, whatever its size.
const maxSelected = 10000

// bulkSelection reads the ticked listings (repeated id=) or, with all=1,
// the filter the form was shown with.
func bulkSelection(c echo.Context) (ids []int64, all bool, filter url.Values, err error) {
	form, err := c.FormParams()
	if err != nil {
		return nil, false, nil, echo.NewHTTPError(http.StatusBadRequest)
	}
	f, _ := listFilter(form, text.CutAtBoundary(form.Get("q"), maxQueryBytes))
	filter = f.Query()
	if form.Get("all") == "1" {
		return nil, true, filter, nil
	}
	for _, v := range form["id"] {
		id, perr := strconv.ParseInt(v, 10, 64)
		if perr != nil || id <= 0 {
			continue
		}
		ids = append(ids, id)
	}
	if len(ids) > maxSelected {
		return nil, false, filter, echo.NewHTTPError(http.StatusRequestEntityTooLarge)
	}
	return ids, false, filter, nil
}

// channelItemsBulk is the list's bulk bar: Confirm selected starts a bulk
// run; Link each to its top suggestion opens the suggestions preview for
// the same selection.
func (a *App) channelItemsBulk(c echo.Context) error {
	ids, all, filter, err := bulkSelection(c)
	if err != nil {
		return err
	}
	back := "/channel-items"
	if len(filter) > 0 {
		back += "?" + filter.Encode()
	}
	if !all && len(ids) == 0 {
		addFlash(c, "warning", "Tick the listings first, or choose “Select all matching this filter”.")
		return a.redirectAfterPost(c, back)
	}
	switch c.FormValue("action") {
	case "suggest":
		v := url.Values{}
		if all {
			v = filter
			v.Del("sort")
			v.Set("all", "1")
		} else {
			for _, id := range ids {
				v.Add("id", strconv.FormatInt(id, 10))
			}
		}
		return a.redirectAfterPost(c, "/channel-items/bulk/suggest?"+v.Encode())
	case "confirm":
		r := store.BulkRequest{Kind: store.BulkConfirm, ListingIDs: ids, By: currentUser(c).ID}
		if all {
			_, sf := listFilter(filter, filter.Get("q"))
			sf.Status = "unconfirmed"
			r.Filter = &sf
		}
		return a.startBulk(c, r)
	}
	return echo.NewHTTPError(http.StatusBadRequest)
}

// channelItemsBulkLink links the ticked pairs of the suggestions preview
// (repeated pair=LISTING:ITEM) as one bulk run.
func (a *App) channelItemsBulkLink(c echo.Context) error {
	form, err := c.FormParams()
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	r := store.BulkRequest{Kind: store.BulkLink, By: currentUser(c).ID}
	for _, p := range form["pair"] {
		l, it, ok := strings.Cut(p, ":")
		lid, err1 := strconv.ParseInt(l, 10, 64)
		iid, err2 := strconv.ParseInt(it, 10, 64)
		if !ok || err1 != nil || err2 != nil || lid <= 0 || iid <= 0 {
			return echo.NewHTTPError(http.StatusUnprocessableEntity)
		}
		r.ListingIDs, r.ItemIDs = append(r.ListingIDs, lid), append(r.ItemIDs, iid)
	}
	if len(r.ListingIDs) > maxSelected {
		return echo.NewHTTPError(http.StatusRequestEntityTooLarge)
	}
	if len(r.ListingIDs) == 0 {
		addFlash(c, "warning", "Nothing was linked: no pair was ticked.")
		return a.redirectAfterPost(c, "/channel-items?status=unconfirmed")
	}
	return a.startBulk(c, r)
}

func (a *App) startBulk(c echo.Context, r store.BulkRequest) error {
	id, err := bulk.Start(c.Request().Context(), a.store, a.jobs, r)
	if err != nil {
		return err
	}
	return a.redirectAfterPost(c, "/bulk-runs/"+strconv.FormatInt(id, 10))
}
