package results

import (
	"context"
	"fmt"
	"strings"
	"time"

	"participe/internal/db"
	"participe/internal/notify"
	"participe/internal/participe"
)

// FollowUpFilter selects follow-ups: by initiative, body (responsible or organising),
// theme (of the initiative), status; ordered by id for cursors (AfterID) or by the
// initiative's position.
type FollowUpFilter struct {
	InitiativeID int64
	BodyID       int64
	ThemeID      int64
	Statuses     []string
	// PublicOnly keeps follow-ups of initiatives whose results are published.
	PublicOnly bool
	AfterID    int64
	Limit      int
	Offset     int
}

const followUpColumns = `f.id, f.initiative_id, i.slug, i.title_fr, i.title_en, i.body_id, f.responsible_body_id, b.slug, b.name_fr, b.name_en,
	f.theme_key, f.position, f.title_fr, f.title_en, f.description_fr, f.description_en, f.status,
	f.dropped_reason_fr, f.dropped_reason_en, f.progress, f.due_at, f.done_at, f.created_at, f.updated_at`

func scanFollowUp(row interface{ Scan(...any) error }, f *FollowUp) error {
	var due, done, created, updated db.Time
	err := row.Scan(&f.ID, &f.InitiativeID, &f.InitiativeSlug, &f.InitiativeTitleFR, &f.InitiativeTitleEN, &f.BodyID,
		&f.ResponsibleBodyID, &f.ResponsibleSlug, &f.ResponsibleFR, &f.ResponsibleEN, &f.ThemeKey, &f.Position,
		&f.TitleFR, &f.TitleEN, &f.DescriptionFR, &f.DescriptionEN, &f.Status, &f.DroppedReasonFR, &f.DroppedReasonEN,
		&f.Progress, &due, &done, &created, &updated)
	f.DueAt, f.DoneAt, f.CreatedAt, f.UpdatedAt = due.Time, done.Time, created.Time, updated.Time
	return err
}

func (s *Service) followUpWhere(f FollowUpFilter) (string, []any) {
	var where []string
	var args []any
	if f.InitiativeID != 0 {
		where = append(where, "f.initiative_id = ?")
		args = append(args, f.InitiativeID)
	}
	if f.BodyID != 0 {
		where = append(where, "(f.responsible_body_id = ? OR i.body_id = ?)")
		args = append(args, f.BodyID, f.BodyID)
	}
	if f.ThemeID != 0 {
		where = append(where, "EXISTS (SELECT 1 FROM initiative_themes it WHERE it.initiative_id = f.initiative_id AND it.theme_id = ?)")
		args = append(args, f.ThemeID)
	}
	if len(f.Statuses) > 0 {
		ph := strings.TrimSuffix(strings.Repeat("?, ", len(f.Statuses)), ", ")
		where = append(where, "f.status IN ("+ph+")")
		for _, st := range f.Statuses {
			args = append(args, st)
		}
	}
	if f.PublicOnly {
		where = append(where, "i.results_published_at IS NOT NULL AND i.results_published_at <= ?")
		args = append(args, db.T(s.clock.Now()))
	}
	if f.AfterID != 0 {
		where = append(where, "f.id > ?")
		args = append(args, f.AfterID)
	}
	if len(where) == 0 {
		return "", args
	}
	return " WHERE " + strings.Join(where, " AND "), args
}

// FollowUps lists follow-ups (without updates; see FollowUp for one with them).
func (s *Service) FollowUps(ctx context.Context, f FollowUpFilter) ([]FollowUp, error) {
	where, args := s.followUpWhere(f)
	order := " ORDER BY f.initiative_id, f.position, f.id"
	if f.AfterID != 0 || f.InitiativeID == 0 {
		order = " ORDER BY f.id"
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	q := `SELECT ` + followUpColumns + ` FROM follow_ups f JOIN initiatives i ON i.id = f.initiative_id
		JOIN bodies b ON b.id = f.responsible_body_id` + where + order + fmt.Sprintf(" LIMIT %d OFFSET %d", f.Limit, max(f.Offset, 0))
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []FollowUp
	for rows.Next() {
		var fu FollowUp
		if err := scanFollowUp(rows, &fu); err != nil {
			return nil, err
		}
		out = append(out, fu)
	}
	return out, rows.Err()
}

// CountFollowUps counts follow-ups matching f (for pagination).
func (s *Service) CountFollowUps(ctx context.Context, f FollowUpFilter) (int, error) {
	f.AfterID = 0
	where, args := s.followUpWhere(f)
	var n int
	err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM follow_ups f JOIN initiatives i ON i.id = f.initiative_id`+where, args...).Scan(&n)
	return n, err
}

// FollowUp returns one follow-up with its updates and links. Unless staff of the body,
// the initiative's results must be published.
func (s *Service) FollowUp(ctx context.Context, a *participe.Actor, id int64) (*FollowUp, error) {
	var fu FollowUp
	err := scanFollowUp(s.db.QueryRow(ctx, `SELECT `+followUpColumns+` FROM follow_ups f JOIN initiatives i ON i.id = f.initiative_id
		JOIN bodies b ON b.id = f.responsible_body_id WHERE f.id = ?`, id), &fu)
	if err != nil {
		return nil, db.NotFound(err, "follow-up not found")
	}
	if !canAnalyse(a, fu.BodyID) {
		var pub db.Time
		if err := s.db.QueryRow(ctx, `SELECT results_published_at FROM initiatives WHERE id = ?`, fu.InitiativeID).Scan(&pub); err != nil {
			return nil, err
		}
		if pub.IsZero() || pub.After(s.clock.Now()) {
			return nil, participe.Errorf(participe.ENOTFOUND, "follow-up not found")
		}
	}
	list := []FollowUp{fu}
	if err := s.attachUpdates(ctx, list); err != nil {
		return nil, err
	}
	return &list[0], nil
}

// attachUpdates fills Updates and Links of each follow-up (two queries in all).
func (s *Service) attachUpdates(ctx context.Context, list []FollowUp) error {
	if len(list) == 0 {
		return nil
	}
	idx := map[int64]int{}
	args := make([]any, len(list))
	for i, f := range list {
		idx[f.ID] = i
		args[i] = f.ID
	}
	ph := strings.TrimSuffix(strings.Repeat("?, ", len(list)), ", ")
	rows, err := s.db.Query(ctx, `SELECT follow_up_id, id, at, status, progress, text_fr, text_en FROM follow_up_updates
		WHERE follow_up_id IN (`+ph+`) ORDER BY at DESC, id DESC`, args...)
	if err != nil {
		return err
	}
	for rows.Next() {
		var fid int64
		var u Update
		var at db.Time
		if err := rows.Scan(&fid, &u.ID, &at, &u.Status, &u.Progress, &u.TextFR, &u.TextEN); err != nil {
			rows.Close()
			return err
		}
		u.At = at.Time
		list[idx[fid]].Updates = append(list[idx[fid]].Updates, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = s.db.Query(ctx, `SELECT follow_up_id, kind, item_id FROM follow_up_links WHERE follow_up_id IN (`+ph+`) ORDER BY follow_up_id, item_id`, args...)
	if err != nil {
		return err
	}
	var all []ItemRef
	var owners []int64
	for rows.Next() {
		var fid int64
		var r ItemRef
		if err := rows.Scan(&fid, &r.Kind, &r.ID); err != nil {
			rows.Close()
			return err
		}
		all = append(all, r)
		owners = append(owners, fid)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	s.resolveRefs(ctx, all)
	for i, r := range all {
		j := idx[owners[i]]
		list[j].Links = append(list[j].Links, r)
	}
	return nil
}

// FollowUpInput is a follow-up as written by managers.
type FollowUpInput struct {
	ResponsibleBodyID int64
	ThemeKey          string
	TitleFR, TitleEN  string
	DescriptionFR     string
	DescriptionEN     string
	Status            string
	DroppedReasonFR   string
	DroppedReasonEN   string
	Progress          int
	DueAt             time.Time
	ProposalIDs       []int64
}

func (in *FollowUpInput) validate() error {
	in.TitleFR = strings.TrimSpace(in.TitleFR)
	if in.TitleFR == "" || len(in.TitleFR) > 300 || len(in.TitleEN) > 300 {
		return participe.FieldError("title_fr", "results.error.title_required")
	}
	if len(in.DescriptionFR) > maxSummary || len(in.DescriptionEN) > maxSummary {
		return participe.FieldError("description_fr", "results.error.too_long")
	}
	if in.Status == "" {
		in.Status = StatusPlanned
	}
	if !validStatus(in.Status) {
		return participe.FieldError("status", "results.error.status")
	}
	if in.Progress < 0 || in.Progress > 100 {
		return participe.FieldError("progress", "results.error.progress")
	}
	if in.Status == StatusDropped && strings.TrimSpace(in.DroppedReasonFR) == "" {
		return participe.FieldError("dropped_reason_fr", "results.error.dropped_reason")
	}
	if in.Status == StatusDone {
		in.Progress = 100
	}
	return nil
}

// CreateFollowUp adds a follow-up to an initiative's results.
func (s *Service) CreateFollowUp(ctx context.Context, who Who, initiativeID int64, in FollowUpInput) (int64, error) {
	ini, err := s.initiative(ctx, initiativeID)
	if err != nil {
		return 0, err
	}
	if !who.can(ini.BodyID) {
		return 0, participe.Errorf(participe.EFORBIDDEN, "not a manager of this body")
	}
	if err := in.validate(); err != nil {
		return 0, err
	}
	if in.ResponsibleBodyID == 0 {
		in.ResponsibleBodyID = ini.BodyID
	}
	var exists int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM bodies WHERE id = ?`, in.ResponsibleBodyID).Scan(&exists); err != nil {
		return 0, err
	}
	if exists == 0 {
		return 0, participe.FieldError("responsible_body", "results.error.body")
	}
	now := s.clock.Now()
	var id int64
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		var pos int
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(position), 0) + 1 FROM follow_ups WHERE initiative_id = ?`, initiativeID).Scan(&pos); err != nil {
			return err
		}
		var done db.Time
		if in.Status == StatusDone {
			done = db.T(now)
		}
		var err error
		id, err = tx.InsertID(ctx, `INSERT INTO follow_ups (initiative_id, responsible_body_id, theme_key, position, title_fr, title_en,
			description_fr, description_en, status, dropped_reason_fr, dropped_reason_en, progress, due_at, done_at, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			initiativeID, in.ResponsibleBodyID, in.ThemeKey, pos, in.TitleFR, strings.TrimSpace(in.TitleEN),
			strings.TrimSpace(in.DescriptionFR), strings.TrimSpace(in.DescriptionEN), in.Status,
			strings.TrimSpace(in.DroppedReasonFR), strings.TrimSpace(in.DroppedReasonEN), in.Progress, db.T(in.DueAt), done, db.T(now), db.T(now))
		if err != nil {
			return err
		}
		if err := linkProposals(ctx, tx, id, in.ProposalIDs); err != nil {
			return err
		}
		return who.audit(ctx, tx, s, ini.BodyID, "results.followup.create", "follow_up", id, "")
	})
	s.Invalidate()
	return id, err
}

func linkProposals(ctx context.Context, tx *db.Tx, followUpID int64, ids []int64) error {
	for _, pid := range ids {
		if pid <= 0 {
			continue
		}
		if _, err := tx.Exec(ctx, `INSERT INTO follow_up_links (follow_up_id, kind, item_id) VALUES (?, 'proposal', ?) ON CONFLICT DO NOTHING`, followUpID, pid); err != nil {
			return err
		}
	}
	return nil
}

// UpdateInput is a dated update of a follow-up: new status and progress, and a text.
type UpdateInput struct {
	Status          string `json:"status"`
	Progress        int    `json:"progress"`
	TextFR          string `json:"text_fr"`
	TextEN          string `json:"text_en"`
	DroppedReasonFR string `json:"dropped_reason_fr"`
	DroppedReasonEN string `json:"dropped_reason_en"`
}

// JobFollowUpUpdated fanned out the emails of a follow-up update before they went
// through internal/notify; jobs of that kind still queued are handed over (notify.go).
const JobFollowUpUpdated = "results.followup_updated"

// followUpEvent is the notification of one update of a follow-up, for its followers
// (notification centre, and email now or in their digest), once per update.
func followUpEvent(followUpID, updateID int64, titleFR, titleEN string, actorID int64) notify.Event {
	return notify.Event{Kind: notify.KindFollowUpUpdate, Key: fmt.Sprintf("followup_update:%d", updateID), ActorID: actorID,
		FollowUpID: followUpID, Title: titleFR, TitleEN: titleEN, URL: fmt.Sprintf("/suites/%d", followUpID)}
}

// AddUpdate records a dated update, moves the follow-up's status and progress, and
// notifies the follow-up's followers.
func (s *Service) AddUpdate(ctx context.Context, who Who, followUpID int64, in UpdateInput) (int64, error) {
	var bodyID, initiativeID int64
	var curStatus, titleFR, titleEN string
	if err := s.db.QueryRow(ctx, `SELECT i.body_id, f.initiative_id, f.status, f.title_fr, f.title_en FROM follow_ups f JOIN initiatives i ON i.id = f.initiative_id WHERE f.id = ?`, followUpID).
		Scan(&bodyID, &initiativeID, &curStatus, &titleFR, &titleEN); err != nil {
		return 0, db.NotFound(err, "follow-up not found")
	}
	if !who.can(bodyID) {
		return 0, participe.Errorf(participe.EFORBIDDEN, "not allowed for this body")
	}
	in.TextFR = strings.TrimSpace(in.TextFR)
	if in.TextFR == "" || len(in.TextFR) > 5000 || len(in.TextEN) > 5000 {
		return 0, participe.FieldError("text_fr", "results.error.update_text")
	}
	if in.Status == "" {
		in.Status = curStatus
	}
	if !validStatus(in.Status) {
		return 0, participe.FieldError("status", "results.error.status")
	}
	if in.Progress < 0 || in.Progress > 100 {
		return 0, participe.FieldError("progress", "results.error.progress")
	}
	if in.Status == StatusDropped && strings.TrimSpace(in.DroppedReasonFR) == "" {
		return 0, participe.FieldError("dropped_reason_fr", "results.error.dropped_reason")
	}
	if in.Status == StatusDone {
		in.Progress = 100
	}
	now := s.clock.Now()
	var id int64
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		var err error
		var author, token any
		if who.personID() != 0 {
			author = who.personID()
		}
		if who.TokenID != 0 {
			token = who.TokenID
		}
		id, err = tx.InsertID(ctx, `INSERT INTO follow_up_updates (follow_up_id, at, status, progress, text_fr, text_en, author_id, token_id)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, followUpID, db.T(now), in.Status, in.Progress, in.TextFR, strings.TrimSpace(in.TextEN), author, token)
		if err != nil {
			return err
		}
		var done db.Time
		if in.Status == StatusDone {
			done = db.T(now)
		}
		if _, err := tx.Exec(ctx, `UPDATE follow_ups SET status = ?, progress = ?, done_at = ?, updated_at = ?,
			dropped_reason_fr = CASE WHEN ? = 'dropped' THEN ? ELSE dropped_reason_fr END,
			dropped_reason_en = CASE WHEN ? = 'dropped' THEN ? ELSE dropped_reason_en END WHERE id = ?`,
			in.Status, in.Progress, done, db.T(now), in.Status, strings.TrimSpace(in.DroppedReasonFR), in.Status, strings.TrimSpace(in.DroppedReasonEN), followUpID); err != nil {
			return err
		}
		if err := notify.Emit(ctx, s.jobs, tx, followUpEvent(followUpID, id, titleFR, titleEN, who.personID())); err != nil {
			return err
		}
		return who.audit(ctx, tx, s, bodyID, "results.followup.update", "follow_up", followUpID, "status="+in.Status)
	})
	s.Invalidate()
	return id, err
}

// DeleteFollowUp removes a follow-up (before publication, or a mistake).
func (s *Service) DeleteFollowUp(ctx context.Context, who Who, followUpID int64) error {
	var bodyID int64
	if err := s.db.QueryRow(ctx, `SELECT i.body_id FROM follow_ups f JOIN initiatives i ON i.id = f.initiative_id WHERE f.id = ?`, followUpID).Scan(&bodyID); err != nil {
		return db.NotFound(err, "follow-up not found")
	}
	if !who.can(bodyID) {
		return participe.Errorf(participe.EFORBIDDEN, "not allowed for this body")
	}
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM follow_ups WHERE id = ?`, followUpID); err != nil {
			return err
		}
		return who.audit(ctx, tx, s, bodyID, "results.followup.delete", "follow_up", followUpID, "")
	})
	s.Invalidate()
	return err
}

// Follow subscribes a person to a follow-up's updates (or unsubscribes).
func (s *Service) Follow(ctx context.Context, a *participe.Actor, followUpID int64, on bool) error {
	if a.IsAnonymous() {
		return participe.Errorf(participe.EUNAUTHORIZED, "sign in to follow")
	}
	if _, err := s.FollowUp(ctx, a, followUpID); err != nil {
		return err
	}
	if !on {
		_, err := s.db.Exec(ctx, `DELETE FROM follow_up_follows WHERE follow_up_id = ? AND person_id = ?`, followUpID, a.PersonID)
		return err
	}
	_, err := s.db.Exec(ctx, `INSERT INTO follow_up_follows (follow_up_id, person_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
		followUpID, a.PersonID, db.T(s.clock.Now()))
	return err
}

// Following reports whether the person follows the follow-up.
func (s *Service) Following(ctx context.Context, a *participe.Actor, followUpID int64) bool {
	if a.IsAnonymous() {
		return false
	}
	var n int
	_ = s.db.QueryRow(ctx, `SELECT COUNT(*) FROM follow_up_follows WHERE follow_up_id = ? AND person_id = ?`, followUpID, a.PersonID).Scan(&n)
	return n > 0
}
