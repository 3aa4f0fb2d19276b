package web

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"stocksync/internal/channelsync"
	"stocksync/views/components"
	"stocksync/views/errorpages"
)

// oauthRedirectURI is where the channel sends the admin back: this
// server's callback for the kind, at the address the admin is using.
func oauthRedirectURI(c echo.Context, kind string) string {
	return c.Scheme() + "://" + c.Request().Host + "/channels/oauth/" + kind + "/callback"
}

// oauthStart takes the Connect form ("Connect with Etsy"), leaving out
// what the channel will fill in, and sends the admin to the channel's
// consent page.
func (a *App) oauthStart(c echo.Context) error {
	req, f, err := a.connectRequest(c)
	if err != nil {
		return err
	}
	if req.Kind != c.Param("kind") {
		return echo.NewHTTPError(http.StatusBadRequest, "kind mismatch")
	}
	if len(f.Errors) > 0 {
		return a.renderConnect(c, http.StatusUnprocessableEntity, f, nil)
	}
	target, err := a.channels.StartOAuth(c.Request().Context(), req, oauthRedirectURI(c, req.Kind))
	if err != nil {
		return a.renderConnect(c, http.StatusUnprocessableEntity, f, err)
	}
	return a.redirectAway(c, target)
}

// oauthCallback is where the channel sends the admin back with a code, or
// with its refusal.
func (a *App) oauthCallback(c echo.Context) error {
	id, name, reconnected, err := a.channels.FinishOAuth(c.Request().Context(), channelsync.OAuthCallback{
		Kind: c.Param("kind"), State: c.QueryParam("state"), Code: c.QueryParam("code"),
		Error: c.QueryParam("error"), Description: c.QueryParam("error_description"), UserID: currentUser(c).ID,
	})
	var oe *channelsync.OAuthError
	if errors.As(err, &oe) {
		e := errorpages.Error{Status: http.StatusBadRequest, Heading: "The channel was not connected.", Message: oe.Message}
		return a.render(c, e.Status, errorpages.Page(a.page(c, e.Heading, "channels"), e), "")
	}
	if err != nil {
		return err
	}
	if reconnected {
		if _, err := channelsyncNow(c, a, id, false); err != nil {
			return err
		}
		addFlash(c, "success", "Reconnected. A sync has started to catch up.")
	} else {
		addFlash(c, "success", fmt.Sprintf("%s is connected. Its first sync starts as scheduled — or press Sync now.", name))
	}
	return a.redirectAfterPost(c, fmt.Sprintf("/channels/%d", id))
}

// oauthReconnectStart is "Reconnect with Etsy" on a channel that needs
// attention: the reconnect form, less what the channel fills in.
func (a *App) oauthReconnectStart(c echo.Context) error {
	ch, creds, err := a.loadReconnect(c)
	if err != nil {
		return err
	}
	target, err := a.channels.StartOAuthReconnect(c.Request().Context(), ch, creds, currentUser(c).ID, oauthRedirectURI(c, ch.Kind))
	var fe *channelsync.FieldError
	if errors.As(err, &fe) {
		return a.renderChannel(c, http.StatusUnprocessableEntity, ch, currentSettings(ch), components.FieldErrors{fe.Field: fe.Message})
	}
	if err != nil {
		return err
	}
	return a.redirectAway(c, target)
}

// redirectAway sends the browser to another site; a boosted form would
// follow the redirect inside the page's request, so htmx is told to send
// the whole window there instead.
func (a *App) redirectAway(c echo.Context, target string) error {
	if isHTMX(c) {
		c.Response().Header().Set("HX-Redirect", target)
		return c.NoContent(http.StatusNoContent)
	}
	return c.Redirect(http.StatusSeeOther, target)
}
