package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"stocksync/internal/store"
	"stocksync/views/bulkruns"
)

// skipsShown bounds the summary's list of skipped listings; the count says
// how many there were.
const skipsShown = 500

// bulkRun is a bulk action's page: its progress while it runs (htmx polls
// the "progress" fragment), then its summary.
func (a *App) bulkRun(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return echo.ErrNotFound
	}
	ctx := c.Request().Context()
	r, err := a.store.BulkRunByID(ctx, id)
	if errors.Is(err, store.ErrBulkNotFound) {
		return echo.ErrNotFound
	}
	if err != nil {
		return err
	}
	v := bulkruns.Run{ID: r.ID, Kind: r.Kind, RequestedBy: r.RequestedBy, Total: r.Total, Position: r.Position,
		Done: r.Done, Skipped: r.Skipped, Status: r.Status, CreatedAt: r.CreatedAt, FinishedAt: r.FinishedAt, UpdatedAt: r.UpdatedAt}
	if r.Error != nil {
		v.Error = *r.Error
	}
	if r.Skipped > 0 {
		skips, err := a.store.BulkSkips(ctx, id, skipsShown)
		if err != nil {
			return err
		}
		for _, k := range skips {
			v.Skips = append(v.Skips, bulkruns.Skip{ListingID: k.ListingID, Listing: k.Listing, Channel: k.ChannelName,
				Reason: k.Reason, Detail: k.Detail, OtherItemID: k.OtherItemID})
		}
	}
	return a.render(c, http.StatusOK, bulkruns.Page(a.page(c, bulkruns.Title(v), "channel-items"), v), "progress")
}
