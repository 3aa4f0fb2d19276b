package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"stocksync/internal/channel"
	"stocksync/internal/channelsync"
	"stocksync/internal/store"
	channelviews "stocksync/views/channels"
	"stocksync/views/components"
)

func (a *App) loadChannel(c echo.Context) (store.Channel, error) {
	id, err := paramID(c, "id")
	if err != nil {
		return store.Channel{}, err
	}
	ch, err := a.store.Channel(c.Request().Context(), id)
	if errors.Is(err, store.ErrChannelNotFound) {
		return ch, echo.ErrNotFound
	}
	return ch, err
}

// channelShow is the channel's page; an htmx poll gets only the live
// progress fragment.
func (a *App) channelShow(c echo.Context) error {
	ch, err := a.loadChannel(c)
	if err != nil {
		return err
	}
	settings := currentSettings(ch)
	return a.renderChannel(c, http.StatusOK, ch, settings, nil)
}

func currentSettings(ch store.Channel) channelviews.SettingsForm {
	f := channelviews.SettingsForm{Name: ch.Name, Enabled: ch.Enabled,
		SyncMinutes:  strconv.Itoa(int(ch.SyncInterval.Duration().Minutes())),
		DelayMinutes: strconv.Itoa(int(ch.FirstSyncDelay.Duration().Minutes()))}
	if ch.DefaultWarehouseID != nil {
		f.Warehouse = strconv.FormatInt(*ch.DefaultWarehouseID, 10)
	}
	return f
}

func (a *App) renderChannel(c echo.Context, status int, ch store.Channel, settings channelviews.SettingsForm, reconnect components.FieldErrors) error {
	return a.renderChannelWith(c, status, ch, settings, reconnect, nil)
}

// renderChannelWith is renderChannel with the stock rule form as typed
// (nil: as stored).
func (a *App) renderChannelWith(c echo.Context, status int, ch store.Channel, settings channelviews.SettingsForm, reconnect components.FieldErrors, rules *channelviews.PushRulesForm) error {
	runs, err := a.store.ListRuns(c.Request().Context(), store.RunFilter{ChannelID: ch.ID, Limit: 30})
	if err != nil {
		return err
	}
	whs, err := a.store.WarehouseChoices(c.Request().Context())
	if err != nil {
		return err
	}
	for _, w := range whs {
		settings.Warehouses = append(settings.Warehouses, channelviews.WarehouseChoice{ID: strconv.FormatInt(w.ID, 10), Name: w.Name})
	}
	page := channelviews.ShowPage{Channel: channelView(ch), Runs: runs, Now: a.now(), Settings: settings, Reconnect: reconnect}
	if k, ok := channel.Lookup(ch.Kind); ok {
		page.KindName, page.Kind = k.DisplayName, &k
	}
	// The latest sync, not the stock push that follows each one: a sync's
	// progress and counts are what staff watch here.
	for i := range runs {
		if runs[i].Kind != "stock" {
			page.Latest = &runs[i]
			break
		}
	}
	if ch.DisconnectedAt == nil {
		if page.Queued, err = a.store.SyncQueued(c.Request().Context(), ch.ID); err != nil {
			return err
		}
	}
	if n := c.QueryParam("sync"); n == channelviews.NoticeStarted || n == channelviews.NoticeAlready {
		page.Notice = n
	}
	if page.Webhooks, err = a.webhooksView(c, ch); err != nil {
		return err
	}
	if ch.DisconnectedAt == nil {
		if page.Push, err = a.pushSection(c, ch, rules, settings.Warehouses); err != nil {
			return err
		}
		if page.Quota, err = a.quotaSection(c.Request().Context(), ch.ID); err != nil {
			return err
		}
	}
	if page.FailingTotal = ch.Failing; ch.Failing > 0 {
		if page.Failing, err = a.failingListings(c, ch.ID); err != nil {
			return err
		}
	}
	return a.render(c, status, channelviews.Show(a.page(c, ch.Name, "channels"), page), "live")
}

func (a *App) channelSync(c echo.Context) error {
	ch, err := a.loadChannel(c)
	if err != nil {
		return err
	}
	return a.queueSync(c, ch, c.FormValue("full") == "1")
}

// failingShown is how many failing-now listings a channel's page lists.
const failingShown = 50

func (a *App) failingListings(c echo.Context, channelID int64) ([]channelviews.FailingListing, error) {
	fs, err := a.store.FailingListings(c.Request().Context(), channelID, failingShown)
	if err != nil {
		return nil, err
	}
	out := make([]channelviews.FailingListing, len(fs))
	for i, f := range fs {
		out[i] = channelviews.FailingListing{ExternalID: f.ExternalID, Label: f.Label, Cause: f.Cause, Since: f.Since, FirstRunID: f.FirstRunID}
	}
	return out, nil
}

func (a *App) channelSettings(c echo.Context) error {
	ch, err := a.loadChannel(c)
	if err != nil {
		return err
	}
	f := channelviews.SettingsForm{Name: c.FormValue("name"), Enabled: c.FormValue("enabled") == "1",
		SyncMinutes: c.FormValue("sync_interval"), DelayMinutes: c.FormValue("first_sync_delay"), Warehouse: c.FormValue("warehouse"),
		Errors: components.FieldErrors{}}
	var warehouse int64
	if f.Warehouse != "" {
		var werr error
		if warehouse, werr = strconv.ParseInt(f.Warehouse, 10, 64); werr != nil || warehouse < 0 {
			f.Errors["warehouse"] = "Choose a warehouse."
		}
	}
	interval, err1 := parseMinutes(f.SyncMinutes, 15)
	delay, err2 := parseMinutes(f.DelayMinutes, 30)
	switch {
	case err1 != nil:
		f.Errors["sync_interval"] = "Enter a whole number of minutes."
	case err2 != nil:
		f.Errors["first_sync_delay"] = "Enter a whole number of minutes."
	}
	if f.Name == "" || len(f.Name) > 100 {
		f.Errors["name"] = "Give the channel a name of 1 to 100 characters."
	}
	if len(f.Errors) == 0 {
		if err := checkSchedule(interval, delay); err != nil {
			f.Errors[err.Field] = err.Message
		}
	}
	if len(f.Errors) > 0 {
		return a.renderChannel(c, http.StatusUnprocessableEntity, ch, f, nil)
	}
	err = a.store.UpdateChannelSettings(c.Request().Context(), ch.ID, store.ChannelSettings{Name: f.Name, Enabled: f.Enabled, SyncInterval: interval, FirstSyncDelay: delay, WarehouseID: warehouse})
	if errors.Is(err, store.ErrChannelNotFound) {
		return echo.ErrNotFound
	}
	if errors.Is(err, store.ErrNoWarehouse) {
		f.Errors["warehouse"] = "That warehouse no longer exists; choose another."
		return a.renderChannel(c, http.StatusUnprocessableEntity, ch, f, nil)
	}
	if err != nil {
		return err
	}
	addFlash(c, "success", "Settings saved.")
	return a.redirectAfterPost(c, "/channels/"+strconv.FormatInt(ch.ID, 10))
}

func (a *App) channelDisconnect(c echo.Context) error {
	ch, err := a.loadChannel(c)
	if err != nil {
		return err
	}
	if err := a.store.DisconnectChannel(c.Request().Context(), ch.ID); err != nil && !errors.Is(err, store.ErrChannelNotFound) {
		return err
	}
	addFlash(c, "success", ch.Name+" is disconnected. Its sync history and listings are kept.")
	return a.redirectAfterPost(c, "/channels")
}

// loadReconnect is the channel a Reconnect form is for, not found once it
// is disconnected, and the credentials the form carries.
func (a *App) loadReconnect(c echo.Context) (store.Channel, map[string]string, error) {
	ch, err := a.loadChannel(c)
	if err != nil {
		return ch, nil, err
	}
	if ch.DisconnectedAt != nil {
		return ch, nil, echo.ErrNotFound
	}
	creds := map[string]string{}
	if k, ok := channel.Lookup(ch.Kind); ok {
		for _, f := range k.Fields {
			creds[f.Name] = c.FormValue("cred_" + f.Name)
		}
	}
	return ch, creds, nil
}

// channelReconnect replaces rejected credentials and, once they work,
// queues a sync so the channel catches up.
func (a *App) channelReconnect(c echo.Context) error {
	ch, creds, err := a.loadReconnect(c)
	if err != nil {
		return err
	}
	if err := a.channels.Reconnect(c.Request().Context(), ch, creds); err != nil {
		var fe *channelsync.FieldError
		if !errors.As(err, &fe) {
			return err
		}
		return a.renderChannel(c, http.StatusUnprocessableEntity, ch, currentSettings(ch), components.FieldErrors{fe.Field: fe.Message})
	}
	if _, err := channelsyncNow(c, a, ch.ID, false); err != nil {
		return err
	}
	addFlash(c, "success", "Reconnected. A sync has started to catch up.")
	return a.redirectAfterPost(c, "/channels/"+strconv.FormatInt(ch.ID, 10))
}
