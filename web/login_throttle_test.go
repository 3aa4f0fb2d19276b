package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"stocksync/internal/auth"
	"stocksync/internal/testkit/webtest"
)

// Behind a proxy every person shares one address; a guesser there must not
// lock the others out.
func TestFailuresAtOneAccountDoNotLockOthersOutAtTheSameAddress(t *testing.T) {
	s := webtest.NewServer(t) // the default throttle
	s.CreateUser(t, "ada@example.com", auth.RoleStaff, pw)
	s.CreateUser(t, "bob@example.com", auth.RoleStaff, pw)
	now := time.Now()
	for i := 0; i < 40; i++ {
		if err := s.Store.RecordLoginFailure(t.Context(), "ada@example.com", "127.0.0.1", now.Add(-time.Duration(i)*time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	// Bob, with his password, from the same address, in a fresh browser.
	s.Client(t).Login("bob@example.com", pw)

	// The guessed-at pair is throttled, password or not.
	c := s.Client(t)
	c.Get("/login")
	if r := c.Post("/login", url.Values{"email": {"ada@example.com"}, "password": {pw}}); r.Status != http.StatusTooManyRequests {
		t.Fatalf("ada after 40 failures from this address: %d, want 429", r.Status)
	}
	// Failures at ada from elsewhere do not count against this address.
	if _, err := s.Store.DB.Exec(`UPDATE login_failures SET client_ip = '192.0.2.7'`); err != nil {
		t.Fatal(err)
	}
	c.Login("ada@example.com", pw)
}

func TestPairDelaysGrowWithEachFailure(t *testing.T) {
	var mu sync.Mutex
	now := time.Now()
	s := webtest.NewServer(t, webtest.Options{Now: func() time.Time { mu.Lock(); defer mu.Unlock(); return now }})
	s.CreateUser(t, "ada@example.com", auth.RoleStaff, pw)
	c := s.Client(t)
	c.Get("/login")
	wrong := url.Values{"email": {"ada@example.com"}, "password": {"wrong"}}
	for i := 0; i < auth.DefaultThrottle.PairFree; i++ {
		if r := c.Post("/login", wrong); r.Status != http.StatusUnauthorized {
			t.Fatalf("free attempt %d: %d", i, r.Status)
		}
	}
	var waits []int
	for i := 0; i < 4; i++ {
		r := c.Post("/login", wrong)
		if r.Status != http.StatusTooManyRequests {
			t.Fatalf("attempt right after failure %d: %d, want 429", auth.DefaultThrottle.PairFree+i, r.Status)
		}
		wait, _ := strconv.Atoi(r.Header.Get("Retry-After"))
		waits = append(waits, wait)
		mu.Lock()
		now = now.Add(time.Duration(wait) * time.Second)
		mu.Unlock()
		if r := c.Post("/login", wrong); r.Status != http.StatusUnauthorized {
			t.Fatalf("after waiting %d s: %d, want 401", wait, r.Status)
		}
	}
	for i := 1; i < len(waits); i++ {
		if waits[i] <= waits[i-1] {
			t.Fatalf("waits %v do not grow", waits)
		}
	}
}

// A browser that signed in to an account before is exempt from the
// throttle for it, until it fails itself.
func TestAKnownBrowserSignsInWhileItsAddressIsBlocked(t *testing.T) {
	th := auth.DefaultThrottle
	th.MaxPerIP = 5
	s := webtest.NewServer(t, webtest.Options{Throttle: th})
	s.CreateUser(t, "ada@example.com", auth.RoleStaff, pw)
	known := s.Client(t)
	known.Login("ada@example.com", pw)
	known.Post("/logout", nil)

	for i := 0; i < 5; i++ {
		if err := s.Store.RecordLoginFailure(t.Context(), "guess"+strconv.Itoa(i)+"@example.com", "127.0.0.1", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	fresh := s.Client(t)
	fresh.Get("/login")
	if r := fresh.Post("/login", url.Values{"email": {"ada@example.com"}, "password": {pw}}); r.Status != http.StatusTooManyRequests {
		t.Fatalf("a new browser at a blocked address: %d, want 429", r.Status)
	}
	known.Login("ada@example.com", pw)
	known.Post("/logout", nil)
	// One wrong password and the browser is like any other.
	if r := known.Post("/login", url.Values{"email": {"ada@example.com"}, "password": {"wrong"}}); r.Status != http.StatusUnauthorized {
		t.Fatalf("known browser, wrong password: %d", r.Status)
	}
	if r := known.Post("/login", url.Values{"email": {"ada@example.com"}, "password": {pw}}); r.Status != http.StatusTooManyRequests {
		t.Fatalf("known browser after a failure: %d, want 429", r.Status)
	}
}

func TestADisabledAccountAnswersAsAWrongPassword(t *testing.T) {
	s := webtest.NewServer(t)
	u := s.CreateUser(t, "ada@example.com", auth.RoleStaff, pw)
	s.CreateUser(t, "admin@example.com", auth.RoleAdmin, pw)
	if err := s.Store.SetDisabled(t.Context(), u.ID, true); err != nil {
		t.Fatal(err)
	}
	c := s.Client(t)
	c.Get("/login")
	right := c.Post("/login", url.Values{"email": {"ada@example.com"}, "password": {pw}})
	wrong := c.Post("/login", url.Values{"email": {"ada@example.com"}, "password": {"not the password"}})
	if right.Status != wrong.Status || right.Status != http.StatusUnauthorized {
		t.Fatalf("disabled with the right password: %d; with a wrong one: %d; want both 401", right.Status, wrong.Status)
	}
	strip := func(r *webtest.Response) string { return csrfValue.ReplaceAllString(r.Body, "") }
	if strip(right) != strip(wrong) {
		t.Fatalf("the pages differ: the right password on a disabled account shows %.400s", right.Body)
	}
	if strings.Contains(right.Body, "disabled") {
		t.Fatal("the page says the account is disabled")
	}
}
