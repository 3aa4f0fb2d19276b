package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"stocksync/views/components"
	"stocksync/views/documents"
)

// typedQuantities reads the qty.<line id> fields of a pack or invoice form.
func typedQuantities(c echo.Context) map[int64]string {
	f, _ := c.FormParams()
	out := map[int64]string{}
	for k, v := range f {
		rest, ok := strings.CutPrefix(k, "qty.")
		if !ok || len(v) == 0 {
			continue
		}
		if id, err := strconv.ParseInt(rest, 10, 64); err == nil {
			out[id] = v[0]
		}
	}
	return out
}

// packSalesOrder creates a package and, unless "ship now" is unticked,
// ships it: POST /sales-orders/{id}/shipments.
func (a *App) packSalesOrder(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	typed := typedQuantities(c)
	shipNow := c.FormValue("ship_now") != ""
	_, err = a.store.PackSalesOrder(c.Request().Context(), id, typed, shipNow, currentUser(c).ID)
	if errs := (components.FieldErrors{}); documentRefusal(err, errs) {
		return a.renderOrder(c, http.StatusUnprocessableEntity, documents.OrderPageView{Pack: typed, PackErrs: errs, ShipNow: shipNow})
	} else if err != nil {
		return notFoundErr(err)
	}
	if shipNow {
		addFlash(c, "success", "Package shipped; stock on hand is updated.")
	} else {
		addFlash(c, "success", "Package packed. Mark it shipped when it leaves.")
	}
	return a.redirectAfterPost(c, orderPath(id))
}

func (a *App) shipPackage(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	pkg, err := paramID(c, "pkg")
	if err != nil {
		return err
	}
	err = a.store.ShipPackage(c.Request().Context(), id, pkg, currentUser(c).ID)
	if errs := (components.FieldErrors{}); documentRefusal(err, errs) {
		addFlash(c, "danger", errs[""])
	} else if err != nil {
		return notFoundErr(err)
	} else {
		addFlash(c, "success", "Package shipped; stock on hand is updated.")
	}
	return a.redirectAfterPost(c, orderPath(id))
}

func (a *App) invoiceSalesOrder(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	typed := typedQuantities(c)
	_, err = a.store.InvoiceSalesOrder(c.Request().Context(), id, typed, currentUser(c).ID)
	if errs := (components.FieldErrors{}); documentRefusal(err, errs) {
		return a.renderOrder(c, http.StatusUnprocessableEntity, documents.OrderPageView{Invoice: typed, InvErrs: errs, ShipNow: true})
	} else if err != nil {
		return notFoundErr(err)
	}
	addFlash(c, "success", "Invoice created.")
	return a.redirectAfterPost(c, orderPath(id))
}
