// Package web is stocksync's HTTP layer: routes, middleware and thin
// handlers that bind a request, call one service method and render.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"stocksync/internal/auth"
	"stocksync/internal/channelsync"
	"stocksync/internal/config"
	"stocksync/internal/jobs"
	"stocksync/internal/store"
	channelviews "stocksync/views/channels"
)

type Deps struct {
	Store    *store.Store
	Config   config.Config
	Logger   *slog.Logger
	Throttle auth.Throttle
	Now      func() time.Time
	// Channels connects channels and runs their syncs; Jobs queues them.
	Channels *channelsync.Service
	Jobs     *jobs.Client
	// Presets fill the Connect form in (the sandbox channels).
	Presets []channelviews.Preset
}

// App holds what every handler needs.
type App struct {
	store    *store.Store
	cfg      config.Config
	log      *slog.Logger
	sessions *sessions.CookieStore
	decoded  decodedCookies
	throttle auth.Throttle
	now      func() time.Time
	channels *channelsync.Service
	jobs     *jobs.Client
	presets  []channelviews.Preset
}

func New(d Deps) *echo.Echo {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Throttle == (auth.Throttle{}) {
		d.Throttle = auth.DefaultThrottle
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	a := &App{
		store:    d.Store,
		cfg:      d.Config,
		log:      d.Logger,
		sessions: newSessionStore(d.Config.SessionKey),
		throttle: d.Throttle,
		now:      d.Now,
		channels: d.Channels,
		jobs:     d.Jobs,
		presets:  d.Presets,
	}
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = a.handleError
	if d.Config.TrustProxy {
		e.IPExtractor = echo.ExtractIPFromXFFHeader()
	} else {
		e.IPExtractor = echo.ExtractIPDirect()
	}
	a.routes(e)
	return e
}

// healthz answers 200 only when the database does.
func (a *App) healthz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := a.store.Ping(ctx); err != nil {
		a.log.Error("health check: database unreachable", "err", err)
		return c.String(503, "database unreachable\n")
	}
	return c.String(200, "ok\n")
}

func (a *App) noWebhook(c echo.Context) error {
	return c.String(http.StatusNotFound, "no webhook is configured at this address\n")
}
