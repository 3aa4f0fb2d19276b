package web

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"stocksync/internal/inventory"
	"stocksync/views/components"
	"stocksync/views/documents"
)

func (a *App) adjustments(c echo.Context) error {
	v := documents.AdjustmentsView{Before: cursor(c, "before")}
	var err error
	if v.Adjustments, v.Next, err = a.store.ListAdjustments(c.Request().Context(), v.Before, docsPerPage); err != nil {
		return err
	}
	return a.render(c, http.StatusOK, documents.AdjustmentsList(a.page(c, "Adjustments", "items"), v), "")
}

func (a *App) newAdjustment(c echo.Context) error {
	return a.renderAdjustmentForm(c, http.StatusOK, inventory.AdjustmentInput{Date: a.today(), Lines: prefilled(c)}, components.FieldErrors{})
}

func (a *App) renderAdjustmentForm(c echo.Context, status int, in inventory.AdjustmentInput, errs components.FieldErrors) error {
	lf, err := a.linesForm(c.Request().Context(), in.Lines, errs, false, true)
	if err != nil {
		return err
	}
	f := documents.AdjustmentForm{Reason: in.Reason, Date: in.Date, Notes: in.Notes, Lines: lf, Errors: errs}
	return a.render(c, status, documents.AdjustmentNew(a.page(c, "Adjust stock", "items"), f), "")
}

func (a *App) createAdjustment(c echo.Context) error {
	ctx := c.Request().Context()
	in := inventory.AdjustmentInput{Reason: c.FormValue("reason"), Date: c.FormValue("date"), Notes: c.FormValue("notes"), Lines: lineInputs(c)}
	adj, errs := inventory.ValidateAdjustment(in, a.now())
	if err := a.resolveLines(ctx, adj.Lines, errs); err != nil {
		return err
	}
	if len(errs) > 0 {
		return a.renderAdjustmentForm(c, http.StatusUnprocessableEntity, in, components.FieldErrors(errs))
	}
	id, err := a.store.CreateAdjustment(ctx, adj, currentUser(c).ID)
	if e := (components.FieldErrors{}); documentRefusal(err, e) {
		return a.renderAdjustmentForm(c, http.StatusUnprocessableEntity, in, e)
	} else if err != nil {
		return err
	}
	addFlash(c, "success", "Stock adjusted.")
	return a.redirectAfterPost(c, "/adjustments/"+strconv.FormatInt(id, 10))
}

func (a *App) adjustment(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	adj, err := a.store.Adjustment(c.Request().Context(), id)
	if err != nil {
		return notFoundErr(err)
	}
	return a.render(c, http.StatusOK, documents.AdjustmentPage(a.page(c, "Adjustment #"+strconv.FormatInt(id, 10), "items"), adj), "")
}
