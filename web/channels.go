package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"stocksync/internal/channel"
	"stocksync/internal/channelsync"
	channelviews "stocksync/views/channels"
	"stocksync/views/components"
)

func kindNames() map[string]string {
	names := map[string]string{}
	for _, k := range channel.Kinds() {
		names[k.Name] = k.DisplayName
	}
	return names
}

func (a *App) channelsList(c echo.Context) error {
	cs, err := a.store.ListChannels(c.Request().Context())
	if err != nil {
		return err
	}
	return a.render(c, http.StatusOK, channelviews.List(a.page(c, "Channels", "channels"), channelViews(cs), kindNames(), a.now()), "")
}

// connectNew shows the Connect form, for a chosen kind or a sandbox preset.
func (a *App) connectNew(c echo.Context) error {
	f := channelviews.ConnectForm{Kinds: channel.Kinds(), Presets: a.presets, SyncMinutes: "15", DelayMinutes: "30", Credentials: map[string]string{}}
	kindName := c.QueryParam("kind")
	if pr, ok := a.preset(c.QueryParam("preset")); ok {
		kindName, f.Name, f.Preset = pr.Kind, pr.Name, pr.Key
	}
	if k, ok := channel.Lookup(kindName); ok {
		f.Kind = &k
	} else if len(f.Kinds) > 0 && kindName == "" {
		f.Kind = &f.Kinds[0]
	}
	if pr, ok := a.preset(f.Preset); ok && f.Kind != nil {
		for _, fld := range f.Kind.Fields {
			if !fld.Secret {
				f.Credentials[fld.Name] = pr.Credentials[fld.Name]
			}
		}
	}
	return a.render(c, http.StatusOK, channelviews.Connect(a.page(c, "Connect a channel", "channels"), f), "")
}

func (a *App) preset(key string) (channelviews.Preset, bool) {
	for _, pr := range a.presets {
		if key != "" && pr.Key == key {
			return pr, true
		}
	}
	return channelviews.Preset{}, false
}

// connectRequest binds the Connect form. The form comes back with what was
// typed, secrets excepted: those are asked for again, never written into
// the page. A sandbox preset's secrets come from the server.
func (a *App) connectRequest(c echo.Context) (channelsync.ConnectRequest, channelviews.ConnectForm, error) {
	f := channelviews.ConnectForm{Kinds: channel.Kinds(), Presets: a.presets, Name: c.FormValue("name"),
		SyncMinutes: c.FormValue("sync_interval"), DelayMinutes: c.FormValue("first_sync_delay"),
		Credentials: map[string]string{}, Errors: components.FieldErrors{}}
	kind, ok := channel.Lookup(c.FormValue("kind"))
	if !ok {
		return channelsync.ConnectRequest{}, f, echo.NewHTTPError(http.StatusBadRequest, "unknown kind")
	}
	f.Kind = &kind
	pr, preset := a.preset(c.FormValue("preset"))
	if preset && pr.Kind == kind.Name {
		f.Preset = pr.Key
	}
	creds := map[string]string{}
	for _, fld := range kind.Fields {
		v := c.FormValue("cred_" + fld.Name)
		switch {
		case !fld.Secret:
			f.Credentials[fld.Name] = v
		case v == "" && f.Preset != "":
			v = pr.Credentials[fld.Name]
		default:
			f.Retype = true
		}
		creds[fld.Name] = v
	}
	interval, err1 := parseMinutes(f.SyncMinutes, 15)
	delay, err2 := parseMinutes(f.DelayMinutes, 30)
	if err1 != nil {
		f.Errors["sync_interval"] = "Enter a whole number of minutes."
	}
	if err2 != nil {
		f.Errors["first_sync_delay"] = "Enter a whole number of minutes."
	}
	req := channelsync.ConnectRequest{Kind: kind.Name, Name: f.Name, Credentials: creds,
		SyncInterval: interval, FirstSyncDelay: delay, UserID: currentUser(c).ID}
	return req, f, nil
}

func parseMinutes(s string, def int) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Duration(def) * time.Minute, nil
	}
	m, err := strconv.Atoi(s)
	if err != nil {
		return 0, err
	}
	return time.Duration(m) * time.Minute, nil
}

func (a *App) renderConnect(c echo.Context, status int, f channelviews.ConnectForm, err error) error {
	var fe *channelsync.FieldError
	if errors.As(err, &fe) {
		f.Errors[fe.Field] = fe.Message
	} else if err != nil {
		return err
	}
	return a.render(c, status, channelviews.Connect(a.page(c, "Connect a channel", "channels"), f), "")
}

func (a *App) connectTest(c echo.Context) error {
	req, f, err := a.connectRequest(c)
	if err != nil {
		return err
	}
	if len(f.Errors) > 0 {
		return a.renderConnect(c, http.StatusUnprocessableEntity, f, nil)
	}
	kind, err := req.Validate()
	if err == nil {
		err = a.channels.TestConnection(c.Request().Context(), kind, req.Credentials)
	}
	if err != nil {
		return a.renderConnect(c, http.StatusUnprocessableEntity, f, err)
	}
	f.Tested = "The connection works: " + kind.DisplayName + " accepted these credentials. Press Connect to save them."
	return a.renderConnect(c, http.StatusOK, f, nil)
}

func (a *App) connectCreate(c echo.Context) error {
	req, f, err := a.connectRequest(c)
	if err != nil {
		return err
	}
	if len(f.Errors) > 0 {
		return a.renderConnect(c, http.StatusUnprocessableEntity, f, nil)
	}
	id, err := a.channels.Connect(c.Request().Context(), req)
	if err != nil {
		return a.renderConnect(c, http.StatusUnprocessableEntity, f, err)
	}
	first := a.now().Add(req.FirstSyncDelay).Local().Format("15:04")
	addFlash(c, "success", fmt.Sprintf("%s is connected. Its first sync starts at %s — or press Sync now.", req.Name, first))
	return a.redirectAfterPost(c, fmt.Sprintf("/channels/%d", id))
}
