package web

import (
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"
)

// decodedCookies remembers what recent session cookies decoded to. Every
// request of a browser sends the same cookie until it is rewritten, and
// checking its MAC, decrypting it and gob-decoding it cost more than most
// of a page. A cookie is looked up by its exact text, which was
// authenticated when it was first decoded, so a hit can only give back what
// the codecs gave. Entries live a minute (far below the cookie's signed
// age limit) and the map is emptied when full, so it stays small.
type decodedCookies struct {
	mu      sync.Mutex
	entries map[string]decodedCookie
}

type decodedCookie struct {
	values map[string]string
	at     time.Time
}

const (
	decodedCookiesMax = 4096
	decodedCookieTTL  = time.Minute
)

// loadCookieSession is the codecs' CookieStore.New for the session cookie,
// decoding a cookie seen lately from memory. A cookie that does not decode
// starts a new session, as before.
func (a *App) loadCookieSession(r *http.Request) *sessions.Session {
	st := a.sessions
	s := sessions.NewSession(st, sessionCookie)
	opts := *st.Options
	s.Options = &opts
	s.IsNew = true
	ck, err := r.Cookie(sessionCookie)
	if err != nil {
		return s
	}
	now := time.Now()
	if vals, ok := a.decoded.get(ck.Value, now); ok {
		for k, v := range vals {
			s.Values[k] = v
		}
		s.IsNew = false
		return s
	}
	if err := securecookie.DecodeMulti(sessionCookie, ck.Value, &s.Values, st.Codecs...); err != nil {
		return s
	}
	s.IsNew = false
	a.decoded.put(ck.Value, s.Values, now)
	return s
}

func (d *decodedCookies) get(cookie string, now time.Time) (map[string]string, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	e, ok := d.entries[cookie]
	if !ok || now.Sub(e.at) > decodedCookieTTL {
		return nil, false
	}
	return e.values, true
}

// put keeps a decoded cookie whose values are all strings (session id,
// CSRF token, known device); one carrying flashes is read once anyway.
func (d *decodedCookies) put(cookie string, values map[any]any, now time.Time) {
	vals := make(map[string]string, len(values))
	for k, v := range values {
		ks, ok1 := k.(string)
		vs, ok2 := v.(string)
		if !ok1 || !ok2 {
			return
		}
		vals[ks] = vs
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.entries == nil || len(d.entries) >= decodedCookiesMax {
		d.entries = make(map[string]decodedCookie)
	}
	d.entries[cookie] = decodedCookie{values: vals, at: now}
}
