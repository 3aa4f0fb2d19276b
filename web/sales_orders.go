package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"stocksync/internal/inventory"
	"stocksync/views/components"
	"stocksync/views/documents"
)

func (a *App) salesOrders(c echo.Context) error {
	ctx := c.Request().Context()
	status := c.QueryParam("status")
	switch status {
	case inventory.OrderOpen, inventory.OrderFulfilled, inventory.OrderCancelled, inventory.OrdersToPack, inventory.OrdersToShip:
	default:
		status = ""
	}
	v := documents.OrdersView{Status: status, Before: cursor(c, "before")}
	var err error
	if v.Orders, v.Next, err = a.store.ListSalesOrders(ctx, status, v.Before, docsPerPage); err != nil {
		return err
	}
	if v.Currency, err = a.currency(ctx); err != nil {
		return err
	}
	return a.render(c, http.StatusOK, documents.OrdersList(a.page(c, "Sales orders", "sales-orders"), v), "")
}

func (a *App) newSalesOrder(c echo.Context) error {
	return a.renderOrderForm(c, http.StatusOK, inventory.OrderInput{Date: a.today(), Lines: prefilled(c)}, components.FieldErrors{})
}

func (a *App) renderOrderForm(c echo.Context, status int, in inventory.OrderInput, errs components.FieldErrors) error {
	lf, err := a.linesForm(c.Request().Context(), in.Lines, errs, true, false)
	if err != nil {
		return err
	}
	f := documents.OrderForm{Customer: in.Customer, Date: in.Date, Reference: in.Reference, Lines: lf, Errors: errs}
	return a.render(c, status, documents.OrderNew(a.page(c, "New sales order", "sales-orders"), f), "")
}

func (a *App) createSalesOrder(c echo.Context) error {
	ctx := c.Request().Context()
	in := inventory.OrderInput{Customer: c.FormValue("customer"), Date: c.FormValue("date"), Reference: c.FormValue("reference"), Lines: lineInputs(c)}
	o, errs := inventory.ValidateOrder(in, a.now())
	if err := a.resolveLines(ctx, o.Lines, errs); err != nil {
		return err
	}
	if len(errs) > 0 {
		return a.renderOrderForm(c, http.StatusUnprocessableEntity, in, components.FieldErrors(errs))
	}
	id, err := a.store.CreateSalesOrder(ctx, o, currentUser(c).ID)
	if e := (components.FieldErrors{}); documentRefusal(err, e) {
		return a.renderOrderForm(c, http.StatusUnprocessableEntity, in, e)
	} else if err != nil {
		return err
	}
	addFlash(c, "success", "Sales order saved; its units are committed.")
	return a.redirectAfterPost(c, orderPath(id))
}

func orderPath(id int64) string { return "/sales-orders/" + strconv.FormatInt(id, 10) }

func (a *App) salesOrder(c echo.Context) error {
	return a.renderOrder(c, http.StatusOK, documents.OrderPageView{ShipNow: true})
}

// renderOrder shows the order page, with a refused pack or invoice form's
// input and messages when v carries them.
func (a *App) renderOrder(c echo.Context, status int, v documents.OrderPageView) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if v.Order, err = a.store.SalesOrder(ctx, id); err != nil {
		return notFoundErr(err)
	}
	if v.Currency, err = a.currency(ctx); err != nil {
		return err
	}
	return a.render(c, status, documents.OrderPage(a.page(c, "Sales order #"+strconv.FormatInt(id, 10), "sales-orders"), v), "")
}

func (a *App) cancelSalesOrder(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	err = a.store.CancelSalesOrder(c.Request().Context(), id, currentUser(c).ID)
	switch {
	case errors.Is(err, inventory.ErrNotOpen):
		addFlash(c, "warning", "This order is no longer open; nothing was changed.")
	case err != nil:
		return notFoundErr(err)
	default:
		addFlash(c, "success", "Order cancelled; its committed units are available again.")
	}
	return a.redirectAfterPost(c, orderPath(id))
}
