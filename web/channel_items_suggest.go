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

// bulkSuggest previews "Link each to its top suggestion" for a selection:
// the listings named by repeated id=, or with all=1 every unconfirmed
// listing matching the list's filter (channel, q). Each row is ticked and
// can be unticked; the form posts the ticked pairs to the bulk link.
func (a *App) bulkSuggest(c echo.Context) error {
	q := c.QueryParams()
	sel := store.ListingSelection{All: q.Get("all") == "1", Q: strings.TrimSpace(searchText(c))}
	v := channelitems.SuggestPreview{Cap: store.SuggestPreviewCap}
	back := url.Values{"status": {"unconfirmed"}}
	if ch := q.Get("channel"); ch != "" {
		id, err := strconv.ParseInt(ch, 10, 64)
		if err != nil || id <= 0 {
			return a.renderSuggestPreview(c, http.StatusUnprocessableEntity, v, "That channel is not one of yours; choose it again from the list.")
		}
		sel.ChannelID = id
		back.Set("channel", ch)
	}
	if sel.Q != "" {
		back.Set("q", sel.Q)
	}
	v.BackURL = "/channel-items?" + back.Encode()
	if !sel.All {
		for _, s := range q["id"] {
			id, err := strconv.ParseInt(s, 10, 64)
			if err != nil || id <= 0 {
				return a.renderSuggestPreview(c, http.StatusUnprocessableEntity, v, "The selection names a listing that does not exist; select the listings again.")
			}
			sel.IDs = append(sel.IDs, id)
		}
		if len(sel.IDs) == 0 {
			return a.renderSuggestPreview(c, http.StatusUnprocessableEntity, v, "Select the listings to link first, or choose all that match the filter.")
		}
		if len(sel.IDs) > store.SuggestPreviewCap {
			sel.IDs, v.Capped = sel.IDs[:store.SuggestPreviewCap], true
		}
	}
	if q.Get("status") == "linked" {
		// linked listings have nothing to link: the preview is empty
		sel.IDs, sel.All = nil, false
	}
	ctx := c.Request().Context()
	ids, more, err := a.store.SelectUnconfirmed(ctx, sel, store.SuggestPreviewCap)
	if err != nil {
		return err
	}
	v.Capped = v.Capped || more
	if v.Rows, err = a.store.TopSuggestions(ctx, ids); err != nil {
		return err
	}
	for _, r := range v.Rows {
		if r.Top != nil {
			v.Suggested++
		}
	}
	if !sel.All {
		v.Settled = len(sel.IDs) - len(v.Rows)
	}
	return a.renderSuggestPreview(c, http.StatusOK, v, "")
}

func (a *App) renderSuggestPreview(c echo.Context, status int, v channelitems.SuggestPreview, problem string) error {
	v.Problem = problem
	if v.BackURL == "" {
		v.BackURL = "/channel-items?status=unconfirmed"
	}
	return a.render(c, status, channelitems.SuggestPage(a.page(c, "Link each to its top suggestion", "channel-items"), v), "")
}
