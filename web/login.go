package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"stocksync/internal/auth"
	authviews "stocksync/views/auth"
	"stocksync/views/components"
)

// One message for an unknown e-mail and a wrong password, so the form does
// not tell which addresses have accounts.
const badCredentials = "E-mail or password is incorrect."

func (a *App) loginPage(c echo.Context) error {
	if currentUser(c) != nil {
		return c.Redirect(http.StatusSeeOther, safeNext(c.QueryParam("next")))
	}
	return a.renderLogin(c, http.StatusOK, authviews.LoginForm{Next: c.QueryParam("next")})
}

func (a *App) renderLogin(c echo.Context, status int, f authviews.LoginForm) error {
	return a.render(c, status, authviews.Login(a.page(c, "Sign in", ""), f), "")
}

func (a *App) login(c echo.Context) error {
	ctx := c.Request().Context()
	form := authviews.LoginForm{Email: c.FormValue("email"), Next: c.FormValue("next")}
	email, err := auth.NormalizeEmail(form.Email)
	password := c.FormValue("password")
	if err != nil || password == "" {
		form.Errors = components.FieldErrors{}
		if err != nil {
			form.Errors["email"] = capitalize(err.Error()) + "."
		}
		if password == "" {
			form.Errors["password"] = "Enter your password."
		}
		return a.renderLogin(c, http.StatusUnprocessableEntity, form)
	}

	ip := c.RealIP()
	s := session(c)
	knownDevice := s.Values[valKnown] == email
	counts, err := a.store.LoginFailures(ctx, email, ip, a.throttle, a.now())
	if err != nil {
		return err
	}
	if until := a.throttle.BlockedUntil(counts, knownDevice); until.After(a.now()) {
		wait := until.Sub(a.now()).Round(time.Second)
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		form.Errors = components.FieldErrors{"": fmt.Sprintf(
			"Too many failed sign-in attempts. Try again in %s (at %s).", humanWait(wait), until.Local().Format("15:04"))}
		return a.renderLogin(c, http.StatusTooManyRequests, form)
	}

	u, err := a.store.UserByEmail(ctx, email)
	if err != nil && !errors.Is(err, auth.ErrNotFound) {
		return err
	}
	// A disabled account answers exactly as a wrong password does, after
	// the same bcrypt comparison: anything else would confirm the password.
	if !auth.VerifyPassword(u.PasswordHash, password) || u.Disabled {
		if err := a.store.RecordLoginFailure(ctx, email, ip, a.now()); err != nil {
			return err
		}
		if knownDevice {
			// One wrong guess and this browser is throttled like any other.
			delete(s.Values, valKnown)
			if err := a.saveSession(c, s); err != nil {
				return err
			}
		}
		form.Errors = components.FieldErrors{"": badCredentials}
		return a.renderLogin(c, http.StatusUnauthorized, form)
	}
	if err := a.store.ClearLoginFailures(ctx, email, ip); err != nil {
		return err
	}
	// A new session at sign-in; one this browser held before ends with it.
	if old := sessionID(c); old != "" {
		if err := a.store.EndSession(ctx, old); err != nil {
			return err
		}
	}
	sid := randomToken()
	if err := a.store.StartSession(ctx, u.ID, sid, a.now()); err != nil {
		return err
	}
	resetSession(s)
	s.Values[valSession] = sid
	s.Values[valKnown] = email
	return a.redirectAfterPost(c, safeNext(form.Next))
}

// logout ends this browser's session on the server, so a copy of the cookie
// taken before is worthless too.
func (a *App) logout(c echo.Context) error {
	return a.signedOut(c, "You have signed out.", func() error {
		if sid := sessionID(c); sid != "" {
			return a.store.EndSession(c.Request().Context(), sid)
		}
		return nil
	})
}

// signedOut runs end (which revokes sessions) and sends this browser, its
// cookie started afresh, to the sign-in page with a message.
func (a *App) signedOut(c echo.Context, message string, end func() error) error {
	if err := end(); err != nil {
		return err
	}
	resetSession(session(c))
	addFlash(c, "success", message)
	return a.redirectAfterPost(c, "/login")
}

func humanWait(d time.Duration) string {
	if d < time.Minute {
		return fmt.Sprintf("%d seconds", int(d.Seconds())+1)
	}
	m := int(d.Minutes() + 0.999)
	if m == 1 {
		return "1 minute"
	}
	return fmt.Sprintf("%d minutes", m)
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
