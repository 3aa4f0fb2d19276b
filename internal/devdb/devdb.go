// Package devdb finds or starts a PostgreSQL for `make run` when no
// DATABASE_URL is given, and keeps generated development keys, so a
// newcomer needs nothing but the repository.
package devdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/lib/pq"
)

const dbName = "stocksync"

// Resolve returns a database URL: the local server on 127.0.0.1:5432 when it
// answers (creating the database if missing), else a private cluster under
// dataDir started from the installed PostgreSQL binaries. stop ends a cluster
// it started (a no-op otherwise).
func Resolve(ctx context.Context, dataDir string, log *slog.Logger) (url string, stop func(), err error) {
	noop := func() {}
	for _, u := range localUsers() {
		base := fmt.Sprintf("postgres://%s@127.0.0.1:5432/%%s?sslmode=disable&connect_timeout=3", u)
		if err := ensureDatabase(ctx, fmt.Sprintf(base, "postgres")); err == nil {
			log.Info("using the local PostgreSQL on 127.0.0.1:5432", "user", u, "database", dbName)
			return fmt.Sprintf(base, dbName), noop, nil
		}
	}
	bin, err := findBinaries()
	if err != nil {
		return "", noop, err
	}
	if os.Geteuid() == 0 {
		return "", noop, errors.New("devdb: no PostgreSQL answers on 127.0.0.1:5432 and a private one cannot be started as root: start the system PostgreSQL (pg_ctlcluster <version> main start) or set DATABASE_URL")
	}
	return startPrivate(ctx, bin, dataDir, log)
}

func localUsers() []string {
	users := []string{}
	if u := os.Getenv("PGUSER"); u != "" {
		users = append(users, u)
	}
	if u, err := user.Current(); err == nil {
		users = append(users, u.Username)
	}
	return append(users, "postgres")
}

// ensureDatabase connects to the maintenance database and creates ours.
func ensureDatabase(ctx context.Context, adminURL string) error {
	db, err := sql.Open("postgres", adminURL)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	var exists bool
	if err := db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, dbName).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return nil
	}
	_, err = db.ExecContext(ctx, `CREATE DATABASE `+pq.QuoteIdentifier(dbName))
	var pqErr *pq.Error
	if errors.As(err, &pqErr) && pqErr.Code == "42P04" { // created meanwhile
		return nil
	}
	return err
}

func findBinaries() (string, error) {
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		return filepath.Dir(p), nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return versionOf(dirs[i]) > versionOf(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "pg_ctl")); err == nil {
			return d, nil
		}
	}
	return "", errors.New("devdb: no PostgreSQL found: install it (apt-get install postgresql) and start it, or set DATABASE_URL to a PostgreSQL database")
}

func versionOf(binDir string) int {
	var v int
	fmt.Sscanf(filepath.Base(filepath.Dir(binDir)), "%d", &v)
	return v
}

func startPrivate(ctx context.Context, bin, dataDir string, log *slog.Logger) (string, func(), error) {
	abs, err := filepath.Abs(dataDir)
	if err != nil {
		return "", func() {}, err
	}
	pgdata, sock := filepath.Join(abs, "pg"), filepath.Join(abs, "sock")
	if err := os.MkdirAll(sock, 0o700); err != nil {
		return "", func() {}, fmt.Errorf("devdb: %w", err)
	}
	if _, err := os.Stat(filepath.Join(pgdata, "PG_VERSION")); err != nil {
		log.Info("creating a private PostgreSQL cluster", "dir", pgdata)
		out, err := exec.CommandContext(ctx, filepath.Join(bin, "initdb"), "-D", pgdata, "-U", "stocksync", "--auth=trust", "-E", "UTF8", "--no-instructions").CombinedOutput()
		if err != nil {
			return "", func() {}, fmt.Errorf("devdb: initdb failed: %v: %s", err, strings.TrimSpace(string(out)))
		}
	}
	opts := fmt.Sprintf("-k %s -c listen_addresses='' -c fsync=off", sock)
	out, err := exec.CommandContext(ctx, filepath.Join(bin, "pg_ctl"), "-D", pgdata, "-o", opts, "-l", filepath.Join(abs, "pg.log"), "-w", "start").CombinedOutput()
	if err != nil && !strings.Contains(string(out), "already running") {
		return "", func() {}, fmt.Errorf("devdb: starting PostgreSQL failed (see %s): %s", filepath.Join(abs, "pg.log"), strings.TrimSpace(string(out)))
	}
	log.Info("started a private PostgreSQL", "socket", sock)
	stop := func() {
		_ = exec.Command(filepath.Join(bin, "pg_ctl"), "-D", pgdata, "-m", "fast", "stop").Run()
	}
	base := "postgres://stocksync@/%s?host=" + sock + "&sslmode=disable"
	if err := ensureDatabase(ctx, fmt.Sprintf(base, "postgres")); err != nil {
		stop()
		return "", func() {}, fmt.Errorf("devdb: create database: %w", err)
	}
	return fmt.Sprintf(base, dbName), stop, nil
}

// Keys returns the development session and secret keys kept in
// dataDir/keys.env, generating them on first use.
func Keys(dataDir string, log *slog.Logger) (session, secret string, err error) {
	path := filepath.Join(dataDir, "keys.env")
	if b, err := os.ReadFile(path); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			k, v, _ := strings.Cut(strings.TrimSpace(line), "=")
			switch k {
			case "STOCKSYNC_SESSION_KEY":
				session = v
			case "STOCKSYNC_SECRET_KEY":
				secret = v
			}
		}
		if session != "" && secret != "" {
			return session, secret, nil
		}
	}
	session, secret = randomHex(), randomHex()
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return "", "", fmt.Errorf("devdb: %w", err)
	}
	body := "STOCKSYNC_SESSION_KEY=" + session + "\nSTOCKSYNC_SECRET_KEY=" + secret + "\n"
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		return "", "", fmt.Errorf("devdb: %w", err)
	}
	log.Info("generated development keys; production sets STOCKSYNC_SESSION_KEY and STOCKSYNC_SECRET_KEY itself", "file", path)
	return session, secret, nil
}

func randomHex() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}
