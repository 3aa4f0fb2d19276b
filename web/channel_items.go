package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"stocksync/internal/store"
	"stocksync/views/channelitems"
)

// channelItems lists the imported listings; filters and the cursor live in
// the URL.
func (a *App) channelItems(c echo.Context) error { return a.listChannelItems(c, false) }

// channelItemsFilter reads the list's filters from the URL.
func channelItemsFilter(c echo.Context) (channelitems.Filter, store.ChannelItemFilter) {
	q := c.QueryParams()
	f := channelitems.Filter{Status: q.Get("status"), Channel: q.Get("channel"), Q: strings.TrimSpace(searchText(c))}
	if f.Status != "unconfirmed" && f.Status != "linked" {
		f.Status = ""
	}
	sf := store.ChannelItemFilter{Status: f.Status, Q: f.Q, After: cursor(c, "after")}
	if id, err := strconv.ParseInt(f.Channel, 10, 64); err == nil {
		sf.ChannelID = id
	} else {
		f.Channel = ""
	}
	return f, sf
}

// filterQuery is the URL query of the list's filters, without the cursor.
func filterQuery(f channelitems.Filter) url.Values {
	v := url.Values{}
	for k, val := range map[string]string{"status": f.Status, "channel": f.Channel, "q": f.Q} {
		if val != "" {
			v.Set(k, val)
		}
	}
	return v
}

// listChannelItems renders the list. Without a search its count is the
// channels' own and costs nothing; a search is counted by
// /channel-items/count after the page is shown, unless countNow (that
// page, asked for without JavaScript).
func (a *App) listChannelItems(c echo.Context, countNow bool) error {
	f, sf := channelItemsFilter(c)
	ctx := c.Request().Context()
	items, next, err := a.store.ListChannelItems(ctx, sf)
	if err != nil {
		return err
	}
	channels, err := a.store.ListChannels(ctx)
	if err != nil {
		return err
	}
	cur, err := a.currency(ctx)
	if err != nil {
		return err
	}
	page := channelitems.ListPage{Items: items, Channels: channelChoices(channels), Filter: f, Currency: cur}
	if len(items) > 0 {
		switch {
		case f.Q == "":
			page.Total = store.CountListings(channels, sf)
		case countNow:
			if page.Total, page.TotalMore, err = a.store.CountChannelItems(ctx, sf); err != nil {
				return err
			}
		default:
			page.CountURL = "/channel-items/count?" + filterQuery(f).Encode()
		}
	}
	if next > 0 {
		v := filterQuery(f)
		v.Set("after", strconv.FormatInt(next, 10))
		page.NextURL = "/channel-items?" + v.Encode()
	}
	return a.render(c, http.StatusOK, channelitems.List(a.page(c, "Channel items", "channel-items"), page), "")
}

// channelItemsCount is the count of a search, fetched by the list after its
// page has been shown.
func (a *App) channelItemsCount(c echo.Context) error {
	if !isHTMX(c) {
		return a.listChannelItems(c, true) // without JavaScript: the list, counted
	}
	f, sf := channelItemsFilter(c)
	page := channelitems.ListPage{Filter: f}
	var err error
	if page.Total, page.TotalMore, err = a.store.CountChannelItems(c.Request().Context(), sf); err != nil {
		return err
	}
	return a.render(c, http.StatusOK, channelitems.Total(page), "")
}
