package web

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"stocksync/internal/config"
)

const (
	sessionCookie = "stocksync_session"
	keySession    = "session"
	keyUser       = "user"

	// valSession names the user_sessions row that makes the cookie good.
	valSession = "sid"
	valCSRF    = "csrf"
	// valKnown is the e-mail this browser last signed in with: a known
	// device, exempt from the sign-in throttle for that account.
	valKnown = "known"
)

func newSessionStore(key []byte) *sessions.CookieStore {
	st := sessions.NewCookieStore(config.DeriveKey(key, "session-hmac"), config.DeriveKey(key, "session-aes"))
	// The cookie lives for the browser session; validity and idle expiry
	// come from its row in user_sessions, and this bounds how long a cookie
	// unused by the server (never rewritten) is even decoded.
	st.MaxAge(0)
	for _, codec := range st.Codecs {
		if sc, ok := codec.(*securecookie.SecureCookie); ok {
			sc.MaxAge(7 * 24 * 3600)
		}
	}
	return st
}

func session(c echo.Context) *sessions.Session {
	s, _ := c.Get(keySession).(*sessions.Session)
	return s
}

// saveSession writes the cookie, replacing one written earlier in the same
// request so the browser never sees two versions.
func (a *App) saveSession(c echo.Context, s *sessions.Session) error {
	h := c.Response().Header()
	if prev := h.Values("Set-Cookie"); len(prev) > 0 {
		kept := prev[:0:0]
		for _, v := range prev {
			if !strings.HasPrefix(v, sessionCookie+"=") {
				kept = append(kept, v)
			}
		}
		h.Del("Set-Cookie")
		for _, v := range kept {
			h.Add("Set-Cookie", v)
		}
	}
	s.Options = &sessions.Options{
		Path:     "/",
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
		Secure:   a.isTLS(c),
		MaxAge:   s.Options.MaxAge,
	}
	return s.Save(c.Request(), c.Response())
}

func (a *App) isTLS(c echo.Context) bool {
	if c.Request().TLS != nil {
		return true
	}
	return a.cfg.TrustProxy && strings.EqualFold(c.Request().Header.Get("X-Forwarded-Proto"), "https")
}

func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("web: no randomness: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// resetSession starts the cookie afresh with a new CSRF token: nothing from
// before (session id, token, flashes) survives but the known-device mark.
func resetSession(s *sessions.Session) {
	known := s.Values[valKnown]
	for k := range s.Values {
		delete(s.Values, k)
	}
	if known != nil {
		s.Values[valKnown] = known
	}
	s.Values[valCSRF] = randomToken()
}

func sessionID(c echo.Context) string {
	if s := session(c); s != nil {
		id, _ := s.Values[valSession].(string)
		return id
	}
	return ""
}

func csrfToken(c echo.Context) string {
	if s := session(c); s != nil {
		t, _ := s.Values[valCSRF].(string)
		return t
	}
	return ""
}

// addFlash queues a message for the next page this browser renders.
func addFlash(c echo.Context, kind, message string) {
	if s := session(c); s != nil {
		s.AddFlash(kind + "|" + message)
	}
}
