package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"stocksync/internal/auth"
	"stocksync/internal/testkit/webtest"
)

func TestUsersPageIsForAdminsOnly(t *testing.T) {
	s := webtest.NewServer(t)
	staff, _ := s.SignedIn(t, auth.RoleStaff)
	if r := staff.Get("/settings/users"); r.Status != http.StatusForbidden {
		t.Fatalf("staff GET /settings/users: %d, want 403", r.Status)
	}
	staff.Get("/settings/password")
	if r := staff.Post("/settings/users", url.Values{"email": {"x@example.com"}, "role": {"admin"}}); r.Status != http.StatusForbidden {
		t.Fatalf("staff POST /settings/users: %d, want 403", r.Status)
	}
	if _, err := s.Store.UserByEmail(t.Context(), "x@example.com"); err == nil {
		t.Fatal("staff created a user")
	}
	if r := staff.Get("/settings"); r.Location != "/settings/password" {
		t.Errorf("staff /settings → %q", r.Location)
	}
	admin, _ := s.SignedIn(t, auth.RoleAdmin)
	if r := admin.Get("/settings/users"); r.Status != 200 || !strings.Contains(r.Body, `data-testid="users-table"`) {
		t.Fatalf("admin GET /settings/users: %d", r.Status)
	}
}

var tempPassword = regexp.MustCompile(`Temporary password: ([A-Za-z0-9]+)`)

func TestAdminAddsUserWhoSignsInWithTheTemporaryPassword(t *testing.T) {
	s := webtest.NewServer(t)
	admin, _ := s.SignedIn(t, auth.RoleAdmin)
	admin.Get("/settings/users")
	r := admin.Post("/settings/users", url.Values{"email": {"New.Person@Example.com"}, "role": {"staff"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("add user: %d %.300s", r.Status, r.Body)
	}
	page := admin.Get("/settings/users")
	m := tempPassword.FindStringSubmatch(page.Body)
	if m == nil {
		t.Fatalf("temporary password not shown: %.2000s", page.Body)
	}
	if again := admin.Get("/settings/users"); strings.Contains(again.Body, m[1]) {
		t.Fatal("the temporary password was shown twice")
	}
	newbie := s.Client(t)
	newbie.Login("new.person@example.com", m[1])
	if r := newbie.Get("/"); r.Status != 200 {
		t.Fatalf("new user's dashboard: %d", r.Status)
	}
	// The same address again is refused beside the field, and nothing is written.
	r = admin.Post("/settings/users", url.Values{"email": {"new.person@example.com"}, "role": {"admin"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "A user with this e-mail already exists.") {
		t.Fatalf("duplicate: %d", r.Status)
	}
	r = admin.Post("/settings/users", url.Values{"email": {"bad address"}, "role": {"owner"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="f-email-msg"`) {
		t.Fatalf("bad input: %d", r.Status)
	}
	users, _ := s.Store.ListUsers(t.Context())
	if len(users) != 2 {
		t.Fatalf("%d users, want 2", len(users))
	}
}

func TestDisablingAUserEndsTheirSessionAtOnce(t *testing.T) {
	s := webtest.NewServer(t)
	admin, _ := s.SignedIn(t, auth.RoleAdmin)
	staff, staffUser := s.SignedIn(t, auth.RoleStaff)
	if r := staff.Get("/"); r.Status != 200 {
		t.Fatal("staff not signed in")
	}
	admin.Get("/settings/users")
	r := admin.Post("/settings/users/"+strconv.FormatInt(staffUser.ID, 10)+"/disable", nil)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("disable: %d", r.Status)
	}
	if r := staff.Get("/"); r.Status != http.StatusSeeOther {
		t.Fatalf("disabled user still served: %d", r.Status)
	}
	again := s.Client(t)
	again.Get("/login")
	if r := again.Post("/login", url.Values{"email": {staffUser.Email}, "password": {pw}}); r.Status != http.StatusUnauthorized || !strings.Contains(r.Body, "E-mail or password is incorrect.") {
		t.Fatalf("disabled user signing in: %d", r.Status)
	}
	admin.Get("/settings/users")
	admin.Post("/settings/users/"+strconv.FormatInt(staffUser.ID, 10)+"/enable", nil)
	again.Get("/login")
	again.Login(staffUser.Email, pw)
}

func TestRoleChangeAndLastAdminGuard(t *testing.T) {
	s := webtest.NewServer(t)
	admin, me := s.SignedIn(t, auth.RoleAdmin)
	_, staffUser := s.SignedIn(t, auth.RoleStaff)
	admin.Get("/settings/users")
	// Demoting the only admin is refused with a sentence.
	admin.Post("/settings/users/"+strconv.FormatInt(me.ID, 10)+"/role", url.Values{"role": {"staff"}})
	if r := admin.Get("/settings/users"); r.Status != 200 || !strings.Contains(r.Body, "That would leave no active admin.") {
		t.Fatalf("last admin demoted: %d", r.Status)
	}
	admin.Post("/settings/users/"+strconv.FormatInt(staffUser.ID, 10)+"/role", url.Values{"role": {"admin"}})
	u, _ := s.Store.UserByID(t.Context(), staffUser.ID)
	if u.Role != auth.RoleAdmin {
		t.Fatalf("role is %s, want admin", u.Role)
	}
	// Now the first admin may step down, and keeps a (staff) session.
	admin.Get("/settings/users")
	r := admin.Post("/settings/users/"+strconv.FormatInt(me.ID, 10)+"/role", url.Values{"role": {"staff"}})
	if r.Location != "/" {
		t.Fatalf("self-demotion went to %q", r.Location)
	}
	if r := admin.Get("/"); r.Status != 200 {
		t.Fatalf("self-demoted admin signed out: %d", r.Status)
	}
	if r := admin.Get("/settings/users"); r.Status != http.StatusForbidden {
		t.Fatalf("demoted admin still sees users: %d", r.Status)
	}
	if r := admin.Post("/settings/users/999999/role", url.Values{"role": {"staff"}}); r.Status != http.StatusForbidden {
		t.Fatalf("demoted admin changed a role: %d", r.Status)
	}
}

func TestChangingPasswordEndsOtherSessions(t *testing.T) {
	s := webtest.NewServer(t)
	laptop, u := s.SignedIn(t, auth.RoleStaff)
	phone := s.Client(t)
	phone.Login(u.Email, pw)

	laptop.Get("/settings/password")
	r := laptop.Post("/settings/password", url.Values{"current": {"wrong"}, "new": {"short"}, "confirm": {"x"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "That is not your current password.") || !strings.Contains(r.Body, "at least 10 characters") {
		t.Fatalf("bad change: %d", r.Status)
	}
	r = laptop.Post("/settings/password", url.Values{"current": {pw}, "new": {"a much better passphrase"}, "confirm": {"a much better passphrase"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("change: %d %.300s", r.Status, r.Body)
	}
	if r := laptop.Get("/"); r.Status != 200 {
		t.Fatalf("the session that changed the password ended: %d", r.Status)
	}
	if r := phone.Get("/"); r.Status != http.StatusSeeOther {
		t.Fatalf("the other session survived: %d", r.Status)
	}
	fresh := s.Client(t)
	fresh.Login(u.Email, "a much better passphrase")
}
