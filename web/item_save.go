package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"stocksync/internal/inventory"
	"stocksync/views/components"
	"stocksync/views/items"
)

func itemInput(c echo.Context) inventory.ItemInput {
	return inventory.ItemInput{
		Name: c.FormValue("name"), SKU: c.FormValue("sku"), Unit: c.FormValue("unit"), Description: c.FormValue("description"),
		SellingPrice: c.FormValue("selling_price"), PurchasePrice: c.FormValue("purchase_price"),
		OpeningQty: c.FormValue("opening_qty"), OpeningValue: c.FormValue("opening_value"), ReorderLevel: c.FormValue("reorder_level"),
	}
}

func (a *App) renderItemForm(c echo.Context, status int, f items.FormView) error {
	cur, err := a.currency(c.Request().Context())
	if err != nil {
		return err
	}
	f.Currency = cur
	title := "New item"
	if f.ID != 0 {
		title = "Edit " + f.Input.Name
	}
	return a.render(c, status, items.Form(a.page(c, title, "items"), f), "")
}

func (a *App) newItem(c echo.Context) error {
	return a.renderItemForm(c, http.StatusOK, items.FormView{Input: inventory.ItemInput{Unit: "pcs"}})
}

func (a *App) createItem(c echo.Context) error {
	in := itemInput(c)
	fields, errs := inventory.ValidateItem(in, true)
	form := items.FormView{Input: in, Errors: components.FieldErrors(errs)}
	if len(errs) > 0 {
		return a.renderItemForm(c, http.StatusUnprocessableEntity, form)
	}
	it, err := a.store.CreateItem(c.Request().Context(), fields, currentUser(c).ID)
	if a.skuTaken(err, &form) {
		return a.renderItemForm(c, http.StatusUnprocessableEntity, form)
	}
	if err != nil {
		return err
	}
	addFlash(c, "success", it.Name+" added.")
	return a.redirectAfterPost(c, "/items/"+strconv.FormatInt(it.ID, 10))
}

func (a *App) editItem(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	it, err := a.store.ItemByID(c.Request().Context(), id)
	if err != nil {
		return notFoundErr(err)
	}
	return a.renderItemForm(c, http.StatusOK, items.FormView{ID: id, Input: it.Input()})
}

func (a *App) updateItem(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	in := itemInput(c)
	fields, errs := inventory.ValidateItem(in, false)
	form := items.FormView{ID: id, Input: in, Errors: components.FieldErrors(errs)}
	if len(errs) > 0 {
		return a.renderItemForm(c, http.StatusUnprocessableEntity, form)
	}
	err = a.store.UpdateItem(c.Request().Context(), id, fields, currentUser(c).ID)
	if a.skuTaken(err, &form) {
		return a.renderItemForm(c, http.StatusUnprocessableEntity, form)
	}
	if err != nil {
		return notFoundErr(err)
	}
	addFlash(c, "success", "Item saved.")
	return a.redirectAfterPost(c, "/items/"+strconv.FormatInt(id, 10))
}

// skuTaken puts the SKU clash, naming the other item, beside the field.
func (a *App) skuTaken(err error, form *items.FormView) bool {
	var clash *inventory.SKUTakenError
	if !errors.As(err, &clash) {
		return false
	}
	if form.Errors == nil {
		form.Errors = components.FieldErrors{}
	}
	form.Errors["sku"] = "SKU " + clash.SKU + " is already used by " + clash.OtherName + " (item #" + strconv.FormatInt(clash.OtherID, 10) + "). SKUs must be unique."
	form.OtherItem = clash.OtherID
	return true
}

func (a *App) deactivateItem(c echo.Context) error { return a.setItemActive(c, false) }
func (a *App) activateItem(c echo.Context) error   { return a.setItemActive(c, true) }

func (a *App) setItemActive(c echo.Context, active bool) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	if err := a.store.SetItemActive(c.Request().Context(), id, active, currentUser(c).ID); err != nil {
		return notFoundErr(err)
	}
	if active {
		addFlash(c, "success", "Item reactivated.")
	} else {
		addFlash(c, "success", "Item deactivated. It keeps its history and can be reactivated here.")
	}
	return a.redirectAfterPost(c, "/items/"+strconv.FormatInt(id, 10))
}
