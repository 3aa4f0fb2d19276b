package web

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"stocksync/internal/auth"
)

// The policy allows no inline script: htmx is loaded from /static and every
// action is a plain form.
const contentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; " +
	"script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"

func (a *App) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if a.isTLS(c) {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		return next(c)
	}
}

// logRequests logs failures and slow requests; a line per fast 2xx would
// cost more than serving the page.
func (a *App) logRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		took := time.Since(start)
		status := c.Response().Status
		var he *echo.HTTPError
		if errors.As(err, &he) {
			status = he.Code
		} else if err != nil {
			status = http.StatusInternalServerError
		}
		if status >= 500 || took > time.Second {
			a.log.Info("request", "method", c.Request().Method, "path", c.Request().URL.Path,
				"status", status, "took", took, "request_id", c.Response().Header().Get(echo.HeaderXRequestID))
		}
		return err
	}
}

// loadSession decodes the cookie (a bad or foreign cookie starts afresh) and
// makes sure the session carries a CSRF token. Every page behind it is
// someone's data or holds their token, so none may be kept by a browser or
// proxy cache (a shared computer's back button after sign-out).
func (a *App) loadSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set("Cache-Control", "no-store")
		s := a.loadCookieSession(c.Request())
		c.Set(keySession, s)
		if _, ok := s.Values[valCSRF].(string); !ok {
			s.Values[valCSRF] = randomToken()
			if err := a.saveSession(c, s); err != nil {
				return err
			}
		}
		return next(c)
	}
}

// loadUser resolves the signed-in user from the session's row, ending the
// session when the row is gone (signed out, revoked), the user is disabled
// or the session has been idle too long.
func (a *App) loadUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		sid := sessionID(c)
		if sid == "" {
			return next(c)
		}
		ctx := c.Request().Context()
		now := a.now()
		sess, err := a.store.Session(ctx, sid)
		switch {
		case errors.Is(err, auth.ErrNotFound) || (err == nil && sess.User.Disabled):
			return a.endSession(c, next, "You have been signed out. Sign in again.")
		case err != nil:
			return err
		case sess.IdleFor(now, a.cfg.SessionIdle):
			if err := a.store.EndSession(ctx, sid); err != nil {
				return err
			}
			return a.endSession(c, next, "Your session expired after a period without use. Sign in again.")
		}
		c.Set(keyUser, &sess.User)
		if sess.NeedsTouch(now) {
			if err := a.store.TouchSession(ctx, sid, now); err != nil {
				return err
			}
			// Rewriting the cookie now and then keeps its signed age fresh
			// while it is in use.
			if err := a.saveSession(c, session(c)); err != nil {
				return err
			}
		}
		return next(c)
	}
}

func (a *App) endSession(c echo.Context, next echo.HandlerFunc, why string) error {
	s := session(c)
	resetSession(s)
	addFlash(c, "info", why)
	if err := a.saveSession(c, s); err != nil {
		return err
	}
	return next(c)
}

func currentUser(c echo.Context) *auth.User {
	u, _ := c.Get(keyUser).(*auth.User)
	return u
}

var errCSRF = echo.NewHTTPError(http.StatusForbidden, "csrf")

// checkCSRF rejects an unsafe request whose token (form field or
// X-CSRF-Token header) does not match the session's.
func (a *App) checkCSRF(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		switch c.Request().Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			return next(c)
		}
		want := csrfToken(c)
		got := c.Request().Header.Get("X-CSRF-Token")
		if got == "" {
			got = c.FormValue("csrf")
		}
		if want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
			return errCSRF
		}
		return next(c)
	}
}

func (a *App) requireUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if currentUser(c) == nil {
			target := "/login"
			if r := c.Request(); r.Method == http.MethodGet && r.URL.RequestURI() != "/" {
				target += "?next=" + url.QueryEscape(r.URL.RequestURI())
			}
			if c.Request().Header.Get("HX-Request") == "true" {
				c.Response().Header().Set("HX-Redirect", target)
				return c.NoContent(http.StatusUnauthorized)
			}
			return c.Redirect(http.StatusSeeOther, target)
		}
		return next(c)
	}
}

func (a *App) requireAdmin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if u := currentUser(c); u == nil || !u.IsAdmin() {
			return echo.NewHTTPError(http.StatusForbidden, "admin")
		}
		return next(c)
	}
}

// safeNext keeps only same-site paths, so a crafted link cannot send a
// person elsewhere after signing in.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Path == "/login" || strings.ContainsAny(next, "\r\n\t") {
		return "/"
	}
	return next
}
