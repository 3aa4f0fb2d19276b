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
func (a *App) itemsList(c echo.Context) error {
	ctx := c.Request().Context()
	f := itemFilter(c)
	p, err := a.store.ListItems(ctx, f)
	if err != nil {
		return err
	}
	cur, err := a.currency(ctx)
	if err != nil {
		return err
	}
	v := items.ListView{Filter: f, Items: p.Items, Next: p.Next, Prev: p.Prev, Currency: cur,
		Total: min(p.Total, store.ItemCountCap), TotalMore: p.Total > store.ItemCountCap}
	if len(p.Items) == 0 && f.After == 0 && f.Before == 0 {
		any, err := a.store.AnyItems(ctx)
		if err != nil {
			return err
		}
		v.Empty = !any
	}
	return a.render(c, http.StatusOK, items.List(a.page(c, "Items", "items"), v), "items-table")
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
	if v.Listings, err = a.store.ItemListings(ctx, id); err != nil {
		return err
	}
	if v.Currency, err = a.currency(ctx); err != nil {
		return err
	}
	return a.render(c, http.StatusOK, items.Page(a.page(c, it.Name, "items"), v), "")
}
