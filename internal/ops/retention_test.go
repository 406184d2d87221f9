package ops

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"participe/internal/db"
	"participe/internal/db/dbtest"
	"participe/internal/jobs"
	"participe/internal/participe"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

var testNow = time.Date(2026, 11, 23, 14, 30, 0, 0, time.UTC)

const day = 24 * time.Hour

type fixture struct {
	t                               testing.TB
	d                               *db.DB
	bodyA, bodyB                    int64
	person                          int64
	c1, c2, c3                      int64 // contributions: A closed 3 years ago, A closed last month, B closed 3 years ago
	openRep, oldRep                 int64
	auditOldA, auditOldB, auditNewA int64
}

func mustID(t testing.TB, d *db.DB, q string, args ...any) int64 {
	t.Helper()
	var id int64
	err := d.Write(context.Background(), func(tx *db.Tx) error {
		var err error
		id, err = tx.InsertID(context.Background(), q, args...)
		return err
	})
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return id
}

func newFixture(t testing.TB, d *db.DB) *fixture {
	f := &fixture{t: t, d: d}
	T := func(x time.Time) db.Time { return db.T(x) }
	f.bodyA = mustID(t, d, `INSERT INTO bodies (slug, name_fr) VALUES ('a', 'Organisme A') RETURNING id`)
	f.bodyB = mustID(t, d, `INSERT INTO bodies (slug, name_fr) VALUES ('b', 'Organisme B') RETURNING id`)
	f.person = mustID(t, d, `INSERT INTO people (email, pseudonym, created_at) VALUES ('p@example.test', 'P', ?) RETURNING id`, T(testNow))
	ini := func(slug string, body int64, ended time.Time) int64 {
		return mustID(t, d, `INSERT INTO initiatives (slug, body_id, state, title_fr, starts_at, ends_at, created_at, updated_at)
			VALUES (?, ?, 'closed', ?, ?, ?, ?, ?) RETURNING id`, slug, body, slug, T(ended.Add(-60*day)), T(ended), T(ended), T(ended))
	}
	a1 := ini("a1", f.bodyA, testNow.Add(-3*365*day))
	a2 := ini("a2", f.bodyA, testNow.Add(-30*day))
	b1 := ini("b1", f.bodyB, testNow.Add(-3*365*day))
	contrib := func(ini int64) int64 {
		return mustID(t, d, `INSERT INTO contributions (initiative_id, tool, kind, author_id, on_behalf_name, created_at, updated_at)
			VALUES (?, 'proposals', 'proposal', ?, 'Nom au téléphone', ?, ?) RETURNING id`, ini, f.person, T(testNow.Add(-4*365*day)), T(testNow))
	}
	f.c1, f.c2, f.c3 = contrib(a1), contrib(a2), contrib(b1)
	f.oldRep = mustID(t, d, `INSERT INTO reports (contribution_id, reporter_id, reason, state, created_at, resolved_at)
		VALUES (?, ?, 'spam', 'dismissed', ?, ?) RETURNING id`, f.c2, f.person, T(testNow.Add(-800*day)), T(testNow.Add(-700*day)))
	f.openRep = mustID(t, d, `INSERT INTO reports (contribution_id, reporter_id, reason, state, created_at)
		VALUES (?, ?, 'spam', 'open', ?) RETURNING id`, f.c1, f.person, T(testNow.Add(-700*day)))
	audit := func(body int64, at time.Time) int64 {
		return mustID(t, d, `INSERT INTO audit_log (at, actor_id, body_id, action) VALUES (?, ?, ?, 'test') RETURNING id`, T(at), f.person, body)
	}
	f.auditOldA = audit(f.bodyA, testNow.Add(-8*365*day))
	f.auditNewA = audit(f.bodyA, testNow.Add(-365*day))
	f.auditOldB = audit(f.bodyB, testNow.Add(-8*365*day))
	return f
}

func (f *fixture) exists(table string, id int64) bool {
	var n int
	if err := f.d.QueryRow(context.Background(), `SELECT COUNT(*) FROM `+table+` WHERE id = ?`, id).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n == 1
}

func (f *fixture) author(id int64) (int64, string) {
	var a *int64
	var name string
	if err := f.d.QueryRow(context.Background(), `SELECT author_id, on_behalf_name FROM contributions WHERE id = ?`, id).Scan(&a, &name); err != nil {
		f.t.Fatal(err)
	}
	if a == nil {
		return 0, name
	}
	return *a, name
}

func TestRetentionPlan(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		clock := participe.NewFixedClock(testNow)
		r := NewRetention(d, clock)
		adminA := &participe.Actor{PersonID: f.person, Roles: []participe.Role{{BodyID: f.bodyA, Role: participe.RoleBodyAdmin}}}
		managerA := &participe.Actor{PersonID: f.person, Roles: []participe.Role{{BodyID: f.bodyA, Role: participe.RoleManager}}}
		adminB := &participe.Actor{PersonID: f.person, Roles: []participe.Role{{BodyID: f.bodyB, Role: participe.RoleBodyAdmin}}}
		moderatorA := &participe.Actor{PersonID: f.person, Roles: []participe.Role{{BodyID: f.bodyA, Role: participe.RoleModerator}}}

		// Scope: B's admin sees nothing of A; A's manager sees but cannot change.
		if _, err := r.Preview(ctx, adminB, f.bodyA); !participe.IsCode(err, participe.EFORBIDDEN) {
			t.Fatalf("admin of B previews A: %v", err)
		}
		if _, err := r.Preview(ctx, moderatorA, f.bodyA); !participe.IsCode(err, participe.EFORBIDDEN) {
			t.Fatalf("moderator previews: %v", err)
		}
		if _, err := r.Preview(ctx, nil, f.bodyA); !participe.IsCode(err, participe.EUNAUTHORIZED) {
			t.Fatalf("visitor previews: %v", err)
		}
		if err := r.SetPolicies(ctx, managerA, f.bodyA, map[string]string{KindAudit: "1"}, ""); !participe.IsCode(err, participe.EFORBIDDEN) {
			t.Fatalf("manager changes the plan: %v", err)
		}
		if err := r.SetPolicies(ctx, adminB, f.bodyA, map[string]string{KindAudit: "1"}, ""); !participe.IsCode(err, participe.EFORBIDDEN) {
			t.Fatalf("admin of B changes A's plan: %v", err)
		}
		for _, bad := range []string{"-1", "abc", "99999999", ""} {
			if err := r.SetPolicies(ctx, adminA, f.bodyA, map[string]string{KindAudit: bad}, ""); !participe.IsCode(err, participe.EINVALID) {
				t.Fatalf("days %q: %v", bad, err)
			}
		}
		// B keeps personal data and its audit log without limit.
		if err := r.SetPolicies(ctx, adminB, f.bodyB, map[string]string{KindPersonalData: "0", KindAudit: "0"}, "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
		var audited int
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'retention.update' AND body_id = ?`, f.bodyB).Scan(&audited); err != nil || audited != 1 {
			t.Fatalf("policy change not audited: %d %v", audited, err)
		}

		due, err := r.Preview(ctx, managerA, f.bodyA)
		if err != nil {
			t.Fatal(err)
		}
		byKind := map[string]Due{}
		for _, x := range due {
			byKind[x.Kind] = x
		}
		if x := byKind[KindPersonalData]; x.Days != 730 || !x.IsDefault || x.DueNext != 1 {
			t.Errorf("personal data preview: %+v", x)
		}
		if x := byKind[KindContributions]; x.Days != 0 || x.DueNext != 0 {
			t.Errorf("contributions are kept by default: %+v", x)
		}
		if x := byKind[KindModeration]; x.DueNext != 1 {
			t.Errorf("moderation preview: %+v", x)
		}
		if x := byKind[KindAudit]; x.DueNext != 1 {
			t.Errorf("audit preview: %+v", x)
		}
		if x := byKind[KindAudit]; !x.NextRun.After(testNow) || x.NextRun.Sub(testNow) > day {
			t.Errorf("next run %v", x.NextRun)
		}

		// The daily job: scheduled for 3 h (Québec), runs once, schedules tomorrow's.
		q := jobs.New(d, clock, slog.New(slog.NewTextHandler(io.Discard, nil)))
		RegisterRetentionJob(q, r)
		if err := ScheduleRetention(ctx, q, clock.Now()); err != nil {
			t.Fatal(err)
		}
		if err := ScheduleRetention(ctx, q, clock.Now()); err != nil { // a second server: same job
			t.Fatal(err)
		}
		if n, err := q.RunOnce(ctx); err != nil || n != 0 {
			t.Fatalf("ran before its time: %d %v", n, err)
		}
		clock.Set(NextRun(testNow).Add(time.Minute))
		if err := q.RunUntilIdle(ctx); err != nil {
			t.Fatal(err)
		}
		var done, pending int
		_ = d.QueryRow(ctx, `SELECT COUNT(*) FROM jobs WHERE kind = ? AND state = 'done'`, JobRetention).Scan(&done)
		_ = d.QueryRow(ctx, `SELECT COUNT(*) FROM jobs WHERE kind = ? AND state = 'available'`, JobRetention).Scan(&pending)
		if done != 1 || pending != 1 {
			t.Fatalf("retention jobs done=%d pending=%d", done, pending)
		}

		if a, name := f.author(f.c1); a != 0 || name != "" {
			t.Errorf("A's old contribution not anonymised: %d %q", a, name)
		}
		if a, _ := f.author(f.c2); a != f.person {
			t.Errorf("A's recent contribution lost its author")
		}
		if a, _ := f.author(f.c3); a != f.person {
			t.Errorf("B keeps personal data, yet it was anonymised")
		}
		if !f.exists("contributions", f.c1) {
			t.Errorf("contributions are kept by default")
		}
		if f.exists("reports", f.oldRep) || !f.exists("reports", f.openRep) {
			t.Errorf("moderation log: old handled report should go, open report stay")
		}
		if f.exists("audit_log", f.auditOldA) || !f.exists("audit_log", f.auditNewA) || !f.exists("audit_log", f.auditOldB) {
			t.Errorf("audit log purge wrong")
		}
		runs, err := r.Runs(ctx, adminA, f.bodyA, 20)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int64{}
		for _, x := range runs {
			if x.Status != "ok" {
				t.Errorf("run error: %+v", x)
			}
			got[x.Kind+"/"+x.Table] += x.Affected
		}
		if got["personal_data/contributions"] != 1 || got["moderation_log/reports"] != 1 || got["audit_log/audit_log"] != 1 {
			t.Errorf("run log: %v", got)
		}

		// Idempotent: a second run finds nothing more.
		rep, err := r.Run(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for k, n := range rep.Affected {
			if n != 0 && k != "housekeeping" {
				t.Errorf("second run touched %s: %d", k, n)
			}
		}

		// Raw contributions: once a body sets a period, they go with their votes.
		if err := r.SetPolicies(ctx, adminA, f.bodyA, map[string]string{KindContributions: "365"}, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := r.Run(ctx); err != nil {
			t.Fatal(err)
		}
		if f.exists("contributions", f.c1) || !f.exists("contributions", f.c2) || !f.exists("contributions", f.c3) {
			t.Errorf("contributions purge wrong")
		}
	})
}

func TestNextRunIsThreeInTheMorningInQuebec(t *testing.T) {
	got := NextRun(time.Date(2026, 11, 23, 14, 30, 0, 0, time.UTC)) // 9 h 30 in Québec
	if want := time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Fatalf("got %v want %v", got, want)
	}
	got = NextRun(time.Date(2026, 7, 1, 6, 0, 0, 0, time.UTC)) // 2 h in Québec (summer time)
	if want := time.Date(2026, 7, 1, 7, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Fatalf("summer: got %v want %v", got, want)
	}
}
