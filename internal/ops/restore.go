package ops

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"participe/internal/db"
)

// Restore brings the backup file from back into the empty database named by dsn, checks
// it against the backup's manifest (when the manifest is beside it) and applies any
// migration newer than the backup. It refuses a database that already holds tables:
// a restore never merges into live data.
func Restore(ctx context.Context, from, dsn string, log *slog.Logger) (Manifest, error) {
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	engine, path, err := db.ParseDSN(dsn)
	if err != nil {
		return Manifest{}, err
	}
	fileEngine, err := BackupEngine(from)
	if err != nil {
		return Manifest{}, err
	}
	if fileEngine != engine {
		return Manifest{}, fmt.Errorf("restore: %s is a %s backup, the target is %s (use the export command to move between engines)", from, fileEngine, engine)
	}
	want, merr := ReadManifest(ManifestPath(from))
	hasManifest := merr == nil
	if merr != nil && !os.IsNotExist(merr) {
		return Manifest{}, fmt.Errorf("restore: manifest: %w", merr)
	}
	var got Manifest
	switch engine {
	case db.SQLite:
		got, err = restoreSQLite(ctx, from, path)
	case db.Postgres:
		got, err = restorePostgres(ctx, from, dsn)
	}
	if err != nil {
		return got, err
	}
	if hasManifest {
		if diff := Compare(want, got); diff != "" {
			return got, fmt.Errorf("restore: the restored database differs from the backup's manifest: %s", diff)
		}
	}
	d, err := db.Open(ctx, db.Options{DSN: dsn, Logger: log})
	if err != nil {
		return got, err
	}
	defer d.Close()
	if err := d.Migrate(ctx); err != nil {
		return got, fmt.Errorf("restore: migrate: %w", err)
	}
	return got, nil
}

func restoreSQLite(ctx context.Context, from, path string) (Manifest, error) {
	if st, err := os.Stat(path); err == nil && st.Size() > 0 {
		c, err := sqliteConn(path, true)
		if err != nil {
			return Manifest{}, err
		}
		names, err := tableNames(ctx, c, "sqlite")
		c.Close()
		if err != nil {
			return Manifest{}, fmt.Errorf("restore: read target: %w", err)
		}
		if len(names) > 0 {
			return Manifest{}, ErrNotEmpty
		}
	} else if err != nil && !os.IsNotExist(err) {
		return Manifest{}, err
	}
	// A write-ahead log left by an earlier database of that name would be replayed
	// into the restored file: remove it with the empty file.
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
			return Manifest{}, err
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return Manifest{}, err
	}
	partial := path + ".restoring"
	if err := copyFile(from, partial); err != nil {
		_ = os.Remove(partial)
		return Manifest{}, fmt.Errorf("restore: copy: %w", err)
	}
	m, err := checkSQLite(ctx, partial)
	if err != nil {
		_ = os.Remove(partial)
		return m, fmt.Errorf("restore: %w", err)
	}
	if err := os.Rename(partial, path); err != nil {
		return m, err
	}
	syncDir(filepath.Dir(path))
	return m, nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, fs.FileMode(0o600))
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func restorePostgres(ctx context.Context, from, dsn string) (Manifest, error) {
	c, err := sql.Open("pgx", dsn)
	if err != nil {
		return Manifest{}, err
	}
	defer c.Close()
	names, err := tableNames(ctx, c, "postgres")
	if err != nil {
		return Manifest{}, fmt.Errorf("restore: read target: %w", err)
	}
	if len(names) > 0 {
		return Manifest{}, ErrNotEmpty
	}
	if err := runTool(ctx, "pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
		"--single-transaction", "--dbname="+libpqDSN(dsn), from); err != nil {
		return Manifest{}, fmt.Errorf("restore: %w", err)
	}
	tx, err := c.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return Manifest{}, err
	}
	defer tx.Rollback() //nolint:errcheck
	return computeManifest(ctx, tx, "postgres")
}
