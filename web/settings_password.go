package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"stocksync/internal/auth"
	"stocksync/views/components"
	"stocksync/views/settings"
)

func (a *App) passwordPage(c echo.Context) error {
	return a.render(c, http.StatusOK, settings.Password(a.page(c, "My password", "settings"), settings.PasswordForm{}), "")
}

func (a *App) changePassword(c echo.Context) error {
	me := currentUser(c)
	current, next, confirm := c.FormValue("current"), c.FormValue("new"), c.FormValue("confirm")
	errs := components.FieldErrors{}
	if !auth.VerifyPassword(me.PasswordHash, current) {
		errs["current"] = "That is not your current password."
	}
	if err := auth.CheckPasswordRules(next); err != nil {
		errs["new"] = capitalize(err.Error()) + "."
	} else if next != confirm {
		errs["confirm"] = "The two new passwords differ."
	}
	if len(errs) > 0 {
		return a.render(c, http.StatusUnprocessableEntity,
			settings.Password(a.page(c, "My password", "settings"), settings.PasswordForm{Errors: errs}), "")
	}
	hash, err := auth.HashPassword(next)
	if err != nil {
		return err
	}
	if err := a.store.SetPassword(c.Request().Context(), me.ID, hash, sessionID(c)); err != nil {
		return err
	}
	addFlash(c, "success", "Password changed. You were signed out on every other device.")
	return a.redirectAfterPost(c, "/settings/password")
}

// signOutEverywhere ends every session of the signed-in user, this one
// included: for a cookie left on a computer one no longer has at hand.
func (a *App) signOutEverywhere(c echo.Context) error {
	return a.signedOut(c, "You have been signed out everywhere, this browser included.", func() error {
		_, err := a.store.EndUserSessions(c.Request().Context(), currentUser(c).ID)
		return err
	})
}
