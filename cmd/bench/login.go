package main

import (
	"context"
	"database/sql"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"stocksync/internal/auth"
)

// benchLogin: the sign-in page at 50 concurrent keep-alive connections, the
// server's resident memory while idle, and signing in (POST /login with the
// right password, checked against a hash of the cost the application
// stores) at 8 connections: bcrypt's cost is the point of that figure, and
// two cores do a few dozen checks a second.
func benchLogin(ctx context.Context, env *benchEnv) error {
	dbURL, err := env.newDatabase(ctx)
	if err != nil {
		return err
	}
	srv, err := env.startServer(ctx, dbURL)
	if err != nil {
		return err
	}
	defer srv.Stop()
	time.Sleep(3 * time.Second) // let start-up work (periodic jobs, GC) settle
	rss, err := srv.rssMB()
	if err != nil {
		return err
	}
	report("idle_rss_mb", rss, "MB")

	req := []byte("GET /login HTTP/1.1\r\nHost: " + srv.Addr + "\r\nUser-Agent: stocksync-bench\r\n\r\n")
	res, err := load(ctx, srv.Addr, req, 50, 2*time.Second, 8*time.Second)
	if err != nil {
		return err
	}
	report("login_rps", res.rps(), "req/s")
	report("login_p50_ms", float64(res.percentile(0.50).Microseconds())/1000, "ms")
	report("login_p99_ms", float64(res.percentile(0.99).Microseconds())/1000, "ms")

	db, err := sql.Open("postgres", dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	hash, err := auth.HashPassword(benchPassword)
	if err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO users (email, role, password_hash) VALUES ($1, 'staff', $2)`, benchEmail, hash); err != nil {
		return err
	}
	post, err := signInRequest(srv.URL, srv.Addr)
	if err != nil {
		return err
	}
	res, err = loadExpecting(ctx, srv.Addr, post, http.StatusSeeOther, 8, 2*time.Second, 8*time.Second)
	if err != nil {
		return fmt.Errorf("sign in: %w", err)
	}
	report("signin_rps", res.rps(), "req/s")
	report("signin_p99_ms", ms(res.percentile(0.99)), "ms")
	return nil
}

// signInRequest is a raw keep-alive POST /login with the right password,
// carrying the cookie and CSRF token of one visit to the sign-in page, as
// a browser's form would; each one is a full sign-in.
func signInRequest(base, addr string) ([]byte, error) {
	res, err := http.Get(base + "/login")
	if err != nil {
		return nil, err
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := csrfField.FindSubmatch(body)
	if m == nil {
		return nil, fmt.Errorf("sign in: no CSRF token on /login")
	}
	var cookies []string
	for _, c := range res.Cookies() {
		cookies = append(cookies, c.Name+"="+c.Value)
	}
	form := url.Values{"email": {benchEmail}, "password": {benchPassword}, "csrf": {html.UnescapeString(string(m[1]))}}.Encode()
	return []byte("POST /login HTTP/1.1\r\nHost: " + addr + "\r\nUser-Agent: stocksync-bench\r\n" +
		"Cookie: " + strings.Join(cookies, "; ") + "\r\nContent-Type: application/x-www-form-urlencoded\r\n" +
		"Content-Length: " + strconv.Itoa(len(form)) + "\r\n\r\n" + form), nil
}
