package web

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"stocksync/internal/auth"
	"stocksync/views/components"
	"stocksync/views/settings"
)

func (a *App) usersPage(c echo.Context) error {
	return a.renderUsers(c, http.StatusOK, settings.NewUserForm{})
}

func (a *App) renderUsers(c echo.Context, status int, form settings.NewUserForm) error {
	users, err := a.store.ListUsers(c.Request().Context())
	if err != nil {
		return err
	}
	page := settings.UsersPage{Users: users, Me: currentUser(c).ID, NewUser: form}
	return a.render(c, status, settings.Users(a.page(c, "Users", "settings"), page), "")
}

func (a *App) createUser(c echo.Context) error {
	form := settings.NewUserForm{Email: c.FormValue("email"), Role: c.FormValue("role"), Errors: components.FieldErrors{}}
	email, err := auth.NormalizeEmail(form.Email)
	if err != nil {
		form.Errors["email"] = capitalize(err.Error()) + "."
	}
	role, err := auth.ParseRole(form.Role)
	if err != nil {
		form.Errors["role"] = "Choose staff or admin."
	}
	if len(form.Errors) > 0 {
		return a.renderUsers(c, http.StatusUnprocessableEntity, form)
	}
	temp := auth.RandomPassword()
	hash, err := auth.HashPassword(temp)
	if err != nil {
		return err
	}
	if _, err := a.store.CreateUser(c.Request().Context(), email, role, hash); err != nil {
		if errors.Is(err, auth.ErrEmailTaken) {
			form.Errors["email"] = "A user with this e-mail already exists."
			return a.renderUsers(c, http.StatusUnprocessableEntity, form)
		}
		return err
	}
	// The flash lives in the encrypted session cookie and is shown once.
	addFlash(c, "success", fmt.Sprintf("%s added as %s. Temporary password: %s — it is shown only this once; give it to them securely.", email, role, temp))
	return a.redirectAfterPost(c, "/settings/users")
}

func (a *App) changeRole(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	role, err := auth.ParseRole(c.FormValue("role"))
	if err != nil {
		addFlash(c, "danger", "Choose staff or admin.")
		return a.redirectAfterPost(c, "/settings/users")
	}
	return a.userChange(c, id, "Role changed to "+string(role)+".", func() error {
		return a.store.SetRole(c.Request().Context(), id, role)
	})
}

func (a *App) disableUser(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	if id == currentUser(c).ID {
		addFlash(c, "danger", "You cannot disable yourself; ask another admin.")
		return a.redirectAfterPost(c, "/settings/users")
	}
	return a.userChange(c, id, "User disabled and signed out everywhere.", func() error {
		return a.store.SetDisabled(c.Request().Context(), id, true)
	})
}

func (a *App) enableUser(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	return a.userChange(c, id, "User enabled.", func() error {
		return a.store.SetDisabled(c.Request().Context(), id, false)
	})
}

// userChange runs one change to a user and reports it as a flash; the rules
// it can break become sentences, not error pages.
func (a *App) userChange(c echo.Context, id int64, done string, change func() error) error {
	err := change()
	switch {
	case errors.Is(err, auth.ErrNotFound):
		return echo.ErrNotFound
	case errors.Is(err, auth.ErrLastAdmin):
		addFlash(c, "danger", "That would leave no active admin. Make someone else an admin first.")
	case err != nil:
		return err
	default:
		addFlash(c, "success", done)
	}
	// An admin who stepped down can no longer see the users page.
	if me := currentUser(c); me.ID == id {
		if u, err := a.store.UserByID(c.Request().Context(), id); err == nil && !u.IsAdmin() {
			return a.redirectAfterPost(c, "/")
		}
	}
	return a.redirectAfterPost(c, "/settings/users")
}

// signOutUser ends every session of a user, for a lost laptop or a cookie
// thought stolen; their password and account stay as they are.
func (a *App) signOutUser(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	u, err := a.store.UserByID(ctx, id)
	if errors.Is(err, auth.ErrNotFound) {
		return echo.ErrNotFound
	} else if err != nil {
		return err
	}
	if id == currentUser(c).ID {
		return a.signOutEverywhere(c)
	}
	n, err := a.store.EndUserSessions(ctx, id)
	if err != nil {
		return err
	}
	ended := "1 session"
	if n != 1 {
		ended = fmt.Sprintf("%d sessions", n)
	}
	addFlash(c, "success", fmt.Sprintf("%s is signed out everywhere (%s ended).", u.Email, ended))
	return a.redirectAfterPost(c, "/settings/users")
}
