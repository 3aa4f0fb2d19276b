package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"stocksync/internal/store"
	channelviews "stocksync/views/channels"
	"stocksync/views/components"
)

// driftShown is how many drifted listings a channel's page lists.
const driftShown = 50

// pushSection fills the channel page's stock rule (from the form when it
// was refused) and drift report.
func (a *App) pushSection(c echo.Context, ch store.Channel, form *channelviews.PushRulesForm, whs []channelviews.WarehouseChoice) (channelviews.PushSection, error) {
	ctx := c.Request().Context()
	var out channelviews.PushSection
	if form != nil {
		out.Rules = *form
	} else {
		r, err := a.store.ChannelPushRules(ctx, ch.ID)
		if err != nil {
			return out, err
		}
		out.Rules.Buffer = strconv.Itoa(r.Buffer)
		if r.Maximum != nil {
			out.Rules.Maximum = strconv.Itoa(*r.Maximum)
		}
		for _, w := range r.Warehouses {
			out.Rules.Chosen = append(out.Rules.Chosen, strconv.FormatInt(w, 10))
		}
	}
	out.Rules.Warehouses = whs
	q, err := a.store.ChannelPushQueue(ctx, ch.ID)
	if err != nil {
		return out, err
	}
	out.Waiting, out.Refused, out.NextRetry = q.Waiting, q.Refused, q.NextRetry
	if q.LastError != nil {
		out.LastError = *q.LastError
	}
	drift, total, err := a.store.DriftReport(ctx, ch.ID, driftShown)
	if err != nil {
		return out, err
	}
	out.DriftTotal = total
	for _, d := range drift {
		out.Drift = append(out.Drift, channelviews.DriftedListing{ListingID: d.ID, ItemID: d.ItemID, ItemName: d.ItemName,
			Label: d.Label, Ours: d.Ours, Pushed: d.Pushed, Theirs: d.Theirs, Since: d.Since})
	}
	return out, nil
}

// channelPushRules saves the channel's stock rule; the listings it changes
// are pushed at once.
func (a *App) channelPushRules(c echo.Context) error {
	ch, err := a.loadChannel(c)
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return err
	}
	f := channelviews.PushRulesForm{Buffer: strings.TrimSpace(form.Get("push_buffer")), Maximum: strings.TrimSpace(form.Get("push_maximum")),
		Chosen: form["push_warehouse"], Errors: components.FieldErrors{}}
	var r store.PushRules
	if f.Buffer != "" {
		if r.Buffer, err = strconv.Atoi(f.Buffer); err != nil || r.Buffer < 0 || r.Buffer > 1_000_000 {
			f.Errors["push_buffer"] = "Enter a whole number from 0 to 1,000,000."
		}
	}
	if f.Maximum != "" {
		m, err := strconv.Atoi(f.Maximum)
		if err != nil || m < 0 || m > 1_000_000_000 {
			f.Errors["push_maximum"] = "Enter a whole number of 0 or more, or leave it blank for no maximum."
		}
		r.Maximum = &m
	}
	for _, v := range f.Chosen {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			f.Errors["push_warehouse"] = "Choose warehouses from the list."
			break
		}
		r.Warehouses = append(r.Warehouses, id)
	}
	if len(f.Errors) == 0 {
		err = a.store.SetPushRules(c.Request().Context(), ch.ID, r)
		switch {
		case errors.Is(err, store.ErrChannelNotFound):
			return echo.ErrNotFound
		case errors.Is(err, store.ErrNoWarehouse):
			f.Errors["push_warehouse"] = "A chosen warehouse no longer exists; choose again."
		case err != nil:
			return err
		}
	}
	if len(f.Errors) > 0 {
		return a.renderChannelWith(c, http.StatusUnprocessableEntity, ch, currentSettings(ch), nil, &f)
	}
	addFlash(c, "success", "Stock rule saved. Listings it changes are being pushed.")
	return a.redirectAfterPost(c, "/channels/"+strconv.FormatInt(ch.ID, 10))
}

// overwriteDrift sends our quantities to the channel's drifted listings.
func (a *App) overwriteDrift(c echo.Context) error {
	ch, err := a.loadChannel(c)
	if err != nil {
		return err
	}
	n, err := a.store.OverwriteDrift(c.Request().Context(), ch.ID)
	if err != nil {
		return err
	}
	if n == 0 {
		addFlash(c, "info", "No listing has drifted any more: nothing to overwrite.")
	} else {
		addFlash(c, "success", "Sending our quantity to "+listingsCount(n)+". Their results appear on each item's page and in Sync history.")
	}
	return a.redirectAfterPost(c, "/channels/"+strconv.FormatInt(ch.ID, 10))
}
