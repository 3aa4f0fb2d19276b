// Package testdb gives each test a fresh PostgreSQL database cloned from a
// template migrated once (per migration set), and drops it afterwards.
package testdb

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/lib/pq"

	"stocksync/internal/store"
	"stocksync/migrations"
)

const defaultAdminURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// AdminURL is the maintenance database tests create databases from;
// STOCKSYNC_TEST_DATABASE_URL overrides it.
func AdminURL() string {
	if u := os.Getenv("STOCKSYNC_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return defaultAdminURL
}

var (
	templateOnce sync.Once
	templateName string
	templateErr  error
)

// New returns a store on a brand-new migrated database for this test.
func New(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), URL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// URL creates a fresh migrated database for this test and returns its URL.
func URL(t testing.TB) string {
	t.Helper()
	templateOnce.Do(func() { templateName, templateErr = ensureTemplate() })
	if templateErr != nil {
		t.Fatalf("testdb: %v", templateErr)
	}
	return create(t, templateName)
}

// EmptyURL creates a fresh database with no migrations applied.
func EmptyURL(t testing.TB) string {
	t.Helper()
	return create(t, "template0")
}

func create(t testing.TB, template string) string {
	t.Helper()
	admin, err := openAdmin()
	if err != nil {
		t.Fatalf("testdb: %v", err)
	}
	defer admin.Close()
	name := "stocksync_t_" + randomSuffix()
	if _, err := admin.Exec(`CREATE DATABASE ` + pq.QuoteIdentifier(name) + ` TEMPLATE ` + pq.QuoteIdentifier(template)); err != nil {
		t.Fatalf("testdb: create database: %v", err)
	}
	t.Cleanup(func() {
		a, err := openAdmin()
		if err != nil {
			t.Errorf("testdb: drop %s: %v", name, err)
			return
		}
		defer a.Close()
		if _, err := a.Exec(`DROP DATABASE IF EXISTS ` + pq.QuoteIdentifier(name) + ` WITH (FORCE)`); err != nil {
			t.Errorf("testdb: drop %s: %v", name, err)
		}
	})
	return withDatabase(AdminURL(), name)
}

func openAdmin() (*sql.DB, error) {
	db, err := sql.Open("postgres", AdminURL())
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("PostgreSQL does not answer at %s (%v): start it with `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`, or set STOCKSYNC_TEST_DATABASE_URL",
			store.RedactURL(AdminURL()), err)
	}
	return db, nil
}

// ensureTemplate migrates a template database named after a hash of the
// migrations. Test binaries of several packages run at once, so the work is
// serialised with an advisory lock and published by an atomic rename.
func ensureTemplate() (string, error) {
	name := "stocksync_tpl_" + migrationsHash()
	admin, err := openAdmin()
	if err != nil {
		return "", err
	}
	defer admin.Close()
	ctx := context.Background()
	conn, err := admin.Conn(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(7041977)`); err != nil {
		return "", err
	}
	defer conn.ExecContext(ctx, `SELECT pg_advisory_unlock(7041977)`)
	var exists bool
	if err := conn.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	building := name + "_building"
	if _, err := conn.ExecContext(ctx, `DROP DATABASE IF EXISTS `+pq.QuoteIdentifier(building)+` WITH (FORCE)`); err != nil {
		return "", err
	}
	if _, err := conn.ExecContext(ctx, `CREATE DATABASE `+pq.QuoteIdentifier(building)); err != nil {
		return "", err
	}
	st, err := store.Open(ctx, withDatabase(AdminURL(), building))
	if err != nil {
		return "", err
	}
	err = st.Migrate(ctx, slog.New(slog.DiscardHandler))
	st.Close()
	if err != nil {
		return "", fmt.Errorf("migrate template: %w", err)
	}
	if _, err := conn.ExecContext(ctx, `ALTER DATABASE `+pq.QuoteIdentifier(building)+` RENAME TO `+pq.QuoteIdentifier(name)); err != nil {
		return "", err
	}
	if _, err := conn.ExecContext(ctx, `COMMENT ON DATABASE `+pq.QuoteIdentifier(name)+` IS `+pq.QuoteLiteral(strconv.FormatInt(time.Now().Unix(), 10))); err != nil {
		return "", err
	}
	// Templates of older migration sets are of no further use once they are a
	// day old; younger ones may belong to another checkout's tests running now.
	rows, err := conn.QueryContext(ctx, `SELECT datname FROM pg_database
		WHERE datname LIKE 'stocksync\_tpl\_%' AND datname <> $1
		  AND coalesce(substring(shobj_description(oid, 'pg_database') from '^[0-9]+$')::bigint, 0) < $2`,
		name, time.Now().Add(-24*time.Hour).Unix())
	if err == nil {
		var old []string
		for rows.Next() {
			var n string
			if rows.Scan(&n) == nil {
				old = append(old, n)
			}
		}
		rows.Close()
		for _, n := range old {
			_, _ = conn.ExecContext(ctx, `DROP DATABASE IF EXISTS `+pq.QuoteIdentifier(n)+` WITH (FORCE)`)
		}
	}
	return name, nil
}

func migrationsHash() string {
	h := sha256.New()
	_ = fs.WalkDir(migrations.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations.FS, path)
		if err != nil {
			return err
		}
		h.Write([]byte(path))
		h.Write(b)
		return nil
	})
	// River's own migrations come with its module version.
	h.Write([]byte("river v0.51.2"))
	return hex.EncodeToString(h.Sum(nil))[:12]
}

func withDatabase(raw, name string) string {
	u, err := url.Parse(raw)
	if err != nil {
		panic("testdb: bad admin URL: " + err.Error())
	}
	u.Path = "/" + name
	return u.String()
}

func randomSuffix() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
