package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"participe/internal/db"
	"participe/internal/db/dbtest"
	"participe/internal/i18n"
	"participe/internal/jobs"
	"participe/internal/mail"
	"participe/internal/participe"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

var testNow = time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC)

// newTestService returns the service on d with n people following initiative 1: every
// 7th reads digests, every 11th wants no email, the others immediate emails; the people
// with i % 13 == 5 never verified their address, so they get no email at all.
func newTestService(t *testing.T, d *db.DB, n int) (*Service, *jobs.Queue) {
	t.Helper()
	ctx := context.Background()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	clock := participe.NewFixedClock(testNow)
	q := jobs.New(d, clock, slog.New(slog.NewTextHandler(io.Discard, nil)))
	s := New(d, clock, q, cat, "https://participe.test")
	s.Register(q)
	err = d.Write(ctx, func(tx *db.Tx) error {
		for i := range n {
			verified := db.T(testNow)
			if i%13 == 5 {
				verified = db.Time{}
			}
			id, err := tx.InsertID(ctx, `INSERT INTO people (email, pseudonym, created_at, email_verified_at) VALUES (?, ?, ?, ?) RETURNING id`,
				fmt.Sprintf("p%d@example.test", i), fmt.Sprintf("P%d", i), db.T(testNow), verified)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO follows (person_id, target_type, target_id, created_at) VALUES (?, 'initiative', 1, ?)`, id, db.T(testNow)); err != nil {
				return err
			}
			mode := ""
			switch {
			case i%7 == 0:
				mode = ModeDigest
			case i%11 == 0:
				mode = ModeNone
			}
			if mode != "" {
				if _, err := tx.Exec(ctx, `INSERT INTO notification_prefs (person_id, email_mode, updated_at) VALUES (?, ?, ?)`, id, mode, db.T(testNow)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return s, q
}

func count(t *testing.T, d *db.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := d.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// expected counts what one complete fan-out to the n people of newTestService gives.
func expected(n int) (immediate, digest int) {
	for i := range n {
		switch {
		case i%13 == 5:
		case i%7 == 0:
			digest++
		case i%11 == 0:
		default:
			immediate++
		}
	}
	return
}

// TestFanoutRetryIsIdempotent: the fan-out of one event to 450 people (three batches)
// fails in its second batch (the mail enqueue fails), is run again, then once more as
// if the worker had crashed after finishing but before the job was marked done:
// everyone has exactly one notification, one email or one digest, no more.
func TestFanoutRetryIsIdempotent(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		const people = 450
		s, q := newTestService(t, d, people)
		ev := Event{Kind: KindNewProposal, InitiativeID: 1, Title: "Des pistes cyclables", URL: "/initiatives/x/propositions/1"}
		if err := d.Write(ctx, func(tx *db.Tx) error { return s.EmitTx(ctx, tx, ev) }); err != nil {
			t.Fatal(err)
		}
		var payload string
		if err := d.QueryRow(ctx, `SELECT payload FROM jobs WHERE kind = ?`, JobFanout).Scan(&payload); err != nil {
			t.Fatal(err)
		}
		var recorded Event
		if err := json.Unmarshal([]byte(payload), &recorded); err != nil || !strings.HasPrefix(recorded.Key, KindNewProposal+":") {
			t.Fatalf("the recorded event has no key: %s", payload)
		}

		// First run: the 300th recipient's mail enqueue fails (second batch).
		var firstIDs []int64
		rows, err := d.Query(ctx, `SELECT id FROM people ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id int64
			_ = rows.Scan(&id)
			firstIDs = append(firstIDs, id)
		}
		rows.Close()
		failOn := firstIDs[300]
		boom := errors.New("smtp queue unavailable")
		s.failBeforeMail = func(id int64) error {
			if id == failOn {
				return boom
			}
			return nil
		}
		if err := s.fanout(ctx, []byte(payload)); !errors.Is(err, boom) {
			t.Fatalf("first run: %v", err)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM notifications`); n != fanoutBatch {
			t.Fatalf("after the failed run: %d notifications, want the first batch (%d)", n, fanoutBatch)
		}
		// The retry completes; a third run (crash after the work, before "done") adds nothing.
		s.failBeforeMail = nil
		for run := range 2 {
			if err := s.fanout(ctx, []byte(payload)); err != nil {
				t.Fatalf("run %d: %v", run+2, err)
			}
		}
		if n := count(t, d, `SELECT COUNT(*) FROM notifications`); n != people {
			t.Errorf("notifications = %d, want %d", n, people)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM (SELECT person_id FROM notifications GROUP BY person_id HAVING COUNT(*) > 1) x`); n != 0 {
			t.Errorf("%d people notified twice", n)
		}
		immediate, digest := expected(people)
		if n := count(t, d, `SELECT COUNT(*) FROM jobs WHERE kind = ?`, mail.JobKind); n != immediate {
			t.Errorf("mail jobs = %d, want %d (one per person in immediate mode)", n, immediate)
		}
		// Every mail goes to a different address.
		rows, err = d.Query(ctx, `SELECT payload FROM jobs WHERE kind = ?`, mail.JobKind)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for rows.Next() {
			var p string
			_ = rows.Scan(&p)
			var m mail.Message
			_ = json.Unmarshal([]byte(p), &m)
			if seen[m.To] {
				t.Errorf("two mails to %s", m.To)
			}
			seen[m.To] = true
			if !strings.Contains(m.Text, "Des pistes cyclables") || !strings.Contains(m.Text, "https://participe.test/initiatives/x/propositions/1") {
				t.Errorf("mail text: %q", m.Text)
			}
		}
		rows.Close()
		if n := count(t, d, `SELECT COUNT(*) FROM jobs WHERE kind = ?`, JobDigest); n != digest {
			t.Errorf("digest jobs = %d, want %d", n, digest)
		}
		// The queue's own run (the job was never marked done here) adds nothing either.
		if err := q.RunUntilIdle(ctx); err != nil {
			t.Fatal(err)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM notifications`); n != people {
			t.Errorf("after the queue ran the job: %d notifications", n)
		}
	})
}

// TestEmitWithKeyOnce: an event with a natural key is recorded once however often it
// is emitted (e.g. a retried publication), and an event recorded before keys existed
// gets a key from its payload, so re-running it does not notify twice.
func TestEmitWithKeyOnce(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, q := newTestService(t, d, 3)
		ev := Event{Kind: KindFollowUpUpdate, Key: "followup_update:77", FollowUpID: 77, Title: "Guichet unique", URL: "/suites/77"}
		for range 2 {
			if err := d.Write(ctx, func(tx *db.Tx) error { return Emit(ctx, q, tx, ev) }); err != nil {
				t.Fatal(err)
			}
		}
		if n := count(t, d, `SELECT COUNT(*) FROM jobs WHERE kind = ?`, JobFanout); n != 1 {
			t.Errorf("fan-out jobs = %d, want 1", n)
		}
		legacy, _ := json.Marshal(Event{Kind: KindNewProposal, InitiativeID: 1, Title: "Ancienne"})
		for range 2 {
			if err := s.fanout(ctx, legacy); err != nil {
				t.Fatal(err)
			}
		}
		if n := count(t, d, `SELECT COUNT(*) FROM notifications WHERE kind = ?`, KindNewProposal); n != 3 {
			t.Errorf("legacy event notifications = %d, want 3", n)
		}
	})
}

// TestResultsAndFollowUpTexts: the new kinds render in both languages with their title.
func TestResultsAndFollowUpTexts(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	s := New(nil, participe.NewFixedClock(testNow), nil, cat, "https://participe.test")
	ev := Event{Kind: KindResultsPublished, Title: "Accès aux soins", TitleEN: "Access to care"}
	if fr, en := s.Text("fr", ev.Kind, ev), s.Text("en", ev.Kind, ev); !strings.Contains(fr, "Accès aux soins") || !strings.Contains(en, "Access to care") || fr == en {
		t.Errorf("results texts: %q / %q", fr, en)
	}
	ev = Event{Kind: KindFollowUpUpdate, Title: "Guichet unique"}
	if fr, en := s.subject("fr", ev), s.subject("en", ev); !strings.Contains(fr, "Guichet unique") || !strings.Contains(en, "Guichet unique") {
		t.Errorf("follow-up subjects: %q / %q", fr, en)
	}
}
