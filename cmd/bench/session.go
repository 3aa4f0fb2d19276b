package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"

	"golang.org/x/crypto/bcrypt"
)

const (
	benchEmail    = "bench@example.com"
	benchPassword = "bench password 1"
)

// addBenchUser inserts a staff user with a low-cost bcrypt hash (the cost
// lives in the hash; sign-in speed is not what these scenarios measure).
func addBenchUser(ctx context.Context, db *sql.DB) (int64, error) {
	hash, err := bcrypt.GenerateFromPassword([]byte(benchPassword), bcrypt.MinCost)
	if err != nil {
		return 0, err
	}
	var id int64
	err = db.QueryRowContext(ctx, `INSERT INTO users (email, role, password_hash) VALUES ($1, 'staff', $2) RETURNING id`,
		benchEmail, string(hash)).Scan(&id)
	return id, err
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// signIn logs in once over HTTP, as a browser would, and returns the
// session cookie for the raw load generator to send.
func signIn(base string) (string, error) {
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := hc.Get(base + "/login")
	if err != nil {
		return "", err
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := csrfField.FindSubmatch(body)
	if m == nil {
		return "", fmt.Errorf("sign in: no CSRF token on /login")
	}
	res, err = hc.PostForm(base+"/login", url.Values{"email": {benchEmail}, "password": {benchPassword}, "csrf": {string(m[1])}})
	if err != nil {
		return "", err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		return "", fmt.Errorf("sign in: status %d", res.StatusCode)
	}
	u, _ := url.Parse(base)
	for _, c := range jar.Cookies(u) {
		if c.Name == "stocksync_session" {
			return c.Name + "=" + c.Value, nil
		}
	}
	return "", fmt.Errorf("sign in: no session cookie")
}

// getRequest is a raw keep-alive GET with extra headers (such as Cookie).
func getRequest(addr, path string, headers ...string) []byte {
	var b strings.Builder
	b.WriteString("GET " + path + " HTTP/1.1\r\nHost: " + addr + "\r\nUser-Agent: stocksync-bench\r\n")
	for i := 0; i+1 < len(headers); i += 2 {
		b.WriteString(headers[i] + ": " + headers[i+1] + "\r\n")
	}
	b.WriteString("\r\n")
	return []byte(b.String())
}
