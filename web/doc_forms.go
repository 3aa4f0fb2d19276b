package web

import (
	"context"
	"errors"
	"strconv"

	"github.com/labstack/echo/v4"

	"stocksync/internal/inventory"
	"stocksync/internal/store"
	"stocksync/views/components"
	"stocksync/views/documents"
)

// formRows is how many line rows a new document form offers.
const formRows = 5

// maxChoices bounds the item datalist; bigger catalogues type the SKU.
const maxChoices = 300

// lineInputs reads the repeated line fields of a document form.
func lineInputs(c echo.Context) []inventory.LineInput {
	f, _ := c.FormParams()
	items, whs, qty, rates := f["item"], f["warehouse"], f["quantity"], f["rate"]
	n := min(max(len(items), len(qty)), 100)
	at := func(s []string, i int) string {
		if i < len(s) {
			return s[i]
		}
		return ""
	}
	out := make([]inventory.LineInput, n)
	for i := range n {
		out[i] = inventory.LineInput{Item: at(items, i), Warehouse: at(whs, i), Quantity: at(qty, i), Rate: at(rates, i)}
	}
	return out
}

// linesForm prepares the line rows for rendering, padded to formRows.
func (a *App) linesForm(ctx context.Context, lines []inventory.LineInput, errs components.FieldErrors, withRate, signed bool) (documents.LinesForm, error) {
	ws, err := a.store.WarehouseChoices(ctx)
	if err != nil {
		return documents.LinesForm{}, err
	}
	choices, err := a.store.ItemChoices(ctx, maxChoices)
	if err != nil {
		return documents.LinesForm{}, err
	}
	f := documents.LinesForm{Warehouses: ws, Choices: choices, WithRate: withRate, Signed: signed, Errors: errs}
	if withRate {
		if f.Currency, err = a.currency(ctx); err != nil {
			return f, err
		}
	}
	for len(lines) < formRows {
		lines = append(lines, inventory.LineInput{})
	}
	f.Lines = lines
	return f, nil
}

// resolveLines ties typed item references to items, adding messages.
func (a *App) resolveLines(ctx context.Context, lines []inventory.Line, errs inventory.FieldErrors) error {
	matches, err := a.store.ItemsByRef(ctx, inventory.ItemRefs(lines))
	if err != nil {
		return err
	}
	inventory.ResolveItems(lines, matches, errs)
	// A reference that is no item may be a listing nobody settled yet:
	// say so, since it is not an item until confirmed or linked (§1.3).
	var unknown []string
	for _, ref := range inventory.ItemRefs(lines) {
		if len(matches[ref]) == 0 {
			unknown = append(unknown, ref)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	listings, err := a.store.UnconfirmedListingsByRef(ctx, unknown)
	if err != nil {
		return err
	}
	for _, l := range lines {
		if on, ok := listings[l.ItemRef]; ok {
			errs[inventory.LineField(l.Row, "item")] = "“" + l.ItemRef + "” is an unconfirmed listing on " + on +
				", not an item: confirm it or link it to an item on its page (Channel items) first."
		}
	}
	return nil
}

// documentRefusal turns a refused document into a message on the form, or
// reports that the error is not a refusal.
func documentRefusal(err error, errs components.FieldErrors) bool {
	var bz *inventory.BelowZeroError
	var inv *inventory.InvalidError
	switch {
	case errors.As(err, &bz):
		errs[""] = bz.Error()
	case errors.Is(err, store.ErrNoWarehouse):
		errs[""] = "A warehouse on this form no longer exists; choose another and save again."
	case errors.As(err, &inv):
		for k, v := range inv.Fields {
			errs[k] = v
		}
	case errors.Is(err, inventory.ErrNotOpen):
		errs[""] = "This order is no longer open, so it cannot be changed."
	case errors.Is(err, inventory.ErrFrozen):
		errs[""] = "This order is frozen until its unconfirmed channel items are settled."
	case errors.Is(err, inventory.ErrFulfilledByChannel):
		errs[""] = "This order is fulfilled by its channel, which ships it from its own stock: nothing is packed or shipped from your warehouses."
	default:
		return false
	}
	return true
}

func paramID(c echo.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, echo.ErrNotFound
	}
	return id, nil
}

// cursor reads a keyset cursor from the query; junk means the first page.
func cursor(c echo.Context, name string) int64 {
	v, err := strconv.ParseInt(c.QueryParam(name), 10, 64)
	if err != nil || v < 0 {
		return 0
	}
	return v
}

func notFoundErr(err error) error {
	if errors.Is(err, inventory.ErrNotFound) {
		return echo.ErrNotFound
	}
	return err
}

func (a *App) currency(ctx context.Context) (string, error) { return a.store.BaseCurrency(ctx) }

func (a *App) today() string { return a.now().Format("2006-01-02") }
