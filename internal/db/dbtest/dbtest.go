// Package dbtest gives tests a fresh, migrated database on each engine: SQLite in a
// temp file, and PostgreSQL in a throwaway cluster started once per test binary with
// initdb (as an unprivileged user when run as root). No mocks.
package dbtest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"participe/internal/db"
)

// Main runs the tests of a package and stops the PostgreSQL cluster afterwards. Call it
// from TestMain: func TestMain(m *testing.M) { dbtest.Main(m) }.
func Main(m *testing.M) {
	code := m.Run()
	if theCluster != nil {
		theCluster.stop()
	}
	os.Exit(code)
}

var (
	templateOnce sync.Once
	templateErr  error
	dbCounter    atomic.Int64
)

// quietLogger keeps migration logs out of test output.
func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// SQLite returns a fresh migrated SQLite database in a temp dir.
func SQLite(t testing.TB) *db.DB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.db")
	return openAndMigrate(t, "sqlite:"+path)
}

// PostgresURL returns the URL of a fresh, migrated PostgreSQL database (created from a
// migrated template), skipping or failing the test when PostgreSQL is unavailable.
func PostgresURL(t testing.TB) string {
	t.Helper()
	c, err := getCluster()
	if err != nil {
		if postgresRequired() {
			t.Fatalf("PostgreSQL is required (CI=true or PARTICIPE_TEST_POSTGRES=1) but unavailable: %v", err)
		}
		t.Skipf("PostgreSQL unavailable: %v", err)
	}
	ctx := context.Background()
	templateOnce.Do(func() { templateErr = prepareTemplate(ctx, c) })
	if templateErr != nil {
		t.Fatalf("prepare PostgreSQL template: %v", templateErr)
	}
	name := fmt.Sprintf("t_%d_%d", os.Getpid(), dbCounter.Add(1))
	if err := c.adminExec(ctx, "CREATE DATABASE "+quoteIdent(name)+" TEMPLATE participe_template STRATEGY FILE_COPY"); err != nil {
		t.Fatalf("create database: %v", err)
	}
	return c.url + "/" + name + "?sslmode=disable"
}

// Postgres returns a fresh migrated PostgreSQL database.
func Postgres(t testing.TB) *db.DB {
	t.Helper()
	return openAndMigrate(t, PostgresURL(t))
}

func prepareTemplate(ctx context.Context, c *cluster) error {
	if err := c.adminExec(ctx, "CREATE DATABASE participe_template"); err != nil {
		return err
	}
	d, err := db.Open(ctx, db.Options{DSN: c.url + "/participe_template?sslmode=disable", Logger: quietLogger()})
	if err != nil {
		return err
	}
	err = d.Migrate(ctx)
	d.Close()
	return err
}

func openAndMigrate(t testing.TB, dsn string) *db.DB {
	t.Helper()
	ctx := context.Background()
	d, err := db.Open(ctx, db.Options{DSN: dsn, Logger: quietLogger()})
	if err != nil {
		t.Fatalf("open %s: %v", dsn, err)
	}
	if err := d.Migrate(ctx); err != nil {
		d.Close()
		t.Fatalf("migrate: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// Engines runs fn once on SQLite and once on PostgreSQL, each with a fresh database.
func Engines(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}

// EngineDSNs runs fn with the DSN of a fresh migrated database on each engine (for
// tests that start a whole server).
func EngineDSNs(t *testing.T, fn func(t *testing.T, dsn string)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "test.db")
		fn(t, "sqlite:"+path)
	})
	t.Run("postgres", func(t *testing.T) { fn(t, PostgresURL(t)) })
}
