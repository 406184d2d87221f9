package db_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"participe/internal/db"
	"participe/internal/db/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func TestMigrationsHaveSameVersionsOnBothEngines(t *testing.T) {
	lite, err := db.Migrations(db.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	pg, err := db.Migrations(db.Postgres)
	if err != nil {
		t.Fatal(err)
	}
	if len(lite) != len(pg) {
		t.Fatalf("sqlite has %d migrations, postgres %d", len(lite), len(pg))
	}
	for i := range lite {
		if lite[i].Version != pg[i].Version || lite[i].Name != pg[i].Name {
			t.Errorf("migration %d: sqlite %s, postgres %s", i, lite[i].Name, pg[i].Name)
		}
	}
}

func TestRebind(t *testing.T) {
	cases := map[string]string{
		"SELECT 1":                         "SELECT 1",
		"SELECT ? , ?":                     "SELECT $1 , $2",
		"SELECT '?' WHERE a = ? AND b = ?": "SELECT '?' WHERE a = $1 AND b = $2",
	}
	d := &db.DB{Engine: db.Postgres}
	for in, want := range cases {
		if got := d.Rebind(in); got != want {
			t.Errorf("Rebind(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWriteReadAndUniqueViolation(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 14, 30, 0, 0, time.UTC)
		var id int64
		err := d.Write(ctx, func(tx *db.Tx) error {
			var err error
			id, err = tx.InsertID(ctx, `INSERT INTO themes (slug, name_fr, name_en) VALUES (?, ?, ?) RETURNING id`, "sante", "Santé", "Health")
			return err
		})
		if err != nil || id == 0 {
			t.Fatalf("insert: id=%d err=%v", id, err)
		}
		_, err = d.Exec(ctx, `INSERT INTO themes (slug, name_fr) VALUES (?, ?)`, "sante", "Encore")
		if !db.IsUniqueViolation(err) {
			t.Fatalf("want unique violation, got %v", err)
		}
		if _, err := d.Exec(ctx, `INSERT INTO people (pseudonym, created_at, platform_admin) VALUES (?, ?, ?)`, "Léa", db.T(now), true); err != nil {
			t.Fatal(err)
		}
		var created db.Time
		var admin bool
		if err := d.QueryRow(ctx, `SELECT created_at, platform_admin FROM people WHERE pseudonym = ?`, "Léa").Scan(&created, &admin); err != nil {
			t.Fatal(err)
		}
		if !created.Equal(now) || !admin {
			t.Fatalf("round trip: %v %v", created, admin)
		}
	})
}

// A failing write in a group must roll back alone; concurrent writes all land.
func TestGroupCommitIsolatesFailures(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var wg sync.WaitGroup
		errs := make([]error, 200)
		for i := 0; i < 200; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				errs[i] = d.Write(ctx, func(tx *db.Tx) error {
					if _, err := tx.Exec(ctx, `INSERT INTO regions (code, name_fr, name_en) VALUES (?, ?, ?)`, codeFor(i), "R", "R"); err != nil {
						return err
					}
					if i%10 == 0 {
						return errors.New("deliberate failure")
					}
					return nil
				})
			}(i)
		}
		wg.Wait()
		var n int
		if err := d.QueryRow(ctx, `SELECT count(*) FROM regions`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		failed := 0
		for _, err := range errs {
			if err != nil {
				failed++
			}
		}
		if failed != 20 || n != 180 {
			t.Fatalf("failed=%d rows=%d, want 20 and 180", failed, n)
		}
	})
}

func codeFor(i int) string {
	return string(rune('A'+i/26%26)) + string(rune('a'+i%26)) + string(rune('0'+i/676))
}
