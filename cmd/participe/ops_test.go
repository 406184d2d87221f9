package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"participe/internal/db"
	"participe/internal/db/dbtest"
)

// TestBackupRestoreCommands runs `participe backup` against a running server, then
// `participe restore` into a new database, and serves the restored database.
func TestBackupRestoreCommands(t *testing.T) {
	dbtest.EngineDSNs(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		base, _, stop := startRun(t, "serve", "--addr", "127.0.0.1:0", "--database", dsn)
		defer stop() //nolint:errcheck
		d, err := db.Open(ctx, db.Options{DSN: dsn})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.Exec(ctx, `INSERT INTO bodies (slug, name_fr) VALUES ('sauvegarde', 'Organisme sauvegardé')`); err != nil {
			t.Fatal(err)
		}
		d.Close()

		file := filepath.Join(t.TempDir(), "participe.backup")
		out := &syncBuffer{}
		env := func(string) string { return "" }
		if err := run(ctx, []string{"backup", "--to", file, "--database", dsn}, env, out, out, nil); err != nil {
			t.Fatalf("backup: %v\n%s", err, out.String())
		}
		if !strings.Contains(out.String(), "backup written") || !strings.Contains(out.String(), "bodies") {
			t.Fatalf("backup output:\n%s", out.String())
		}
		if err := run(ctx, []string{"backup", "--database", dsn}, env, out, out, nil); err == nil {
			t.Fatal("backup without --to must fail")
		}
		if res, err := http.Get(base + "/readyz"); err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("server during backup: %v %v", err, res)
		}

		target := "sqlite:" + filepath.Join(t.TempDir(), "restored.db")
		if strings.HasPrefix(dsn, "postgres") {
			target = newEmptyPostgres(t, dsn)
		}
		out = &syncBuffer{}
		if err := run(ctx, []string{"restore", "--from=" + file, "--database", target}, env, out, out, nil); err != nil {
			t.Fatalf("restore: %v\n%s", err, out.String())
		}
		if !strings.Contains(out.String(), "every table matches") {
			t.Fatalf("restore output:\n%s", out.String())
		}
		if err := run(ctx, []string{"restore", "--from", file, "--database", target}, env, out, out, nil); err == nil {
			t.Fatal("a second restore into a non-empty database must be refused")
		}
		base2, _, stop2 := startRun(t, "serve", "--addr", "127.0.0.1:0", "--database", target)
		defer stop2() //nolint:errcheck
		res, err := http.Get(base2 + "/organismes")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("restored server: %d", res.StatusCode)
		}
	})
}

func newEmptyPostgres(t *testing.T, dsn string) string {
	t.Helper()
	d, err := db.Open(context.Background(), db.Options{DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	name := fmt.Sprintf("restored_%d", time.Now().UnixNano())
	if _, err := d.SQL().ExecContext(context.Background(), "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(dsn)
	u.Path = "/" + name
	return u.String()
}

func TestRedactDSN(t *testing.T) {
	if got := redactDSN("postgres://app:s3cret@db:5432/participe"); strings.Contains(got, "s3cret") || !strings.Contains(got, "app:***@db") {
		t.Fatal(got)
	}
	if got := redactDSN("sqlite:./x.db"); got != "sqlite:./x.db" {
		t.Fatal(got)
	}
}
