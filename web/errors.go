package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"stocksync/views/errorpages"
)

// handleError maps every error to a page a person can act on; a 500 names
// its request id and the error is logged with it.
func (a *App) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	e := errorpages.Error{Status: http.StatusInternalServerError}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		e.Status = he.Code
	}
	switch {
	case errors.Is(err, errCSRF):
		e.Heading, e.Message = "This form has expired.", "Reload the page and try again; if it keeps happening, sign in again."
	case e.Status == http.StatusNotFound:
		e.Heading, e.Message = "Page not found.", "The address may be mistyped, or the record it points to was removed."
	case e.Status == http.StatusForbidden:
		e.Heading, e.Message = "You do not have access to this page.", "Ask an admin if you need it."
	case e.Status == http.StatusMethodNotAllowed:
		e.Heading, e.Message = "That action is not available here.", "Go back and use the buttons on the page."
	case e.Status == http.StatusRequestEntityTooLarge:
		e.Heading, e.Message = "That upload is too large.", "Send a smaller file or form."
	case e.Status < 500:
		e.Heading, e.Message = "That request could not be handled.", "Go back and try again."
	default:
		e.Status = http.StatusInternalServerError
		e.RequestID = c.Response().Header().Get(echo.HeaderXRequestID)
		e.Heading, e.Message = "Something went wrong on our side.", "Nothing was saved by this request. Try again in a moment."
		a.log.Error("request failed", "err", err, "request_id", e.RequestID,
			"method", c.Request().Method, "path", c.Request().URL.Path)
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(e.Status)
		return
	}
	p := a.page(c, e.Heading, "")
	var rerr error
	if isHTMX(c) && c.Request().Header.Get("HX-Boosted") != "true" {
		// htmx swaps error responses too; aim this one at the alert area.
		c.Response().Header().Set("HX-Retarget", "#alerts")
		c.Response().Header().Set("HX-Reswap", "innerHTML")
		rerr = a.render(c, e.Status, errorpages.Alert(e), "")
	} else {
		rerr = a.render(c, e.Status, errorpages.Page(p, e), "")
	}
	if rerr != nil {
		a.log.Error("render error page", "err", rerr)
		_ = c.String(e.Status, e.Heading+" "+e.Message)
	}
}
