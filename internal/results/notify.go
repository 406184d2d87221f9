package results

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"participe/internal/db"
	"participe/internal/jobs"
	"participe/internal/mail"
)

// fanoutPayload is the payload of the notification jobs of this area.
type fanoutPayload struct {
	InitiativeID int64 `json:"initiative_id,omitempty"`
	FollowUpID   int64 `json:"follow_up_id,omitempty"`
	UpdateID     int64 `json:"update_id,omitempty"`
	PersonID     int64 `json:"person_id,omitempty"`
}

// RegisterJobs registers this area's job handlers on the queue.
func (s *Service) RegisterJobs(q *jobs.Queue) {
	q.Handle(JobPublished, s.runPublished)
	q.Handle(JobFollowUpUpdated, s.runFollowUpUpdated)
	q.Handle(JobReminderScan, s.runReminderScan)
	q.Handle(JobReminder, s.runReminder)
}

type recipient struct {
	id     int64
	email  string
	locale string
}

// recipients returns verified, not deleted people among the ids selected by q.
func (s *Service) recipients(ctx context.Context, q string, args ...any) ([]recipient, error) {
	rows, err := s.db.Query(ctx, `SELECT p.id, p.email, p.locale FROM people p WHERE p.id IN (`+q+`)
		AND p.deleted_at IS NULL AND p.email IS NOT NULL AND p.email_verified_at IS NOT NULL ORDER BY p.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []recipient
	for rows.Next() {
		var r recipient
		if err := rows.Scan(&r.id, &r.email, &r.locale); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// participantsAndFollowers selects everyone who took part in or follows an initiative.
const participantsAndFollowers = `SELECT c.author_id FROM contributions c WHERE c.initiative_id = ? AND c.author_id IS NOT NULL
	UNION SELECT v.person_id FROM proposal_votes v JOIN proposals pr ON pr.id = v.proposal_id WHERE pr.initiative_id = ?
	UNION SELECT r.person_id FROM survey_responses r JOIN surveys sv ON sv.id = r.survey_id WHERE sv.initiative_id = ? AND r.person_id IS NOT NULL AND r.status = 'submitted'
	UNION SELECT f.person_id FROM follows f WHERE f.target_type = 'initiative' AND f.target_id = ?`

func (s *Service) link(lang, path string) string {
	if lang == "en" {
		path = "/en" + path
	}
	return strings.TrimSuffix(s.BaseURL, "/") + path
}

// runPublished mails every participant and follower once (one job per person, unique).
func (s *Service) runPublished(ctx context.Context, payload []byte) error {
	var p fanoutPayload
	if err := json.Unmarshal(payload, &p); err != nil {
		return nil // a malformed payload cannot succeed later either
	}
	ini, err := s.initiative(ctx, p.InitiativeID)
	if err != nil {
		return nil
	}
	people, err := s.recipients(ctx, participantsAndFollowers, p.InitiativeID, p.InitiativeID, p.InitiativeID, p.InitiativeID)
	if err != nil {
		return err
	}
	return s.db.Write(ctx, func(tx *db.Tx) error {
		for _, r := range people {
			lang := r.locale
			title := ini.TitleFR
			if lang == "en" && ini.TitleEN != "" {
				title = ini.TitleEN
			}
			m := mail.Message{To: r.email,
				Subject: s.T(lang, "results.mail.published.subject", title),
				Text:    s.T(lang, "results.mail.published.body", title, s.link(lang, "/initiatives/"+ini.Slug+"/resultats"))}
			if err := s.jobs.EnqueueTx(ctx, tx, mail.JobKind, m, jobs.Options{
				UniqueKey: fmt.Sprintf("results.published.mail:%d:%d:%d", ini.ID, ini.ResultsPublish.Unix(), r.id)}); err != nil {
				return err
			}
		}
		return nil
	})
}

// runFollowUpUpdated mails the follow-up's followers about one update.
func (s *Service) runFollowUpUpdated(ctx context.Context, payload []byte) error {
	var p fanoutPayload
	if err := json.Unmarshal(payload, &p); err != nil {
		return nil
	}
	var titleFR, titleEN, slug string
	if err := s.db.QueryRow(ctx, `SELECT f.title_fr, f.title_en, i.slug FROM follow_ups f JOIN initiatives i ON i.id = f.initiative_id WHERE f.id = ?`, p.FollowUpID).
		Scan(&titleFR, &titleEN, &slug); err != nil {
		return nil // deleted since
	}
	people, err := s.recipients(ctx, `SELECT person_id FROM follow_up_follows WHERE follow_up_id = ?`, p.FollowUpID)
	if err != nil {
		return err
	}
	return s.db.Write(ctx, func(tx *db.Tx) error {
		for _, r := range people {
			title := titleFR
			if r.locale == "en" && titleEN != "" {
				title = titleEN
			}
			m := mail.Message{To: r.email,
				Subject: s.T(r.locale, "results.mail.followup.subject", title),
				Text:    s.T(r.locale, "results.mail.followup.body", title, s.link(r.locale, fmt.Sprintf("/suites/%d", p.FollowUpID)))}
			if err := s.jobs.EnqueueTx(ctx, tx, mail.JobKind, m, jobs.Options{
				UniqueKey: fmt.Sprintf("results.followup.mail:%d:%d", p.UpdateID, r.id)}); err != nil {
				return err
			}
		}
		return nil
	})
}
