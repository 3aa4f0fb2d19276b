package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

type access int

const (
	public   access = iota // no session: health, static files, webhooks
	anyone                 // session and CSRF, no sign-in needed: login
	signedIn               // every page
	adminOnly
)

type route struct {
	method, path string
	access       access
	handler      func(a *App) echo.HandlerFunc
}

func h(f func(*App, echo.Context) error) func(*App) echo.HandlerFunc {
	return func(a *App) echo.HandlerFunc { return func(c echo.Context) error { return f(a, c) } }
}

// routeTable is every route of the application in one place.
var routeTable = []route{
	{http.MethodGet, "/healthz", public, h((*App).healthz)},
	{http.MethodGet, "/static/*", public, (*App).static},
	{http.MethodGet, "/favicon.ico", public, (*App).favicon},
	// Channel webhooks carry no session and no CSRF token: the channel
	// signs them (web/webhooks.go). Any other address answers 404.
	{http.MethodPost, "/webhooks/:kind/:channel", public, h((*App).webhook)},
	{http.MethodPost, "/webhooks/*", public, h((*App).noWebhook)},

	{http.MethodGet, "/login", anyone, h((*App).loginPage)},
	{http.MethodPost, "/login", anyone, h((*App).login)},
	{http.MethodPost, "/logout", anyone, h((*App).logout)},

	{http.MethodGet, "/", signedIn, h((*App).dashboard)},
	{http.MethodGet, "/settings", signedIn, h((*App).settingsHome)},
	{http.MethodGet, "/settings/password", signedIn, h((*App).passwordPage)},
	{http.MethodPost, "/settings/password", signedIn, h((*App).changePassword)},
	{http.MethodPost, "/settings/sign-out-everywhere", signedIn, h((*App).signOutEverywhere)},

	{http.MethodGet, "/settings/users", adminOnly, h((*App).usersPage)},
	{http.MethodPost, "/settings/users", adminOnly, h((*App).createUser)},
	{http.MethodPost, "/settings/users/:id/role", adminOnly, h((*App).changeRole)},
	{http.MethodPost, "/settings/users/:id/disable", adminOnly, h((*App).disableUser)},
	{http.MethodPost, "/settings/users/:id/enable", adminOnly, h((*App).enableUser)},
	{http.MethodPost, "/settings/users/:id/sign-out", adminOnly, h((*App).signOutUser)},

	// Staff see channels and sync them; connecting one makes the server
	// call an address someone typed, with credentials, so what connects,
	// reconnects, tests or reconfigures a channel is for admins.
	{http.MethodGet, "/channels", signedIn, h((*App).channelsList)},
	{http.MethodGet, "/channels/new", adminOnly, h((*App).connectNew)},
	{http.MethodPost, "/channels/test", adminOnly, h((*App).connectTest)},
	{http.MethodPost, "/channels", adminOnly, h((*App).connectCreate)},
	// "Connect with Etsy": the POST that starts it carries the CSRF token;
	// the callback is a plain GET from the channel, checked by its state,
	// which belongs to the admin who started it.
	{http.MethodPost, "/channels/oauth/:kind/start", adminOnly, h((*App).oauthStart)},
	{http.MethodGet, "/channels/oauth/:kind/callback", adminOnly, h((*App).oauthCallback)},
	{http.MethodGet, "/channels/:id", signedIn, h((*App).channelShow)},
	{http.MethodPost, "/channels/:id/sync", signedIn, h((*App).channelSync)},
	{http.MethodPost, "/channels/:id/settings", adminOnly, h((*App).channelSettings)},
	{http.MethodPost, "/channels/:id/push-rules", adminOnly, h((*App).channelPushRules)},
	{http.MethodPost, "/channels/:id/drift/overwrite", signedIn, h((*App).overwriteDrift)},
	{http.MethodPost, "/channels/:id/disconnect", adminOnly, h((*App).channelDisconnect)},
	{http.MethodPost, "/channels/:id/credentials", adminOnly, h((*App).channelReconnect)},
	{http.MethodPost, "/channels/:id/oauth/start", adminOnly, h((*App).oauthReconnectStart)},
	{http.MethodPost, "/channels/:id/webhook-secret", adminOnly, h((*App).channelWebhookSecret)},

	{http.MethodGet, "/channel-items", signedIn, h((*App).channelItems)},
	{http.MethodGet, "/channel-items/count", signedIn, h((*App).channelItemsCount)},
	{http.MethodPost, "/channel-items/bulk", signedIn, h((*App).channelItemsBulk)},
	{http.MethodPost, "/channel-items/bulk/link", signedIn, h((*App).channelItemsBulkLink)},
	{http.MethodGet, "/bulk-runs/:id", signedIn, h((*App).bulkRun)},
	{http.MethodGet, "/channel-items/bulk/suggest", signedIn, h((*App).bulkSuggest)},
	{http.MethodGet, "/channel-items/:id", signedIn, h((*App).channelItem)},
	{http.MethodPost, "/channel-items/:id/confirm", signedIn, h((*App).confirmListing)},
	{http.MethodPost, "/channel-items/:id/update", signedIn, h((*App).updateListing)},
	{http.MethodPost, "/channel-items/:id/link", signedIn, h((*App).linkListing)},

	{http.MethodGet, "/sync-history", signedIn, h((*App).syncHistory)},
	{http.MethodGet, "/sync-history/:run", signedIn, h((*App).syncRun)},
	{http.MethodPost, "/sync-history/:run/retry", signedIn, h((*App).syncRetry)},
	{http.MethodGet, "/sync-history/:run/report", signedIn, h((*App).syncReport)},
	{http.MethodGet, "/sync-history/:run/failures.csv", signedIn, h((*App).syncFailuresCSV)},

	{http.MethodGet, "/settings/general", adminOnly, h((*App).generalSettings)},
	{http.MethodPost, "/settings/general", adminOnly, h((*App).saveGeneralSettings)},

	{http.MethodGet, "/items", signedIn, h((*App).itemsList)},
	{http.MethodGet, "/items/new", signedIn, h((*App).newItem)},
	{http.MethodGet, "/items/count", signedIn, h((*App).itemsCount)},
	{http.MethodPost, "/items", signedIn, h((*App).createItem)},
	{http.MethodGet, "/items/picker", signedIn, h((*App).itemPicker)},
	{http.MethodGet, "/items/:id", signedIn, h((*App).itemPage)},
	{http.MethodGet, "/items/:id/unlink", signedIn, h((*App).unlinkPage)},
	{http.MethodGet, "/items/:id/channels", signedIn, h((*App).itemChannels)},
	{http.MethodGet, "/items/:id/push", signedIn, h((*App).pushPage)},
	{http.MethodPost, "/items/:id/push", signedIn, h((*App).pushNow)},
	{http.MethodGet, "/items/:id/push/results", signedIn, h((*App).pushResults)},
	{http.MethodPost, "/items/:id/unlink", signedIn, h((*App).unlinkItem)},
	{http.MethodGet, "/items/:id/edit", signedIn, h((*App).editItem)},
	{http.MethodPost, "/items/:id", signedIn, h((*App).updateItem)},
	{http.MethodPost, "/items/:id/deactivate", signedIn, h((*App).deactivateItem)},
	{http.MethodPost, "/items/:id/activate", signedIn, h((*App).activateItem)},
	{http.MethodGet, "/warehouses", signedIn, h((*App).warehousesPage)},
	{http.MethodPost, "/warehouses", signedIn, h((*App).createWarehouse)},

	{http.MethodGet, "/purchase-receives", signedIn, h((*App).purchaseReceives)},
	{http.MethodGet, "/purchase-receives/new", signedIn, h((*App).newPurchaseReceive)},
	{http.MethodPost, "/purchase-receives", signedIn, h((*App).createPurchaseReceive)},
	{http.MethodGet, "/purchase-receives/:id", signedIn, h((*App).purchaseReceive)},
	{http.MethodGet, "/sales-orders", signedIn, h((*App).salesOrders)},
	{http.MethodGet, "/sales-orders/new", signedIn, h((*App).newSalesOrder)},
	{http.MethodPost, "/sales-orders", signedIn, h((*App).createSalesOrder)},
	{http.MethodGet, "/sales-orders/:id", signedIn, h((*App).salesOrder)},
	{http.MethodPost, "/sales-orders/:id/cancel", signedIn, h((*App).cancelSalesOrder)},
	{http.MethodPost, "/sales-orders/:id/shipments", signedIn, h((*App).packSalesOrder)},
	{http.MethodPost, "/sales-orders/:id/packages/:pkg/ship", signedIn, h((*App).shipPackage)},
	{http.MethodPost, "/sales-orders/:id/invoices", signedIn, h((*App).invoiceSalesOrder)},
	{http.MethodPost, "/sales-orders/:id/confirm-all", signedIn, h((*App).confirmOrderListings)},
	{http.MethodPost, "/sales-orders/:id/lines/:line/link", signedIn, h((*App).linkOrderLine)},
	{http.MethodGet, "/adjustments", signedIn, h((*App).adjustments)},
	{http.MethodGet, "/adjustments/new", signedIn, h((*App).newAdjustment)},
	{http.MethodPost, "/adjustments", signedIn, h((*App).createAdjustment)},
	{http.MethodGet, "/adjustments/:id", signedIn, h((*App).adjustment)},
}

// routes registers the table. Middleware order follows the request:
// recover, request id, security headers, then per route the cleaning of
// what a person sent (cleantext.go), session, user, CSRF and the access
// check. Routes carry their middleware themselves because an Echo group on
// "" would also claim every unknown path.
func (a *App) routes(e *echo.Echo) {
	e.Use(middleware.Recover())
	e.Use(middleware.RequestID())
	e.Use(a.securityHeaders)
	e.Use(a.logRequests)

	chains := map[access][]echo.MiddlewareFunc{
		public:    nil,
		anyone:    {a.cleanText, a.loadSession, a.loadUser, a.checkCSRF},
		signedIn:  {a.cleanText, a.loadSession, a.loadUser, a.checkCSRF, a.requireUser},
		adminOnly: {a.cleanText, a.loadSession, a.loadUser, a.checkCSRF, a.requireUser, a.requireAdmin},
	}
	for _, r := range routeTable {
		e.Add(r.method, r.path, r.handler(a), chains[r.access]...)
	}
	// Unknown paths: sign-in first (a bookmark may predate the session), then the 404 page.
	e.RouteNotFound("/*", func(echo.Context) error { return echo.ErrNotFound }, chains[signedIn]...)
}
