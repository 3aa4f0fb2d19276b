package web

import (
	"errors"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"stocksync/internal/inventory"
	"stocksync/views/components"
	"stocksync/views/documents"
)

func (a *App) warehousesPage(c echo.Context) error {
	return a.renderWarehouses(c, http.StatusOK, documents.WarehousesView{})
}

func (a *App) renderWarehouses(c echo.Context, status int, v documents.WarehousesView) error {
	ws, err := a.store.ListWarehouses(c.Request().Context())
	if err != nil {
		return err
	}
	v.Warehouses = ws
	return a.render(c, status, documents.Warehouses(a.page(c, "Warehouses", "items"), v), "")
}

func (a *App) createWarehouse(c echo.Context) error {
	name := strings.TrimSpace(c.FormValue("name"))
	v := documents.WarehousesView{Name: name, Errors: components.FieldErrors{}}
	switch {
	case name == "":
		v.Errors["name"] = "Enter the warehouse's name."
	case utf8.RuneCountInString(name) > 100:
		v.Errors["name"] = "Keep the name to 100 characters."
	}
	if len(v.Errors) > 0 {
		return a.renderWarehouses(c, http.StatusUnprocessableEntity, v)
	}
	if _, err := a.store.CreateWarehouse(c.Request().Context(), name); errors.Is(err, inventory.ErrNameTaken) {
		v.Errors["name"] = "A warehouse with this name already exists."
		return a.renderWarehouses(c, http.StatusUnprocessableEntity, v)
	} else if err != nil {
		return err
	}
	addFlash(c, "success", name+" added.")
	return a.redirectAfterPost(c, "/warehouses")
}
