package web_test

import (
	"net/http"
	"strings"
	"testing"

	"stocksync/internal/auth"
	"stocksync/internal/testkit/webtest"
)

// Browsers ask for /favicon.ico on their own, signed in or not; every page
// links the icon it has.
func TestFaviconAnswersWithoutSignIn(t *testing.T) {
	s := webtest.NewServer(t)
	anon := s.Client(t)
	for _, path := range []string{"/favicon.ico", "/static/favicon.svg"} {
		r := anon.Get(path)
		if r.Status != http.StatusOK || r.Body == "" {
			t.Errorf("%s: %d, %d bytes", path, r.Status, len(r.Body))
		}
	}
	if r := anon.Get("/favicon.ico"); !strings.HasPrefix(r.Header.Get("Content-Type"), "image/") {
		t.Errorf("/favicon.ico is %q", r.Header.Get("Content-Type"))
	}
	if r := anon.Get("/login"); !strings.Contains(r.Body, `rel="icon" href="/static/favicon.svg"`) {
		t.Error("the sign-in page links no icon")
	}
	c, _ := s.SignedIn(t, auth.RoleStaff)
	if r := c.Get("/items"); !strings.Contains(r.Body, `rel="icon" href="/static/favicon.svg"`) {
		t.Error("the items page links no icon")
	}
}
