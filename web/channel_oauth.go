package web

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"stocksync/internal/channelsync"
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
	if isHTMX(c) {
		// A boosted form would follow a redirect inside the page's request,
		// to another site; htmx sends the whole window there instead.
		c.Response().Header().Set("HX-Redirect", target)
		return c.NoContent(http.StatusNoContent)
	}
	return c.Redirect(http.StatusSeeOther, target)
}

// oauthCallback is where the channel sends the admin back with a code, or
// with its refusal.
func (a *App) oauthCallback(c echo.Context) error {
	id, name, err := a.channels.FinishOAuth(c.Request().Context(), channelsync.OAuthCallback{
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
	addFlash(c, "success", fmt.Sprintf("%s is connected. Its first sync starts as scheduled — or press Sync now.", name))
	return a.redirectAfterPost(c, fmt.Sprintf("/channels/%d", id))
}
