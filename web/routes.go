package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// routes is the one table of every route and the middleware in front of it.
// Order matters: recover, request id, security headers, session, user, CSRF.
func (a *App) routes(e *echo.Echo) {
	e.Use(middleware.Recover())
	e.Use(middleware.RequestID())
	e.Use(a.securityHeaders)
	e.Use(a.logRequests)

	e.GET("/healthz", a.healthz)
	e.GET("/static/*", a.static())

	// Pages with a session; webhooks (later) stay outside this group.
	s := e.Group("", a.loadSession, a.loadUser, a.checkCSRF)
	s.GET("/login", a.loginPage)
	s.POST("/login", a.login)
	s.POST("/logout", a.logout)

	in := s.Group("", a.requireUser)
	in.GET("/", a.dashboard)
	in.GET("/settings", func(c echo.Context) error { return c.Redirect(http.StatusFound, a.settingsHome(c)) })
	in.GET("/settings/password", a.passwordPage)
	in.POST("/settings/password", a.changePassword)

	admin := in.Group("", a.requireAdmin)
	admin.GET("/settings/users", a.usersPage)
	admin.POST("/settings/users", a.createUser)
	admin.POST("/settings/users/:id/role", a.changeRole)
	admin.POST("/settings/users/:id/disable", a.disableUser)
	admin.POST("/settings/users/:id/enable", a.enableUser)
}
