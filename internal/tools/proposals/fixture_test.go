package proposals

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"participe/internal/db"
	"participe/internal/db/dbtest"
	"participe/internal/i18n"
	"participe/internal/jobs"
	"participe/internal/notify"
	"participe/internal/participe"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

var fixNow = time.Date(2026, 11, 23, 14, 30, 0, 0, time.UTC)

// fixture is a body with an open initiative using the tool, and a service on it.
type fixture struct {
	t      testing.TB
	d      *db.DB
	clock  *participe.FixedClock
	q      *jobs.Queue
	n      *notify.Service
	svc    *Service
	bodyID int64
	initID int64
	slug   string
	themes []int64
}

func newFixture(t testing.TB, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, d: d, clock: participe.NewFixedClock(fixNow), slug: "consultation-test"}
	f.q = jobs.New(d, f.clock, slog.New(slog.NewTextHandler(io.Discard, nil)))
	f.n = notify.New(d, f.clock, f.q, cat, "https://participe.test")
	f.n.Register(f.q)
	f.svc = New(d, f.clock, f.n, nil, t.TempDir())
	f.svc.SetRateLimit("proposal", 1000) // fixtures propose many times as one person
	err = d.Write(ctx, func(tx *db.Tx) error {
		var err error
		f.bodyID, err = tx.InsertID(ctx, `INSERT INTO bodies (slug, name_fr) VALUES ('ministere-a', 'Ministère A') RETURNING id`)
		if err != nil {
			return err
		}
		f.initID, err = f.initiative(ctx, tx, f.slug, f.bodyID, -10, 10)
		if err != nil {
			return err
		}
		for k, name := range []string{"Santé", "Éducation"} {
			id, err := tx.InsertID(ctx, `INSERT INTO proposal_themes (initiative_id, key, name_fr, position) VALUES (?, ?, ?, ?) RETURNING id`,
				f.initID, fmt.Sprintf("t%d", k), name, k)
			if err != nil {
				return err
			}
			f.themes = append(f.themes, id)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// initiative inserts a published initiative with the tool on, open from startDays to
// endDays around the fixture's time.
func (f *fixture) initiative(ctx context.Context, tx *db.Tx, slug string, body int64, startDays, endDays int) (int64, error) {
	id, err := tx.InsertID(ctx, `INSERT INTO initiatives (slug, body_id, state, title_fr, starts_at, ends_at, published_at, created_at, updated_at)
		VALUES (?, ?, 'published', ?, ?, ?, ?, ?, ?) RETURNING id`, slug, body, "Initiative "+slug,
		db.T(fixNow.AddDate(0, 0, startDays)), db.T(fixNow.AddDate(0, 0, endDays)), db.T(fixNow.AddDate(0, 0, startDays-1)), db.T(fixNow), db.T(fixNow))
	if err != nil {
		return 0, err
	}
	_, err = tx.Exec(ctx, `INSERT INTO initiative_tools (initiative_id, tool) VALUES (?, 'proposals')`, id)
	return id, err
}

// person creates a participant (with email) and returns their actor.
func (f *fixture) person(name string, roles ...participe.Role) *participe.Actor {
	f.t.Helper()
	var id int64
	err := f.d.Write(context.Background(), func(tx *db.Tx) error {
		var err error
		id, err = tx.InsertID(context.Background(), `INSERT INTO people (email, pseudonym, email_verified_at, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
			name+"@example.test", name, db.T(fixNow), db.T(fixNow)) // verified: notifications are emailed only to verified addresses
		return err
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return &participe.Actor{PersonID: id, Pseudonym: name, Roles: roles}
}

// propose submits a proposal and returns its id.
func (f *fixture) propose(a *participe.Actor, title string) int64 {
	f.t.Helper()
	id, err := f.svc.Submit(context.Background(), a, f.slug, ProposalInput{Title: title, Body: "Texte de la proposition " + title, ThemeID: f.themes[0]})
	if err != nil {
		f.t.Fatalf("submit: %v", err)
	}
	return id
}

func (f *fixture) count(q string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.d.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		f.t.Fatalf("%s: %v", q, err)
	}
	return n
}
