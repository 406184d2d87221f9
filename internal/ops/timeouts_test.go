package ops

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"participe/internal/db"
	"participe/internal/db/dbtest"
)

// TestPostgresStatementTimeoutFromDSN documents and checks the per-query time limit on
// PostgreSQL: a run-time parameter in the database URL (…?statement_timeout=2s) is
// applied by pgx to every connection, so a runaway query is cancelled by the server
// (SQLSTATE 57014) instead of holding a connection for ever.
func TestPostgresStatementTimeoutFromDSN(t *testing.T) {
	dsn := dbtest.PostgresURL(t) + "&statement_timeout=200ms"
	ctx := context.Background()
	d, err := db.Open(ctx, db.Options{DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var setting string
	if err := d.QueryRow(ctx, `SHOW statement_timeout`).Scan(&setting); err != nil || setting != "200ms" {
		t.Fatalf("statement_timeout = %q, %v", setting, err)
	}
	_, err = d.Query(ctx, `SELECT pg_sleep(2)`)
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "57014" {
		t.Fatalf("a 2 s query under a 200 ms limit: %v", err)
	}
	if err := d.Write(ctx, func(tx *db.Tx) error {
		_, err := tx.Exec(ctx, `SELECT pg_sleep(2)`)
		return err
	}); !errors.As(err, &pe) || pe.Code != "57014" {
		t.Fatalf("a 2 s write under a 200 ms limit: %v", err)
	}
	if libpqDSN(dsn) == dsn {
		t.Fatal("pg_dump would get the run-time parameter")
	}
}
