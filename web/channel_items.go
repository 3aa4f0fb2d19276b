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

// listFilter reads the list's filter and sort from a query or a form (the
// bulk form carries the filter it was shown with); anything unknown is
// dropped, so a bookmark never fails.
func listFilter(v url.Values, q string) (channelitems.Filter, store.ChannelItemFilter) {
	f := channelitems.Filter{Status: v.Get("status"), Channel: v.Get("channel"), Run: v.Get("run"), Q: strings.TrimSpace(q), Sort: v.Get("sort")}
	if f.Status != "unconfirmed" && f.Status != "linked" {
		f.Status = ""
	}
	if _, ok := store.ChannelItemSorts[f.Sort]; !ok || f.Sort == "oldest" {
		f.Sort = ""
	}
	sf := store.ChannelItemFilter{Status: f.Status, Q: f.Q, Sort: f.Sort}
	if id, err := strconv.ParseInt(f.Channel, 10, 64); err == nil && id > 0 {
		sf.ChannelID = id
	} else {
		f.Channel = ""
	}
	if id, err := strconv.ParseInt(f.Run, 10, 64); err == nil && id > 0 {
		sf.RunID = id
	} else {
		f.Run = ""
	}
	return f, sf
}

// channelItems lists the imported listings; filters, sort and the cursor
// live in the URL.
func (a *App) channelItems(c echo.Context) error {
	f, sf := listFilter(c.QueryParams(), searchText(c))
	sf.After, sf.AfterKey = cursor(c, "after"), c.QueryParam("after_key")
	ctx := c.Request().Context()
	res, err := a.store.ListChannelItems(ctx, sf)
	if err != nil {
		return err
	}
	channels, err := a.store.ChannelNames(ctx)
	if err != nil {
		return err
	}
	cur, err := a.currency(ctx)
	if err != nil {
		return err
	}
	page := channelitems.ListPage{Items: res.Items, Channels: channelChoices(channels), Filter: f, Currency: cur,
		Paged: sf.After > 0}
	if res.NextID > 0 {
		v := f.Query()
		v.Set("after", strconv.FormatInt(res.NextID, 10))
		if sf.Sort != "" && sf.Sort != "newest" {
			v.Set("after_key", res.NextKey)
		}
		page.NextURL = "/channel-items?" + v.Encode()
	}
	return a.render(c, http.StatusOK, channelitems.List(a.page(c, "Channel items", "channel-items"), page), "")
}

// channelItemsCount is the number of unconfirmed listings a filter
// selects, for "select all N matching this filter" (htmx fetches it after
// the page, so a broad count never delays the list).
func (a *App) channelItemsCount(c echo.Context) error {
	_, sf := listFilter(c.QueryParams(), searchText(c))
	sf.Status = "unconfirmed"
	n, err := a.store.CountChannelItems(c.Request().Context(), sf)
	if err != nil {
		return err
	}
	return c.HTML(http.StatusOK, strconv.Itoa(n))
}
