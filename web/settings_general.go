package web

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"stocksync/views/components"
	"stocksync/views/settings"
)

func (a *App) generalSettings(c echo.Context) error {
	cur, err := a.currency(c.Request().Context())
	if err != nil {
		return err
	}
	return a.render(c, http.StatusOK, settings.General(a.page(c, "General settings", "settings"), settings.GeneralForm{Currency: cur}), "")
}

func (a *App) saveGeneralSettings(c echo.Context) error {
	code := strings.ToUpper(strings.TrimSpace(c.FormValue("currency")))
	f := settings.GeneralForm{Currency: code, Errors: components.FieldErrors{}}
	if len(code) != 3 || strings.Trim(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		f.Errors["currency"] = "Enter a three-letter ISO currency code, such as USD, EUR or GBP."
		return a.render(c, http.StatusUnprocessableEntity, settings.General(a.page(c, "General settings", "settings"), f), "")
	}
	if err := a.store.SetBaseCurrency(c.Request().Context(), code, currentUser(c).ID); err != nil {
		return err
	}
	addFlash(c, "success", "Base currency set to "+code+".")
	return a.redirectAfterPost(c, "/settings/general")
}
