package results

import (
	"context"
	"fmt"
	"time"

	"participe/internal/db"
	"participe/internal/jobs"
	"participe/internal/mail"
)

// Reminder jobs: a periodic scan finds open initiatives closing within ReminderBefore and
// queues one mail per follower. Each mail job carries the unique key
// "results.reminder:<initiative>:<person>", so a person is reminded once per initiative
// however many scans run, on however many workers.
const (
	JobReminderScan = "results.reminders.scan"
	JobReminder     = "results.reminder" // reserved: reminders are mail jobs keyed as above
	reminderEvery   = 15 * time.Minute
)

// ScheduleReminderScan queues the next scan (idempotent per time slot).
func (s *Service) ScheduleReminderScan(ctx context.Context) error {
	now := s.clock.Now()
	slot := now.Truncate(reminderEvery)
	return s.jobs.Enqueue(ctx, JobReminderScan, struct{}{}, jobs.Options{RunAt: slot,
		UniqueKey: fmt.Sprintf("%s:%d", JobReminderScan, slot.Unix())})
}

// SendReminders queues reminders for initiatives closing soon; it returns how many
// reminder mails were newly queued (already-sent ones are skipped by their unique key).
func (s *Service) SendReminders(ctx context.Context) (int, error) {
	now := s.clock.Now()
	rows, err := s.db.Query(ctx, `SELECT id, slug, title_fr, title_en, ends_at FROM initiatives
		WHERE state IN ('published', 'scheduled') AND starts_at <= ? AND ends_at > ? AND ends_at <= ?`,
		db.T(now), db.T(now), db.T(now.Add(s.ReminderBefore)))
	if err != nil {
		return 0, err
	}
	type ini struct {
		id                  int64
		slug, title, title2 string
		ends                db.Time
	}
	var list []ini
	for rows.Next() {
		var i ini
		if err := rows.Scan(&i.id, &i.slug, &i.title, &i.title2, &i.ends); err != nil {
			rows.Close()
			return 0, err
		}
		list = append(list, i)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	queued := 0
	for _, i := range list {
		people, err := s.recipients(ctx, `SELECT person_id FROM follows WHERE target_type = 'initiative' AND target_id = ?`, i.id)
		if err != nil {
			return queued, err
		}
		err = s.db.Write(ctx, func(tx *db.Tx) error {
			for _, r := range people {
				title := i.title
				if r.locale == "en" && i.title2 != "" {
					title = i.title2
				}
				when := s.T(r.locale, "results.mail.reminder.when", formatWhen(r.locale, i.ends.Time))
				m := mail.Message{To: r.email,
					Subject: s.T(r.locale, "results.mail.reminder.subject", title),
					Text:    s.T(r.locale, "results.mail.reminder.body", title, when, s.link(r.locale, "/initiatives/"+i.slug))}
				res, err := tx.Exec(ctx, `INSERT INTO jobs (kind, payload, run_at, max_attempts, unique_key, created_at)
					VALUES (?, ?, ?, 12, ?, ?) ON CONFLICT (unique_key) DO NOTHING`, mail.JobKind, mustJSON(m), db.T(now),
					fmt.Sprintf("results.reminder:%d:%d", i.id, r.id), db.T(now))
				if err != nil {
					return err
				}
				if n, _ := res.RowsAffected(); n > 0 {
					queued++
				}
			}
			return nil
		})
		if err != nil {
			return queued, err
		}
	}
	if queued > 0 {
		s.jobs.Notify()
	}
	return queued, nil
}

func (s *Service) runReminderScan(ctx context.Context, _ []byte) error {
	if _, err := s.SendReminders(ctx); err != nil {
		return err
	}
	if _, err := s.OfferSatisfaction(ctx); err != nil {
		return err
	}
	next := s.clock.Now().Truncate(reminderEvery).Add(reminderEvery)
	return s.jobs.Enqueue(ctx, JobReminderScan, struct{}{}, jobs.Options{RunAt: next,
		UniqueKey: fmt.Sprintf("%s:%d", JobReminderScan, next.Unix())})
}

// runReminder is kept for jobs queued by an earlier version; reminders are mail jobs.
func (s *Service) runReminder(ctx context.Context, _ []byte) error { return nil }
