package ops

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"participe/internal/db"
	"participe/internal/db/dbtest"
)

// emptyTarget returns the DSN of a new, empty database of d's engine.
func emptyTarget(t *testing.T, d *db.DB) string {
	t.Helper()
	if d.Engine == db.SQLite {
		return "sqlite:" + filepath.Join(t.TempDir(), "restored.db")
	}
	name := fmt.Sprintf("restore_%d", time.Now().UnixNano())
	if _, err := d.SQL().ExecContext(context.Background(), `CREATE DATABASE `+name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	u, err := url.Parse(d.DSN)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// loadWriter inserts, in one transaction each, a body and a news item of that body:
// a consistent backup holds both or neither.
func loadWriter(ctx context.Context, d *db.DB, prefix string, n *atomic.Int64) error {
	i := n.Add(1)
	return d.Write(ctx, func(tx *db.Tx) error {
		id, err := tx.InsertID(ctx, `INSERT INTO bodies (slug, name_fr) VALUES (?, ?) RETURNING id`,
			fmt.Sprintf("%s-%d", prefix, i), "Organisme de charge")
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO news (body_id, title_fr, published_at) VALUES (?, 'Nouvelle', ?)`, id, i)
		return err
	})
}

func countLoad(t *testing.T, d *db.DB) (bodies, orphans int64) {
	t.Helper()
	ctx := context.Background()
	if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM bodies WHERE slug LIKE 'load-%'`).Scan(&bodies); err != nil {
		t.Fatal(err)
	}
	if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM bodies b WHERE b.slug LIKE 'load-%'
		AND (SELECT COUNT(*) FROM news n WHERE n.body_id = b.id) <> 1`).Scan(&orphans); err != nil {
		t.Fatal(err)
	}
	return
}

// TestBackupUnderLoadAndRestore backs up while writers keep writing, restores into a new
// database and checks that the restore equals the backup table by table (rows and
// checksums), that no transaction is half in it, and that it refuses a non-empty target.
func TestBackupUnderLoadAndRestore(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var n atomic.Int64
		stop := make(chan struct{})
		var wg sync.WaitGroup
		var werr atomic.Value
		for w := 0; w < 4; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					if err := loadWriter(ctx, d, "load", &n); err != nil {
						werr.Store(err)
						return
					}
				}
			}()
		}
		for n.Load() < 200 {
			time.Sleep(5 * time.Millisecond)
		}
		before, _ := countLoad(t, d)
		file := filepath.Join(t.TempDir(), "participe.backup")
		m, err := Backup(ctx, d.DSN, file)
		if err != nil {
			close(stop)
			wg.Wait()
			t.Fatalf("backup: %v", err)
		}
		for start := n.Load(); n.Load() < start+100; {
			time.Sleep(5 * time.Millisecond)
		}
		close(stop)
		wg.Wait()
		if err, _ := werr.Load().(error); err != nil {
			t.Fatalf("writer: %v", err)
		}
		after, _ := countLoad(t, d)
		inBackup := m.Tables["bodies"].Rows
		if inBackup < before || inBackup >= after {
			t.Fatalf("backup holds %d bodies; before it %d, after %d", inBackup, before, after)
		}
		if m.Tables["news"].Rows != inBackup {
			t.Fatalf("half-written transactions in the backup: %d bodies, %d news", inBackup, m.Tables["news"].Rows)
		}
		if _, err := Backup(ctx, d.DSN, file); err == nil {
			t.Fatal("backup over an existing file must be refused")
		}

		if _, err := Restore(ctx, file, d.DSN, nil); !errors.Is(err, ErrNotEmpty) {
			t.Fatalf("restore into the live database: %v", err)
		}
		target := emptyTarget(t, d)
		got, err := Restore(ctx, file, target, nil)
		if err != nil {
			t.Fatalf("restore: %v", err)
		}
		if diff := Compare(m, got); diff != "" {
			t.Fatalf("restored differs: %s", diff)
		}
		r, err := db.Open(ctx, db.Options{DSN: target})
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		rb, orphans := countLoad(t, r)
		if rb != inBackup || orphans != 0 {
			t.Fatalf("restored: %d bodies (want %d), %d without their news", rb, inBackup, orphans)
		}
		// The restored database takes writes (sequences/identities restored).
		var one atomic.Int64
		one.Store(1 << 40)
		if err := loadWriter(ctx, r, "after", &one); err != nil {
			t.Fatalf("write after restore: %v", err)
		}
	})
}

func TestRestoreRefusesOtherEngineAndGarbage(t *testing.T) {
	ctx := context.Background()
	d := dbtest.SQLite(t)
	file := filepath.Join(t.TempDir(), "b.db")
	if _, err := Backup(ctx, d.DSN, file); err != nil {
		t.Fatal(err)
	}
	_, err := Restore(ctx, file, "postgres://nobody@127.0.0.1:1/x", nil)
	if err == nil || !strings.Contains(err.Error(), "sqlite backup") {
		t.Fatalf("cross-engine restore: %v", err)
	}
	garbage := filepath.Join(t.TempDir(), "garbage")
	if err := writeFileSync(garbage, []byte("not a backup at all")); err != nil {
		t.Fatal(err)
	}
	if _, err := Restore(ctx, garbage, "sqlite:"+filepath.Join(t.TempDir(), "x.db"), nil); err == nil {
		t.Fatal("garbage restored")
	}
}

func TestLibpqDSNDropsRuntimeParams(t *testing.T) {
	got := libpqDSN("postgres://u:p@h:5432/db?sslmode=require&statement_timeout=5s&application_name=x")
	if strings.Contains(got, "statement_timeout") || !strings.Contains(got, "sslmode=require") || !strings.Contains(got, "application_name=x") {
		t.Fatal(got)
	}
}
