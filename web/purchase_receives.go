package web

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"stocksync/internal/inventory"
	"stocksync/views/components"
	"stocksync/views/documents"
)

const docsPerPage = 50

func (a *App) purchaseReceives(c echo.Context) error {
	ctx := c.Request().Context()
	v := documents.ReceivesView{Before: cursor(c, "before")}
	var err error
	if v.Receives, v.Next, err = a.store.ListPurchaseReceives(ctx, v.Before, docsPerPage); err != nil {
		return err
	}
	if v.Currency, err = a.currency(ctx); err != nil {
		return err
	}
	return a.render(c, http.StatusOK, documents.ReceivesList(a.page(c, "Purchase receives", "items"), v), "")
}

// prefilled starts a form's first line with the item named in ?item=.
func prefilled(c echo.Context) []inventory.LineInput {
	if ref := c.QueryParam("item"); ref != "" {
		return []inventory.LineInput{{Item: ref}}
	}
	return nil
}

func (a *App) newPurchaseReceive(c echo.Context) error {
	return a.renderReceiveForm(c, http.StatusOK, inventory.ReceiveInput{Date: a.today(), Lines: prefilled(c)}, components.FieldErrors{})
}

func (a *App) renderReceiveForm(c echo.Context, status int, in inventory.ReceiveInput, errs components.FieldErrors) error {
	lf, err := a.linesForm(c.Request().Context(), in.Lines, errs, true, false)
	if err != nil {
		return err
	}
	f := documents.ReceiveForm{Vendor: in.Vendor, Date: in.Date, Notes: in.Notes, Lines: lf, Errors: errs}
	return a.render(c, status, documents.ReceiveNew(a.page(c, "Receive goods", "items"), f), "")
}

func (a *App) createPurchaseReceive(c echo.Context) error {
	ctx := c.Request().Context()
	in := inventory.ReceiveInput{Vendor: c.FormValue("vendor"), Date: c.FormValue("date"), Notes: c.FormValue("notes"), Lines: lineInputs(c)}
	r, errs := inventory.ValidateReceive(in, a.now())
	if err := a.resolveLines(ctx, r.Lines, errs); err != nil {
		return err
	}
	if len(errs) > 0 {
		return a.renderReceiveForm(c, http.StatusUnprocessableEntity, in, components.FieldErrors(errs))
	}
	id, err := a.store.CreatePurchaseReceive(ctx, r, currentUser(c).ID)
	if e := (components.FieldErrors{}); documentRefusal(err, e) {
		return a.renderReceiveForm(c, http.StatusUnprocessableEntity, in, e)
	} else if err != nil {
		return err
	}
	addFlash(c, "success", "Goods received; stock on hand is updated.")
	return a.redirectAfterPost(c, "/purchase-receives/"+strconv.FormatInt(id, 10))
}

func (a *App) purchaseReceive(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	r, err := a.store.PurchaseReceive(ctx, id)
	if err != nil {
		return notFoundErr(err)
	}
	cur, err := a.currency(ctx)
	if err != nil {
		return err
	}
	return a.render(c, http.StatusOK, documents.ReceivePage(a.page(c, "Purchase receive #"+strconv.FormatInt(id, 10), "items"), r, cur), "")
}
