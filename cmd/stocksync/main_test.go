package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"stocksync/internal/auth"
	"stocksync/internal/store"
	"stocksync/internal/testkit/testdb"
)

func init() { auth.BcryptCost = bcrypt.MinCost }

func env(vals map[string]string) func(string) string {
	return func(k string) string { return vals[k] }
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func serveEnv(t *testing.T, dbURL string) map[string]string {
	return map[string]string{
		"DATABASE_URL":          dbURL,
		"STOCKSYNC_ADDR":        freeAddr(t),
		"STOCKSYNC_SESSION_KEY": strings.Repeat("ab", 32),
		"STOCKSYNC_SECRET_KEY":  strings.Repeat("cd", 32),
	}
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func TestServeRefusesPendingMigrationsUnlessAsked(t *testing.T) {
	vals := serveEnv(t, testdb.EmptyURL(t))
	err := run(t.Context(), []string{"serve"}, env(vals), nil, io.Discard, quiet)
	if err == nil || !strings.Contains(err.Error(), "pending migrations") || !strings.Contains(err.Error(), "--migrate") {
		t.Fatalf("serve on an unmigrated database: %v", err)
	}

	// With --migrate it migrates, serves, answers health, and stops cleanly.
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve", "--migrate"}, env(vals), nil, io.Discard, quiet) }()
	base := "http://" + vals["STOCKSYNC_ADDR"]
	var res *http.Response
	for i := 0; i < 200; i++ {
		if res, err = http.Get(base + "/healthz"); err == nil {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("serve --migrate stopped: %v", err)
		case <-time.After(50 * time.Millisecond):
		}
	}
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", res, err)
	}
	res.Body.Close()
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if r, err := noRedirect.Get(base + "/"); err != nil || r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/login" {
		t.Fatalf("GET /: %v %v", r, err)
	}
	if r, err := http.PostForm(base+"/login", nil); err != nil || r.StatusCode != http.StatusForbidden {
		t.Fatalf("POST /login without a token: %v %v", r, err)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("graceful shutdown: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop after the signal")
	}
	// Migrated now: a plain serve would start.
	st, err := store.Open(t.Context(), vals["DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if pending, err := st.PendingMigrations(t.Context()); err != nil || pending {
		t.Fatalf("still pending after --migrate: %v %v", pending, err)
	}
}

func TestMissingConfigurationNamesTheVariable(t *testing.T) {
	dbURL := testdb.URL(t)
	for name, want := range map[string]string{
		"DATABASE_URL":          "DATABASE_URL is not set",
		"STOCKSYNC_SESSION_KEY": "STOCKSYNC_SESSION_KEY is not set",
		"STOCKSYNC_SECRET_KEY":  "STOCKSYNC_SECRET_KEY is not set",
	} {
		vals := serveEnv(t, dbURL)
		delete(vals, name)
		err := run(t.Context(), []string{"serve"}, env(vals), nil, io.Discard, quiet)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("without %s: %v", name, err)
		}
	}
	vals := serveEnv(t, dbURL)
	vals["STOCKSYNC_SECRET_KEY"] = "too-short"
	if err := run(t.Context(), []string{"serve"}, env(vals), nil, io.Discard, quiet); err == nil || !strings.Contains(err.Error(), "STOCKSYNC_SECRET_KEY must be 32 random bytes") {
		t.Errorf("bad key: %v", err)
	}
}

func TestUserAdd(t *testing.T) {
	dbURL := testdb.URL(t)
	vals := map[string]string{"DATABASE_URL": dbURL}
	var out bytes.Buffer
	args := []string{"user", "add", "--email", "Boss@Example.com", "--role", "admin", "--password-stdin"}
	if err := run(t.Context(), args, env(vals), strings.NewReader("a long secret pass\n"), &out, quiet); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "added user boss@example.com (admin)") {
		t.Errorf("output %q", out.String())
	}
	st, err := store.Open(t.Context(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	u, err := st.UserByEmail(t.Context(), "boss@example.com")
	if err != nil || u.Role != auth.RoleAdmin || !auth.VerifyPassword(u.PasswordHash, "a long secret pass") {
		t.Fatalf("user not stored right: %+v %v", u, err)
	}
	for _, tc := range []struct {
		args  []string
		stdin string
		want  string
	}{
		{args, "a long secret pass\n", "already exists"},
		{[]string{"user", "add", "--email", "x@example.com", "--role", "owner", "--password-stdin"}, "a long secret pass\n", "role must be admin or staff"},
		{[]string{"user", "add", "--email", "x@example.com", "--role", "staff", "--password-stdin"}, "short\n", "at least 10 characters"},
		{[]string{"user", "add", "--email", "not an address", "--password-stdin"}, "a long secret pass\n", "--email"},
		{[]string{"user", "add", "--email", "x@example.com"}, "", "--password-stdin"},
	} {
		err := run(t.Context(), tc.args, env(vals), strings.NewReader(tc.stdin), io.Discard, quiet)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want %q", tc.args, err, tc.want)
		}
	}
	if n, _ := st.CountUsers(t.Context()); n != 1 {
		t.Errorf("%d users after refused adds, want 1", n)
	}
}
