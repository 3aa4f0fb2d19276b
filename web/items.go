package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"stocksync/internal/inventory"
	"stocksync/internal/store"
	"stocksync/views/items"
)

const itemsPerPage = 50

func itemFilter(c echo.Context) inventory.ItemFilter {
	pick := func(v string, allowed ...string) string {
		for _, a := range allowed {
			if v == a {
				return v
			}
		}
		return ""
	}
	return inventory.ItemFilter{
		Q:      searchText(c),
		Status: pick(c.QueryParam("status"), "active", "inactive", "all"),
		Stock:  pick(c.QueryParam("stock"), "in", "low", "out"),
		Linked: pick(c.QueryParam("linked"), "yes", "no"),
		Sort:   pick(c.QueryParam("sort"), "name", "sku", "available", "updated"),
		After:  cursor(c, "after"),
		Before: cursor(c, "before"),
		Limit:  itemsPerPage,
	}
}

// itemsList is the items list; an htmx request (typing in the search, a
// changed filter) gets the table fragment only.
func (a *App) itemsList(c echo.Context) error { return a.listItems(c, true) }

func (a *App) listItems(c echo.Context, countLater bool) error {
	ctx := c.Request().Context()
	f := itemFilter(c)
	f.CountLater = countLater
	p, err := a.store.ListItems(ctx, f)
	if err != nil {
		return err
	}
	cur, err := a.currency(ctx)
	if err != nil {
		return err
	}
	v := items.ListView{Filter: f, Items: p.Items, Next: p.Next, Prev: p.Prev, Currency: cur,
		Total: min(p.Total, store.ItemCountCap), TotalMore: p.Total > store.ItemCountCap, CountLater: p.Total < 0}
	if len(p.Items) == 0 && f.After == 0 && f.Before == 0 {
		any, err := a.store.AnyItems(ctx)
		if err != nil {
			return err
		}
		v.Empty = !any
	}
	return a.render(c, http.StatusOK, items.List(a.page(c, "Items", "items"), v), "items-table")
}

// itemsCount is the total of a search, fetched by the list after its page
// has been shown.
func (a *App) itemsCount(c echo.Context) error {
	if !isHTMX(c) {
		return a.listItems(c, false) // without JavaScript: the list, counted
	}
	f := itemFilter(c)
	n, err := a.store.CountItems(c.Request().Context(), f)
	if err != nil {
		return err
	}
	v := items.ListView{Filter: f, Total: min(n, store.ItemCountCap), TotalMore: n > store.ItemCountCap}
	return a.render(c, http.StatusOK, items.Total(v), "")
}

func (a *App) itemPage(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	it, err := a.store.ItemByID(ctx, id)
	if err != nil {
		return notFoundErr(err)
	}
	v := items.PageView{Item: it, Before: cursor(c, "before")}
	if v.Stock, err = a.store.ItemStock(ctx, id); err != nil {
		return err
	}
	if v.Movements, v.NextBefore, err = a.store.ItemMovements(ctx, id, v.Before, 25); err != nil {
		return err
	}
	if v.Activity, err = a.store.ItemActivity(ctx, id); err != nil {
		return err
	}
	if v.Pushes, err = a.store.ItemPushes(ctx, id); err != nil {
		return err
	}
	if v.Currency, err = a.currency(ctx); err != nil {
		return err
	}
	return a.render(c, http.StatusOK, items.Page(a.page(c, it.Name, "items"), v), "")
}
