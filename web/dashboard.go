package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"stocksync/views/dashboard"
)

func (a *App) dashboard(c echo.Context) error {
	ctx := c.Request().Context()
	u := currentUser(c)
	d := dashboard.Dashboard{Greeting: greeting(a.now().Hour()), Name: u.DisplayName(), IsAdmin: u.IsAdmin()}
	ic, err := a.store.ItemCounts(ctx)
	if err != nil {
		return err
	}
	oc, err := a.store.OrderCounts(ctx)
	if err != nil {
		return err
	}
	if d.AnyItems, err = a.store.AnyItems(ctx); err != nil {
		return err
	}
	d.Items, d.LowStock, d.OutOfStock = ic.Active, ic.Low, ic.Out
	d.OpenOrders, d.ToPack, d.ToShip, d.Frozen = oc.Open, oc.ToPack, oc.ToShip, oc.Frozen
	cc, err := a.store.ChannelCounts(ctx)
	if err != nil {
		return err
	}
	d.Channels, d.Unconfirmed, d.FailedRuns = cc.Connected, cc.Unconfirmed, cc.FailedRuns
	failing, err := a.store.FailingByChannel(ctx)
	if err != nil {
		return err
	}
	for _, f := range failing {
		d.Failing = append(d.Failing, dashboard.ChannelFailing{ChannelID: f.ChannelID, Name: f.Name, Failing: f.Failing})
	}
	return a.render(c, http.StatusOK, dashboard.Page(a.page(c, "Dashboard", "dashboard"), d), "")
}

func greeting(hour int) string {
	switch {
	case hour < 12:
		return "Good morning"
	case hour < 18:
		return "Good afternoon"
	}
	return "Good evening"
}

func (a *App) settingsHome(c echo.Context) error {
	if currentUser(c).IsAdmin() {
		return c.Redirect(http.StatusFound, "/settings/users")
	}
	return c.Redirect(http.StatusFound, "/settings/password")
}
