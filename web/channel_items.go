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
func (a *App) channelItems(c echo.Context) error {
	q := c.QueryParams()
	f := channelitems.Filter{Status: q.Get("status"), Channel: q.Get("channel"), Run: q.Get("run"), Q: strings.TrimSpace(searchText(c))}
	if f.Status != "unconfirmed" && f.Status != "linked" {
		f.Status = ""
	}
	sf := store.ChannelItemFilter{Status: f.Status, Q: f.Q, After: cursor(c, "after")}
	if id, err := strconv.ParseInt(f.Channel, 10, 64); err == nil {
		sf.ChannelID = id
	} else {
		f.Channel = ""
	}
	if id, err := strconv.ParseInt(f.Run, 10, 64); err == nil && id > 0 {
		sf.RunID = id
	} else {
		f.Run = ""
	}
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
	if next > 0 {
		v := url.Values{}
		for k, val := range map[string]string{"status": f.Status, "channel": f.Channel, "run": f.Run, "q": f.Q} {
			if val != "" {
				v.Set(k, val)
			}
		}
		v.Set("after", strconv.FormatInt(next, 10))
		page.NextURL = "/channel-items?" + v.Encode()
	}
	return a.render(c, http.StatusOK, channelitems.List(a.page(c, "Channel items", "channel-items"), page), "")
}
