package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"stocksync/internal/auth"
	"stocksync/internal/testkit/webtest"
)

const pw = "correct horse battery"

func TestLoginSucceedsAndLandsOnDashboard(t *testing.T) {
	s := webtest.NewServer(t)
	s.CreateUser(t, "ada@example.com", auth.RoleStaff, pw)
	c := s.Client(t)
	c.Get("/login")
	r := c.Post("/login", url.Values{"email": {"  Ada@Example.com "}, "password": {pw}})
	if r.Status != http.StatusSeeOther || r.Location != "/" {
		t.Fatalf("login: %d → %q, want 303 → /", r.Status, r.Location)
	}
	home := c.Get("/")
	if home.Status != 200 || !strings.Contains(home.Body, "ada@example.com") || !strings.Contains(home.Body, `data-testid="greeting"`) {
		t.Fatalf("dashboard after login: %d %.400s", home.Status, home.Body)
	}
	u, err := s.Store.UserByEmail(t.Context(), "ada@example.com")
	if err != nil || u.LastLoginAt == nil {
		t.Fatalf("last login not recorded: %+v %v", u, err)
	}
}

var csrfValue = regexp.MustCompile(`name="csrf" value="[^"]*"`)

func TestLoginFailureDoesNotRevealWhichEmailsExist(t *testing.T) {
	s := webtest.NewServer(t)
	s.CreateUser(t, "ada@example.com", auth.RoleStaff, pw)
	c := s.Client(t)
	c.Get("/login")
	wrongPassword := c.Post("/login", url.Values{"email": {"ada@example.com"}, "password": {"not the password"}})
	unknownEmail := c.Post("/login", url.Values{"email": {"ada@example.com"[1:]}, "password": {"not the password"}})
	for _, r := range []*webtest.Response{wrongPassword, unknownEmail} {
		if r.Status != http.StatusUnauthorized || !strings.Contains(r.Body, "E-mail or password is incorrect.") {
			t.Fatalf("failed login: %d %.300s", r.Status, r.Body)
		}
	}
	// The pages differ only in the echoed e-mail and the token.
	norm := func(r *webtest.Response, email string) string {
		return csrfValue.ReplaceAllString(strings.ReplaceAll(r.Body, email, "EMAIL"), "")
	}
	if norm(wrongPassword, "ada@example.com") != norm(unknownEmail, "da@example.com") {
		t.Fatal("the pages for a wrong password and an unknown e-mail differ")
	}
	if home := c.Get("/"); home.Status != http.StatusSeeOther {
		t.Fatalf("not signed in after failures, yet / answered %d", home.Status)
	}
}

func TestLoginFormErrorsBesideFields(t *testing.T) {
	s := webtest.NewServer(t)
	c := s.Client(t)
	c.Get("/login")
	r := c.Post("/login", url.Values{"email": {"not-an-address"}, "password": {""}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422", r.Status)
	}
	for _, want := range []string{`id="f-email-msg"`, `id="f-password-msg"`, "Enter your password.", `value="not-an-address"`} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("form re-render lacks %q", want)
		}
	}
}

func TestLogoutEndsTheSession(t *testing.T) {
	s := webtest.NewServer(t)
	c, _ := s.SignedIn(t, auth.RoleStaff)
	c.Get("/")
	r := c.Post("/logout", nil)
	if r.Status != http.StatusSeeOther || r.Location != "/login" {
		t.Fatalf("logout: %d → %q", r.Status, r.Location)
	}
	if !strings.Contains(c.Get("/login").Body, "You have signed out.") {
		t.Error("no sign-out message")
	}
	if r := c.Get("/"); r.Status != http.StatusSeeOther {
		t.Fatalf("after logout / answered %d, want 303 to /login", r.Status)
	}
}

func TestProtectedPagesRedirectToLoginWithNext(t *testing.T) {
	s := webtest.NewServer(t)
	s.CreateUser(t, "ada@example.com", auth.RoleAdmin, pw)
	c := s.Client(t)
	for path, want := range map[string]string{
		"/":                      "/login",
		"/settings/users?page=2": "/login?next=%2Fsettings%2Fusers%3Fpage%3D2",
		"/items":                 "/login?next=%2Fitems",
	} {
		if r := c.Get(path); r.Status != http.StatusSeeOther || r.Location != want {
			t.Errorf("GET %s: %d → %q, want 303 → %q", path, r.Status, r.Location, want)
		}
	}
	// htmx requests are sent to the login page with HX-Redirect.
	c.Header.Set("HX-Request", "true")
	if r := c.Get("/settings/users"); r.Status != http.StatusUnauthorized || r.Header.Get("HX-Redirect") == "" {
		t.Errorf("htmx request: %d, HX-Redirect %q", r.Status, r.Header.Get("HX-Redirect"))
	}
	c.Header.Del("HX-Request")
	// Signing in from the redirect lands on the page asked for.
	c.Get("/login?next=%2Fsettings%2Fusers%3Fpage%3D2")
	r := c.Post("/login", url.Values{"email": {"ada@example.com"}, "password": {pw}, "next": {"/settings/users?page=2"}})
	if r.Location != "/settings/users?page=2" {
		t.Fatalf("after login went to %q", r.Location)
	}
	// Public paths need no session; webhooks are not redirected to sign-in.
	if r := s.Client(t).PostRaw("/webhooks/shopify/1", nil); r.Status != http.StatusNotFound {
		t.Errorf("POST /webhooks/shopify/1: %d, want 404 without a session", r.Status)
	}
	if r := s.Client(t).Get("/healthz"); r.Status != 200 {
		t.Errorf("/healthz: %d", r.Status)
	}
	if r := s.Client(t).Get("/static/css/app.css"); r.Status != 200 {
		t.Errorf("/static/css/app.css: %d", r.Status)
	}
}

func TestNextIsOnlyFollowedToLocalPaths(t *testing.T) {
	s := webtest.NewServer(t)
	s.CreateUser(t, "ada@example.com", auth.RoleStaff, pw)
	for next, want := range map[string]string{
		"//evil.example/x":          "/",
		"https://evil.example/":     "/",
		"/\\evil.example":           "/",
		"javascript:alert(1)":       "/",
		"/login":                    "/",
		"/sales-orders?status=open": "/sales-orders?status=open",
	} {
		c := s.Client(t)
		c.Get("/login")
		r := c.Post("/login", url.Values{"email": {"ada@example.com"}, "password": {pw}, "next": {next}})
		if r.Location != want {
			t.Errorf("next=%q: redirected to %q, want %q", next, r.Location, want)
		}
	}
}

func TestUnsafeRequestsNeedTheCSRFToken(t *testing.T) {
	s := webtest.NewServer(t)
	s.CreateUser(t, "ada@example.com", auth.RoleStaff, pw)
	anon := s.Client(t)
	anon.Get("/login")
	if r := anon.PostRaw("/login", url.Values{"email": {"ada@example.com"}, "password": {pw}}); r.Status != http.StatusForbidden {
		t.Fatalf("login without token: %d, want 403", r.Status)
	}
	if r := anon.PostRaw("/login", url.Values{"email": {"ada@example.com"}, "password": {pw}, "csrf": {"forged"}}); r.Status != http.StatusForbidden {
		t.Fatalf("login with a forged token: %d, want 403", r.Status)
	}
	c, _ := s.SignedIn(t, auth.RoleStaff)
	c.Get("/")
	if r := c.PostRaw("/logout", nil); r.Status != http.StatusForbidden || !strings.Contains(r.Body, "This form has expired.") {
		t.Fatalf("logout without token: %d", r.Status)
	}
	if r := c.Get("/"); r.Status != 200 {
		t.Fatalf("a refused logout still signed out: %d", r.Status)
	}
	// The header htmx sends is accepted in place of the field.
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/logout", nil)
	req.Header.Set("X-CSRF-Token", c.CSRF)
	if r := c.Do(req); r.Status != http.StatusSeeOther {
		t.Fatalf("logout with X-CSRF-Token: %d, want 303", r.Status)
	}
}

func TestSessionCookieFlags(t *testing.T) {
	s := webtest.NewServer(t)
	c := s.Client(t)
	r := c.Get("/login")
	set := r.Header.Get("Set-Cookie")
	for _, want := range []string{"stocksync_session=", "HttpOnly", "SameSite=Lax", "Path=/"} {
		if !strings.Contains(set, want) {
			t.Errorf("Set-Cookie %q lacks %s", set, want)
		}
	}
	if strings.Contains(set, "Secure") {
		t.Errorf("cookie marked Secure over plain HTTP: %q", set)
	}
	if r.Header.Get("Content-Security-Policy") == "" || r.Header.Get("X-Frame-Options") != "DENY" {
		t.Error("security headers missing")
	}
}

func TestSessionCookieIsSecureBehindTLS(t *testing.T) {
	s := webtest.NewTLSServer(t)
	c := s.Client(t)
	r := c.Get("/login")
	if set := r.Header.Get("Set-Cookie"); !strings.Contains(set, "Secure") {
		t.Errorf("cookie over TLS is not Secure: %q", set)
	}
	if r.Header.Get("Strict-Transport-Security") == "" {
		t.Error("no HSTS over TLS")
	}
}

func TestLoginThrottlePerAccountAndAddressThenLifts(t *testing.T) {
	var mu sync.Mutex
	now := time.Now()
	s := webtest.NewServer(t, webtest.Options{
		Throttle: auth.Throttle{PairWindow: time.Hour, PairFree: 3, PairDelay: 15 * time.Minute, PairMaxDelay: 15 * time.Minute,
			Window: 15 * time.Minute, MaxPerIP: 100},
		Now: func() time.Time { mu.Lock(); defer mu.Unlock(); return now },
	})
	s.CreateUser(t, "ada@example.com", auth.RoleStaff, pw)
	c := s.Client(t)
	c.Get("/login")
	for i := 0; i < 3; i++ {
		if r := c.Post("/login", url.Values{"email": {"ada@example.com"}, "password": {"wrong"}}); r.Status != 401 {
			t.Fatalf("attempt %d: %d", i, r.Status)
		}
	}
	r := c.Post("/login", url.Values{"email": {"ada@example.com"}, "password": {pw}})
	if r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" || !strings.Contains(r.Body, "Too many failed sign-in attempts. Try again in 15 minutes") {
		t.Fatalf("4th attempt: %d Retry-After=%q %.300s", r.Status, r.Header.Get("Retry-After"), r.Body)
	}
	// Another e-mail from the same address is not blocked by this one.
	s.CreateUser(t, "bob@example.com", auth.RoleStaff, pw)
	other := s.Client(t)
	other.Login("bob@example.com", pw)

	mu.Lock()
	now = now.Add(16 * time.Minute)
	mu.Unlock()
	if r := c.Post("/login", url.Values{"email": {"ada@example.com"}, "password": {pw}}); r.Status != http.StatusSeeOther {
		t.Fatalf("after the delay: %d", r.Status)
	}
}

func TestLoginThrottlePerClientAddress(t *testing.T) {
	th := auth.DefaultThrottle
	th.MaxPerIP = 4
	s := webtest.NewServer(t, webtest.Options{Throttle: th})
	s.CreateUser(t, "ada@example.com", auth.RoleStaff, pw)
	c := s.Client(t)
	c.Get("/login")
	for i := 0; i < 4; i++ {
		c.Post("/login", url.Values{"email": {"nobody" + string(rune('a'+i)) + "@example.com"}, "password": {"wrong"}})
	}
	if r := c.Post("/login", url.Values{"email": {"ada@example.com"}, "password": {pw}}); r.Status != http.StatusTooManyRequests {
		t.Fatalf("after 4 failures from one address: %d, want 429", r.Status)
	}
}

func TestIdleSessionExpires(t *testing.T) {
	var mu sync.Mutex
	now := time.Now()
	s := webtest.NewServer(t, webtest.Options{Now: func() time.Time { mu.Lock(); defer mu.Unlock(); return now }})
	c, _ := s.SignedIn(t, auth.RoleStaff)
	mu.Lock()
	now = now.Add(7 * time.Hour)
	mu.Unlock()
	if r := c.Get("/"); r.Status != 200 {
		t.Fatalf("after 7 h idle: %d, want 200", r.Status)
	}
	mu.Lock()
	now = now.Add(8*time.Hour + time.Minute)
	mu.Unlock()
	if r := c.Get("/"); r.Status != http.StatusSeeOther {
		t.Fatalf("after 8 h idle: %d, want 303 to /login", r.Status)
	}
	if !strings.Contains(c.Get("/login").Body, "Your session expired") {
		t.Error("no expiry message")
	}
}

func TestHealthzAndNotFound(t *testing.T) {
	s := webtest.NewServer(t)
	if r := s.Client(t).Get("/healthz"); r.Status != 200 || r.Body != "ok\n" {
		t.Fatalf("healthz: %d %q", r.Status, r.Body)
	}
	c, _ := s.SignedIn(t, auth.RoleStaff)
	r := c.Get("/no-such-page")
	if r.Status != 404 || !strings.Contains(r.Body, "Page not found.") || !strings.Contains(r.Body, "Sign out") {
		t.Fatalf("404: %d %.300s", r.Status, r.Body)
	}
}
