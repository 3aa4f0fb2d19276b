package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"stocksync/internal/auth"
	"stocksync/internal/testkit/webtest"
)

// copyOf is another browser holding a copy of c's session cookie, as a
// thief or a forgotten computer would.
func copyOf(t *testing.T, s *webtest.Server, c *webtest.Client) *webtest.Client {
	t.Helper()
	ck := c.Cookie("stocksync_session")
	if ck == nil {
		t.Fatal("no session cookie to copy")
	}
	cp := s.Client(t)
	u, _ := url.Parse(s.URL)
	cp.HTTP.Jar.SetCookies(u, []*http.Cookie{{Name: ck.Name, Value: ck.Value, Path: "/"}})
	return cp
}

func mustBeSignedOut(t *testing.T, who string, c *webtest.Client, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if r := c.Get(p); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/login") {
			t.Errorf("%s GET %s after sign-out: %d → %q, want 303 → /login", who, p, r.Status, r.Location)
		}
	}
}

func TestLogoutRevokesACopiedCookie(t *testing.T) {
	s := webtest.NewServer(t)
	c, _ := s.SignedIn(t, auth.RoleAdmin)
	cp := copyOf(t, s, c)
	if r := cp.Get("/settings/users"); r.Status != 200 {
		t.Fatalf("the copy does not work before sign-out: %d", r.Status)
	}
	c.Get("/")
	if r := c.Post("/logout", nil); r.Status != http.StatusSeeOther || r.Location != "/login" {
		t.Fatalf("logout: %d → %q", r.Status, r.Location)
	}
	mustBeSignedOut(t, "the copied cookie", cp, "/settings/users", "/", "/items")
	mustBeSignedOut(t, "the signed-out browser", c, "/")
}

func TestSignOutEverywhereEndsEverySessionOfTheUser(t *testing.T) {
	s := webtest.NewServer(t)
	laptop, u := s.SignedIn(t, auth.RoleStaff)
	phone := s.Client(t)
	phone.Login(u.Email, pw)
	stolen := copyOf(t, s, phone)
	other, _ := s.SignedIn(t, auth.RoleAdmin)

	page := laptop.Get("/settings/password")
	if !strings.Contains(page.Body, `action="/settings/sign-out-everywhere"`) {
		t.Fatal("the password page offers no sign-out everywhere")
	}
	r := laptop.Post("/settings/sign-out-everywhere", nil)
	if r.Status != http.StatusSeeOther || r.Location != "/login" {
		t.Fatalf("sign out everywhere: %d → %q", r.Status, r.Location)
	}
	if !strings.Contains(laptop.Get("/login").Body, "signed out everywhere") {
		t.Error("no message after signing out everywhere")
	}
	mustBeSignedOut(t, "the laptop", laptop, "/")
	mustBeSignedOut(t, "the phone", phone, "/")
	mustBeSignedOut(t, "the stolen copy", stolen, "/", "/items")
	if r := other.Get("/"); r.Status != 200 {
		t.Fatalf("another user's session ended too: %d", r.Status)
	}
	laptop.Login(u.Email, pw)
}

func TestAdminSignsAUserOutEverywhere(t *testing.T) {
	s := webtest.NewServer(t)
	admin, _ := s.SignedIn(t, auth.RoleAdmin)
	staff, staffUser := s.SignedIn(t, auth.RoleStaff)
	stolen := copyOf(t, s, staff)
	path := "/settings/users/" + strconv.FormatInt(staffUser.ID, 10) + "/sign-out"

	// Staff cannot sign others out.
	staff.Get("/")
	if r := staff.Post(path, nil); r.Status != http.StatusForbidden {
		t.Fatalf("staff signing a user out: %d, want 403", r.Status)
	}
	page := admin.Get("/settings/users")
	if !strings.Contains(page.Body, `action="`+path+`"`) {
		t.Fatal("the users page offers no sign-out for the user")
	}
	r := admin.Post(path, nil)
	if r.Status != http.StatusSeeOther || r.Location != "/settings/users" {
		t.Fatalf("sign out a user: %d → %q", r.Status, r.Location)
	}
	if body := admin.Get("/settings/users").Body; !strings.Contains(body, staffUser.Email+" is signed out everywhere (1 session ended).") {
		t.Error("no confirmation for the admin")
	}
	mustBeSignedOut(t, "the user", staff, "/")
	mustBeSignedOut(t, "the stolen copy", stolen, "/", "/items")
	if r := admin.Get("/"); r.Status != 200 {
		t.Fatalf("the admin was signed out too: %d", r.Status)
	}
	if r := admin.Post("/settings/users/999999/sign-out", nil); r.Status != http.StatusNotFound {
		t.Fatalf("unknown user: %d, want 404", r.Status)
	}
	staff.Login(staffUser.Email, pw)
}

func TestSignedInPagesAreNeverStored(t *testing.T) {
	s := webtest.NewServer(t)
	admin, _ := s.SignedIn(t, auth.RoleAdmin)
	check := func(what string, r *webtest.Response) {
		t.Helper()
		if got := r.Header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("%s (%d): Cache-Control %q, want no-store", what, r.Status, got)
		}
	}
	for _, p := range []string{"/", "/items", "/settings/users", "/settings/password", "/channels", "/no-such-page"} {
		check("GET "+p, admin.Get(p))
	}
	admin.Header.Set("HX-Request", "true")
	check("htmx GET /items", admin.Get("/items"))
	admin.Header.Del("HX-Request")
	admin.Get("/warehouses")
	check("POST /warehouses", admin.Post("/warehouses", url.Values{"name": {""}}))
	check("GET /login", s.Client(t).Get("/login"))

	// Static files keep their caching.
	if got := admin.Get("/static/css/app.css").Header.Get("Cache-Control"); strings.Contains(got, "no-store") {
		t.Errorf("static file: Cache-Control %q", got)
	}
}
