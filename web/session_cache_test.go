package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/securecookie"
)

func cookieRequest(value string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/items", nil)
	r.AddCookie(&http.Cookie{Name: sessionCookie, Value: value})
	return r
}

func encodeSession(t *testing.T, a *App, values map[any]any) string {
	t.Helper()
	v, err := securecookie.EncodeMulti(sessionCookie, values, a.sessions.Codecs...)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestDecodedCookiesGiveTheCodecsValuesAndNothingElse(t *testing.T) {
	a := &App{sessions: newSessionStore([]byte(strings.Repeat("k", 32)))}
	plain := encodeSession(t, a, map[any]any{valSession: "sid-1", valCSRF: "token-1"})
	for i := range 2 {
		s := a.loadCookieSession(cookieRequest(plain))
		if s.IsNew || s.Values[valSession] != "sid-1" || s.Values[valCSRF] != "token-1" || len(s.Values) != 2 {
			t.Fatalf("read %d: new %v, values %v", i, s.IsNew, s.Values)
		}
		// A handler changing its session must not change what the next
		// request with the same cookie reads.
		s.Values[valSession] = "changed"
		s.AddFlash("info|hello")
	}
	if _, ok := a.decoded.get(plain, time.Now()); !ok {
		t.Error("a cookie of strings is not kept")
	}
	if _, ok := a.decoded.get(plain, time.Now().Add(decodedCookieTTL+time.Second)); ok {
		t.Error("a kept cookie outlives its minute")
	}

	flashed := encodeSession(t, a, map[any]any{valSession: "sid-2", "_flash": []any{"info|saved"}})
	if s := a.loadCookieSession(cookieRequest(flashed)); len(s.Flashes()) != 1 {
		t.Fatal("the flash is not read")
	}
	if _, ok := a.decoded.get(flashed, time.Now()); ok {
		t.Error("a cookie carrying a flash is kept, and would show the flash again")
	}

	tampered := plain[:len(plain)-2] + "xx"
	if s := a.loadCookieSession(cookieRequest(tampered)); !s.IsNew || len(s.Values) != 0 {
		t.Errorf("a tampered cookie decodes: new %v, values %v", s.IsNew, s.Values)
	}
	other := &App{sessions: newSessionStore([]byte(strings.Repeat("o", 32)))}
	if s := other.loadCookieSession(cookieRequest(plain)); !s.IsNew {
		t.Error("a cookie signed with another key decodes")
	}
}
