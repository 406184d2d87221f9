package ops

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver "pgx"
	_ "modernc.org/sqlite"             // SQLite driver "sqlite"

	"participe/internal/db"
)

// Backup makes a consistent online backup of the database named by dsn into the file
// to, while the server keeps running, and writes its manifest beside it.
//
//   - SQLite: VACUUM INTO on a connection of its own (not the server's writer or
//     readers): one read transaction, so the copy is a snapshot even under writes, and
//     the copy is compact. The copy is checked (integrity_check) before it is kept.
//   - PostgreSQL: pg_dump in custom format, run on a snapshot exported from a
//     REPEATABLE READ transaction in which the manifest is computed too, so the
//     manifest describes exactly what the dump holds.
//
// The file is written under a temporary name, synced, then renamed: a failed backup
// never leaves a file that looks complete. to must not exist.
func Backup(ctx context.Context, dsn, to string) (Manifest, error) {
	engine, path, err := db.ParseDSN(dsn)
	if err != nil {
		return Manifest{}, err
	}
	if _, err := os.Stat(to); err == nil {
		return Manifest{}, fmt.Errorf("backup: %s already exists (choose a new file name)", to)
	}
	partial := to + ".partial"
	_ = os.Remove(partial)
	var m Manifest
	switch engine {
	case db.SQLite:
		m, err = backupSQLite(ctx, path, partial)
	case db.Postgres:
		m, err = backupPostgres(ctx, dsn, partial)
	}
	if err != nil {
		_ = os.Remove(partial)
		return m, err
	}
	if err := syncFile(partial); err != nil {
		return m, err
	}
	if err := os.Rename(partial, to); err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	syncDir(filepath.Dir(to))
	if err := writeManifest(ManifestPath(to), m); err != nil {
		return m, fmt.Errorf("backup: write manifest: %w", err)
	}
	return m, nil
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

func sqliteConn(path string, readOnly bool) (*sql.DB, error) {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	}
	c, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	c.SetMaxOpenConns(1)
	return c, nil
}

func backupSQLite(ctx context.Context, path, partial string) (Manifest, error) {
	if _, err := os.Stat(path); err != nil {
		return Manifest{}, fmt.Errorf("backup: database %s: %w", path, err)
	}
	src, err := sqliteConn(path, false)
	if err != nil {
		return Manifest{}, err
	}
	defer src.Close()
	if _, err := src.ExecContext(ctx, `VACUUM INTO ?`, partial); err != nil {
		return Manifest{}, fmt.Errorf("backup: VACUUM INTO: %w", err)
	}
	return checkSQLite(ctx, partial)
}

// checkSQLite verifies a SQLite file and computes its manifest.
func checkSQLite(ctx context.Context, path string) (Manifest, error) {
	c, err := sqliteConn(path, true)
	if err != nil {
		return Manifest{}, err
	}
	defer c.Close()
	var ok string
	if err := c.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&ok); err != nil {
		return Manifest{}, fmt.Errorf("integrity check: %w", err)
	}
	if ok != "ok" {
		return Manifest{}, fmt.Errorf("integrity check failed: %s", ok)
	}
	tx, err := c.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return Manifest{}, err
	}
	defer tx.Rollback() //nolint:errcheck
	return computeManifest(ctx, tx, "sqlite")
}

// FindPGTool finds pg_dump or pg_restore: PATH first, then Debian's versioned
// directories (newest first: a newer pg_dump reads older servers, not the reverse).
func FindPGTool(name string) (string, error) {
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/" + name)
	sort.Slice(matches, func(i, j int) bool { return pgVersion(matches[i]) > pgVersion(matches[j]) })
	if len(matches) > 0 {
		return matches[0], nil
	}
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("%s not found: install the PostgreSQL client tools (Debian: apt-get install postgresql-client)", name)
}

func pgVersion(path string) int {
	var v int
	fmt.Sscanf(filepath.Base(filepath.Dir(filepath.Dir(path))), "%d", &v) //nolint:errcheck
	return v
}

// libpqDSN keeps only the URL parameters libpq understands: pgx accepts run-time
// settings (statement_timeout=…) as parameters, which pg_dump would refuse.
func libpqDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	keep := map[string]bool{"sslmode": true, "sslcert": true, "sslkey": true, "sslrootcert": true,
		"sslpassword": true, "sslcrl": true, "application_name": true, "connect_timeout": true,
		"options": true, "target_session_attrs": true, "host": true, "port": true, "dbname": true,
		"user": true, "password": true, "passfile": true, "gssencmode": true, "channel_binding": true}
	q := u.Query()
	for k := range q {
		if !keep[k] {
			q.Del(k)
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}

func runTool(ctx context.Context, name string, args ...string) error {
	bin, err := FindPGTool(name)
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w: %s", name, err, strings.TrimSpace(out.String()))
	}
	return nil
}

func backupPostgres(ctx context.Context, dsn, partial string) (Manifest, error) {
	c, err := sql.Open("pgx", dsn)
	if err != nil {
		return Manifest{}, err
	}
	defer c.Close()
	tx, err := c.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return Manifest{}, fmt.Errorf("backup: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck
	var snapshot string
	if err := tx.QueryRowContext(ctx, `SELECT pg_export_snapshot()`).Scan(&snapshot); err != nil {
		return Manifest{}, fmt.Errorf("backup: export snapshot: %w", err)
	}
	if err := runTool(ctx, "pg_dump", "--format=custom", "--no-owner", "--no-privileges",
		"--snapshot="+snapshot, "--file="+partial, "--dbname="+libpqDSN(dsn)); err != nil {
		return Manifest{}, fmt.Errorf("backup: %w", err)
	}
	m, err := computeManifest(ctx, tx, "postgres")
	if err != nil {
		return m, fmt.Errorf("backup: manifest: %w", err)
	}
	return m, nil
}

// Magic bytes of the two backup formats.
var (
	sqliteMagic = []byte("SQLite format 3\x00")
	pgDumpMagic = []byte("PGDMP")
)

// BackupEngine tells which engine a backup file is for.
func BackupEngine(path string) (db.Engine, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	head := make([]byte, 16)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	switch {
	case bytes.HasPrefix(head, sqliteMagic):
		return db.SQLite, nil
	case bytes.HasPrefix(head, pgDumpMagic):
		return db.Postgres, nil
	}
	return "", fmt.Errorf("%s is neither a SQLite backup nor a pg_dump custom-format file", path)
}

// ErrNotEmpty is returned by Restore when the target database already holds tables.
var ErrNotEmpty = errors.New("restore: the target database is not empty (restore into a new, empty database)")
