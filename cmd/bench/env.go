package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/lib/pq"
)

// benchEnv holds the built binary and makes databases and servers.
type benchEnv struct {
	dir      string
	bin      string
	adminURL string
	dbs      []string
	settle   *settleSeedTemplate // see settle_seed.go
}

func newBenchEnv(ctx context.Context) (*benchEnv, error) {
	dir, err := os.MkdirTemp("", "stocksync-bench-")
	if err != nil {
		return nil, err
	}
	e := &benchEnv{dir: dir, bin: filepath.Join(dir, "stocksync"), adminURL: os.Getenv("STOCKSYNC_TEST_DATABASE_URL")}
	if e.adminURL == "" {
		e.adminURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	}
	out, err := exec.CommandContext(ctx, "go", "build", "-o", e.bin, "./cmd/stocksync").CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("build: %v: %s", err, out)
	}
	return e, nil
}

func (e *benchEnv) Close() {
	e.dropDatabases()
	e.dropSettleSeed()
	os.RemoveAll(e.dir)
}

// dropDatabases drops the databases made so far, unless BENCH_KEEP_DB asks
// to keep them.
func (e *benchEnv) dropDatabases() {
	if len(e.dbs) == 0 {
		return
	}
	if os.Getenv("BENCH_KEEP_DB") != "" {
		log.Printf("keeping databases %v (BENCH_KEEP_DB)", e.dbs)
		e.dbs = nil
		return
	}
	for _, name := range e.dbs {
		e.dropDatabase(name)
	}
	e.dbs = nil
}

func (e *benchEnv) dropDatabase(name string) {
	_ = e.adminExec(context.Background(), `DROP DATABASE IF EXISTS `+pq.QuoteIdentifier(name)+` WITH (FORCE)`)
}

// adminExec runs one statement on the server's admin database.
func (e *benchEnv) adminExec(ctx context.Context, q string) error {
	db, err := sql.Open("postgres", e.adminURL)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, q)
	return err
}

// newDatabase creates an empty database and migrates it with the binary.
func (e *benchEnv) newDatabase(ctx context.Context) (string, error) {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	name := "stocksync_bench_" + hex.EncodeToString(b)
	db, err := sql.Open("postgres", e.adminURL)
	if err != nil {
		return "", err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `CREATE DATABASE `+pq.QuoteIdentifier(name)); err != nil {
		return "", fmt.Errorf("PostgreSQL at 127.0.0.1:5432 (or STOCKSYNC_TEST_DATABASE_URL) must answer: %w", err)
	}
	e.dbs = append(e.dbs, name)
	u, _ := url.Parse(e.adminURL)
	u.Path = "/" + name
	dbURL := u.String()
	cmd := exec.CommandContext(ctx, e.bin, "migrate")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("migrate: %v: %s", err, out)
	}
	return dbURL, nil
}

type server struct {
	URL  string
	Addr string
	cmd  *exec.Cmd
}

// startServer runs `stocksync serve` as its own process, so its memory can
// be read from /proc, and waits until it answers.
func (e *benchEnv) startServer(ctx context.Context, dbURL string, extraEnv ...string) (*server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	wd, _ := os.Getwd()
	cmd := exec.CommandContext(ctx, e.bin, "serve")
	cmd.Env = append(os.Environ(),
		"DATABASE_URL="+dbURL,
		"STOCKSYNC_ADDR="+addr,
		"STOCKSYNC_SESSION_KEY="+strings.Repeat("ab", 32),
		"STOCKSYNC_SECRET_KEY="+strings.Repeat("cd", 32),
		"STOCKSYNC_STATIC_DIR="+filepath.Join(wd, "static"),
	)
	cmd.Env = append(cmd.Env, extraEnv...)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{URL: "http://" + addr, Addr: addr, cmd: cmd}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if res, err := http.Get(s.URL + "/healthz"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return s, nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.Stop()
	return nil, fmt.Errorf("server did not answer /healthz within 20 s")
}

func (s *server) Stop() {
	_ = s.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		_ = s.cmd.Process.Kill()
	}
}

// rssMB reads the resident set size of the server process.
func (s *server) rssMB() (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			var kb float64
			fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(line, "VmRSS:")), "%f", &kb)
			return kb / 1024, nil
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc status")
}

// startSignedIn starts the server on dbURL and signs the bench user in,
// returning the session cookie; the caller stops the server.
func (e *benchEnv) startSignedIn(ctx context.Context, dbURL string, extraEnv ...string) (*server, string, error) {
	srv, err := e.startServer(ctx, dbURL, extraEnv...)
	if err != nil {
		return nil, "", err
	}
	cookie, err := signIn(srv.URL)
	if err != nil {
		srv.Stop()
		return nil, "", err
	}
	return srv, cookie, nil
}

// newDatabaseWithUser is newDatabase opened, with the bench user added.
func (e *benchEnv) newDatabaseWithUser(ctx context.Context) (string, *sql.DB, int64, error) {
	dbURL, err := e.newDatabase(ctx)
	if err != nil {
		return "", nil, 0, err
	}
	db, err := sql.Open("postgres", dbURL)
	if err != nil {
		return "", nil, 0, err
	}
	userID, err := addBenchUser(ctx, db)
	if err != nil {
		db.Close()
		return "", nil, 0, err
	}
	return dbURL, db, userID, nil
}
