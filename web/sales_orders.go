package web

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"stocksync/internal/inventory"
	"stocksync/views/components"
	"stocksync/views/documents"
)

// salesOrders is the list: ?marketplace=&status=&q=&from=&to=&before=, all
// in the URL so a filtered list can be bookmarked and reloaded.
func (a *App) salesOrders(c echo.Context) error {
	ctx := c.Request().Context()
	f := inventory.OrderFilter{Marketplace: c.QueryParam("marketplace"), Status: c.QueryParam("status"),
		Q: pickerQuery(c.QueryParam("q")), Before: cursor(c, "before"), Limit: docsPerPage}
	if !knownOrderStatus(f.Status) {
		f.Status = ""
	}
	chans, err := a.store.ChannelNames(ctx)
	if err != nil {
		return err
	}
	v := documents.OrdersView{Status: f.Status, Marketplace: f.Marketplace, Q: f.Q, Before: f.Before,
		From: c.QueryParam("from"), To: c.QueryParam("to"), Errors: components.FieldErrors{}}
	for _, ch := range chans {
		v.Channels = append(v.Channels, documents.ChannelChoice{ID: ch.ID, Name: ch.Name})
	}
	if f.Marketplace != "" && f.Marketplace != "manual" && !v.HasChannel(f.Marketplace) {
		v.Marketplace, f.Marketplace = "", ""
	}
	for _, d := range []struct {
		field string
		at    *time.Time
	}{{"from", &f.From}, {"to", &f.To}} {
		if raw := c.QueryParam(d.field); raw != "" {
			t, err := time.Parse("2006-01-02", raw)
			if err != nil {
				v.Errors[d.field] = "Enter a date as YYYY-MM-DD."
				continue
			}
			*d.at = t
		}
	}
	if v.Orders, v.Next, err = a.store.ListSalesOrders(ctx, f); err != nil {
		return err
	}
	if v.Currency, err = a.currency(ctx); err != nil {
		return err
	}
	return a.render(c, http.StatusOK, documents.OrdersList(a.page(c, "Sales orders", "sales-orders"), v), "orders")
}

func knownOrderStatus(s string) bool {
	switch s {
	case inventory.OrdersFrozen, inventory.OrdersNotShipped, inventory.OrdersPartiallyShipped, inventory.OrdersShipped,
		inventory.OrdersInvoiced, inventory.OrderCancelled, inventory.OrderFulfilled, inventory.OrdersToPack, inventory.OrdersToShip:
		return true
	}
	return false
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

// salesOrder is an order's page; ?line=&q= is a waiting line's item
// picker searched without JavaScript.
func (a *App) salesOrder(c echo.Context) error {
	v := documents.OrderPageView{ShipNow: true}
	if line, err := strconv.ParseInt(c.QueryParam("line"), 10, 64); err == nil && line > 0 {
		v.PickLine, v.Q = line, pickerQuery(c.QueryParam("q"))
		var err error
		if v.Picks, err = a.picks(c, v.Q); err != nil {
			return err
		}
	}
	return a.renderOrder(c, http.StatusOK, v)
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
		addFlash(c, "success", "Order cancelled; whatever it committed of your stock is available again.")
	}
	return a.redirectAfterPost(c, orderPath(id))
}
