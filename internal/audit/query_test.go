package audit

import (
	"context"
	"testing"
	"time"

	"participe/internal/db"
	"participe/internal/db/dbtest"
	"participe/internal/participe"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func TestListIsScopedToTheActor(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var a, b int64
		now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
		err := d.Write(ctx, func(tx *db.Tx) error {
			var err error
			if a, err = tx.InsertID(ctx, `INSERT INTO bodies (slug, name_fr) VALUES ('a', 'A') RETURNING id`); err != nil {
				return err
			}
			if b, err = tx.InsertID(ctx, `INSERT INTO bodies (slug, name_fr) VALUES ('b', 'B') RETURNING id`); err != nil {
				return err
			}
			for i, body := range []int64{a, a, b, 0} {
				if err := Record(ctx, tx, Entry{At: now.Add(time.Duration(i) * time.Minute), BodyID: body, Action: "initiative.update", IP: "192.0.2.1"}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		count := func(act *participe.Actor, f Filter) (int, error) {
			rows, total, err := List(ctx, d, act, f)
			if err == nil && len(rows) != total {
				t.Fatalf("page %d of %d", len(rows), total)
			}
			return total, err
		}
		if n, err := count(&participe.Actor{PersonID: 1, PlatformAdmin: true}, Filter{}); err != nil || n != 4 {
			t.Fatalf("platform admin: %d %v", n, err)
		}
		adminA := &participe.Actor{PersonID: 2, Roles: []participe.Role{{BodyID: a, Role: participe.RoleBodyAdmin}}}
		if n, err := count(adminA, Filter{}); err != nil || n != 2 {
			t.Fatalf("admin of A: %d %v", n, err)
		}
		if _, err := count(adminA, Filter{BodyID: b}); !participe.IsCode(err, participe.EFORBIDDEN) {
			t.Fatalf("admin of A reading B: %v", err)
		}
		manager := &participe.Actor{PersonID: 3, Roles: []participe.Role{{BodyID: a, Role: participe.RoleManager}}}
		if _, err := count(manager, Filter{}); !participe.IsCode(err, participe.EFORBIDDEN) {
			t.Fatalf("manager: %v", err)
		}
		if _, err := count(nil, Filter{}); !participe.IsCode(err, participe.EUNAUTHORIZED) {
			t.Fatalf("anonymous: %v", err)
		}
		rows, _, _ := List(ctx, d, adminA, Filter{PerPage: 1, Page: 2})
		if len(rows) != 1 || rows[0].IP != "192.0.2.1" || rows[0].Body != "A" {
			t.Fatalf("page 2: %+v", rows)
		}
	})
}
