package results

import (
	"context"
	"encoding/json"
	"strings"

	"participe/internal/db"
	"participe/internal/jobs"
	"participe/internal/notify"
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

// runPublished hands a "results published" job recorded before notifications went
// through internal/notify over to it (same event key as Publish gives, so the people
// are notified once).
func (s *Service) runPublished(ctx context.Context, payload []byte) error {
	var p fanoutPayload
	if err := json.Unmarshal(payload, &p); err != nil {
		return nil // a malformed payload cannot succeed later either
	}
	ini, err := s.initiative(ctx, p.InitiativeID)
	if err != nil || ini.ResultsPublish.IsZero() {
		return nil // deleted or unpublished since
	}
	return s.db.Write(ctx, func(tx *db.Tx) error {
		return notify.Emit(ctx, s.jobs, tx, publishedEvent(ini, ini.ResultsPublish.Time, 0))
	})
}

// runFollowUpUpdated hands a follow-up update job recorded before notifications went
// through internal/notify over to it.
func (s *Service) runFollowUpUpdated(ctx context.Context, payload []byte) error {
	var p fanoutPayload
	if err := json.Unmarshal(payload, &p); err != nil {
		return nil
	}
	var titleFR, titleEN string
	if err := s.db.QueryRow(ctx, `SELECT title_fr, title_en FROM follow_ups WHERE id = ?`, p.FollowUpID).Scan(&titleFR, &titleEN); err != nil {
		return nil // deleted since
	}
	return s.db.Write(ctx, func(tx *db.Tx) error {
		return notify.Emit(ctx, s.jobs, tx, followUpEvent(p.FollowUpID, p.UpdateID, titleFR, titleEN, 0))
	})
}
