package results

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"participe/internal/audit"
	"participe/internal/db"
	"participe/internal/notify"
	"participe/internal/participe"
)

// Who is the author of a write: a signed-in staff member, or a staff system's API token
// (TokenBodyID is then the token's body). IP is recorded in the audit log.
type Who struct {
	Actor       *participe.Actor
	TokenID     int64
	TokenBodyID int64
	IP          string
}

func (w Who) personID() int64 {
	if w.Actor == nil {
		return 0
	}
	return w.Actor.PersonID
}

// can reports whether the author may write for bodyID.
func (w Who) can(bodyID int64) bool {
	if w.TokenID != 0 {
		return w.TokenBodyID == bodyID
	}
	return canManage(w.Actor, bodyID)
}

func (w Who) audit(ctx context.Context, tx *db.Tx, s *Service, bodyID int64, action, targetType string, targetID int64, details string) error {
	if w.TokenID != 0 {
		details = strings.TrimSpace(fmt.Sprintf("api_token=%d %s", w.TokenID, details))
	}
	return audit.Record(ctx, tx, audit.Entry{At: s.clock.Now(), ActorID: w.personID(), BodyID: bodyID, Action: action,
		TargetType: targetType, TargetID: targetID, Details: details, IP: w.IP})
}

// initiativeRef is what writes need of an initiative.
type initiativeRef struct {
	ID, BodyID     int64
	Slug           string
	TitleFR        string
	TitleEN        string
	EndsAt         db.Time
	ResultsPublish db.Time
}

func (s *Service) initiative(ctx context.Context, id int64) (*initiativeRef, error) {
	var r initiativeRef
	err := s.db.QueryRow(ctx, `SELECT id, body_id, slug, title_fr, title_en, ends_at, results_published_at FROM initiatives WHERE id = ?`, id).
		Scan(&r.ID, &r.BodyID, &r.Slug, &r.TitleFR, &r.TitleEN, &r.EndsAt, &r.ResultsPublish)
	if err != nil {
		return nil, db.NotFound(err, "initiative not found")
	}
	return &r, nil
}

// Get returns the results of an initiative as the public sees them: ENOTFOUND until
// published.
func (s *Service) Get(ctx context.Context, initiativeID int64) (*Results, error) {
	r, err := s.load(ctx, initiativeID)
	if err != nil {
		return nil, err
	}
	if !r.Published(s.clock.Now()) {
		return nil, participe.Errorf(participe.ENOTFOUND, "results not published")
	}
	return r, nil
}

// ForEdit returns the results being written, for a manager of the initiative's body.
func (s *Service) ForEdit(ctx context.Context, a *participe.Actor, initiativeID int64) (*Results, error) {
	ini, err := s.initiative(ctx, initiativeID)
	if err != nil {
		return nil, err
	}
	if !canManage(a, ini.BodyID) {
		return nil, participe.Errorf(participe.EFORBIDDEN, "not a manager of this body")
	}
	return s.load(ctx, initiativeID)
}

// load reads results, themes, documents and follow-ups (with updates and links).
func (s *Service) load(ctx context.Context, initiativeID int64) (*Results, error) {
	r := &Results{InitiativeID: initiativeID}
	var pub db.Time
	err := s.db.QueryRow(ctx, `SELECT summary_fr, summary_en, published_at FROM initiative_results WHERE initiative_id = ?`, initiativeID).
		Scan(&r.SummaryFR, &r.SummaryEN, &pub)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	r.PublishedAt = pub.Time
	if r.Themes, err = s.themes(ctx, initiativeID); err != nil {
		return nil, err
	}
	if r.Documents, err = s.Documents(ctx, initiativeID); err != nil {
		return nil, err
	}
	if r.FollowUps, err = s.FollowUps(ctx, FollowUpFilter{InitiativeID: initiativeID, Limit: 500}); err != nil {
		return nil, err
	}
	if err := s.attachUpdates(ctx, r.FollowUps); err != nil {
		return nil, err
	}
	return r, nil
}

func (s *Service) themes(ctx context.Context, initiativeID int64) ([]Theme, error) {
	rows, err := s.db.Query(ctx, `SELECT id, position, title_fr, title_en, synthesis_fr, synthesis_en, link_path
		FROM result_themes WHERE initiative_id = ? ORDER BY position, id`, initiativeID)
	if err != nil {
		return nil, err
	}
	var out []Theme
	for rows.Next() {
		var t Theme
		if err := rows.Scan(&t.ID, &t.Position, &t.TitleFR, &t.TitleEN, &t.SynthesisFR, &t.SynthesisEN, &t.LinkPath); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		items, err := s.itemRefs(ctx, `SELECT kind, item_id FROM result_theme_items WHERE theme_id = ? ORDER BY item_id`, out[i].ID)
		if err != nil {
			return nil, err
		}
		out[i].Items = items
	}
	return out, nil
}

// Input is what managers write: the plain-language summary in both languages.
type Input struct {
	SummaryFR string
	SummaryEN string
}

const maxSummary = 20000

// SaveSummary writes the summary (draft or published).
func (s *Service) SaveSummary(ctx context.Context, who Who, initiativeID int64, in Input) error {
	ini, err := s.initiative(ctx, initiativeID)
	if err != nil {
		return err
	}
	if !who.can(ini.BodyID) {
		return participe.Errorf(participe.EFORBIDDEN, "not a manager of this body")
	}
	in.SummaryFR, in.SummaryEN = strings.TrimSpace(in.SummaryFR), strings.TrimSpace(in.SummaryEN)
	if in.SummaryFR == "" {
		return participe.FieldError("summary_fr", "results.error.summary_required")
	}
	if len(in.SummaryFR) > maxSummary || len(in.SummaryEN) > maxSummary {
		return participe.FieldError("summary_fr", "results.error.too_long")
	}
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO initiative_results (initiative_id, summary_fr, summary_en) VALUES (?, ?, ?)
			ON CONFLICT (initiative_id) DO UPDATE SET summary_fr = excluded.summary_fr, summary_en = excluded.summary_en`,
			initiativeID, in.SummaryFR, in.SummaryEN); err != nil {
			return err
		}
		return who.audit(ctx, tx, s, ini.BodyID, "results.summary.save", "initiative", initiativeID, "")
	})
	s.Invalidate()
	return err
}

// ThemeInput is a theme that emerged, with the ids of the proposals in it.
type ThemeInput struct {
	TitleFR, TitleEN         string
	SynthesisFR, SynthesisEN string
	LinkPath                 string
	ProposalIDs              []int64
}

// AddTheme appends a theme to the results.
func (s *Service) AddTheme(ctx context.Context, who Who, initiativeID int64, in ThemeInput) (int64, error) {
	ini, err := s.initiative(ctx, initiativeID)
	if err != nil {
		return 0, err
	}
	if !who.can(ini.BodyID) {
		return 0, participe.Errorf(participe.EFORBIDDEN, "not a manager of this body")
	}
	in.TitleFR = strings.TrimSpace(in.TitleFR)
	if in.TitleFR == "" || len(in.TitleFR) > 300 {
		return 0, participe.FieldError("title_fr", "results.error.title_required")
	}
	if len(in.SynthesisFR) > maxSummary || len(in.SynthesisEN) > maxSummary {
		return 0, participe.FieldError("synthesis_fr", "results.error.too_long")
	}
	if in.LinkPath != "" && (!strings.HasPrefix(in.LinkPath, "/") || strings.HasPrefix(in.LinkPath, "//")) {
		return 0, participe.FieldError("link_path", "results.error.link_path")
	}
	var id int64
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		var pos int
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(position), 0) + 1 FROM result_themes WHERE initiative_id = ?`, initiativeID).Scan(&pos); err != nil {
			return err
		}
		var err error
		id, err = tx.InsertID(ctx, `INSERT INTO result_themes (initiative_id, position, title_fr, title_en, synthesis_fr, synthesis_en, link_path)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, initiativeID, pos, in.TitleFR, strings.TrimSpace(in.TitleEN),
			strings.TrimSpace(in.SynthesisFR), strings.TrimSpace(in.SynthesisEN), in.LinkPath)
		if err != nil {
			return err
		}
		for _, pid := range in.ProposalIDs {
			if _, err := tx.Exec(ctx, `INSERT INTO result_theme_items (theme_id, kind, item_id) VALUES (?, 'proposal', ?) ON CONFLICT DO NOTHING`, id, pid); err != nil {
				return err
			}
		}
		return who.audit(ctx, tx, s, ini.BodyID, "results.theme.add", "result_theme", id, "")
	})
	s.Invalidate()
	return id, err
}

// DeleteTheme removes a theme of the results.
func (s *Service) DeleteTheme(ctx context.Context, who Who, initiativeID, themeID int64) error {
	err := s.deleteOwned(ctx, who, initiativeID, themeID, "result_themes", "result_theme", "results.theme.delete")
	s.Invalidate()
	return err
}

// JobPublished fanned out the "results published" emails before they went through
// internal/notify; jobs of that kind still queued are handed over (notify.go).
const JobPublished = "results.published"

// publishedEvent is the notification of results published at "at": every participant
// and follower of the initiative gets it in the notification centre, and by email now
// or in their digest (internal/notify), once per publication.
func publishedEvent(ini *initiativeRef, at time.Time, actorID int64) notify.Event {
	return notify.Event{Kind: notify.KindResultsPublished, Key: fmt.Sprintf("results_published:%d:%d", ini.ID, at.Unix()), ActorID: actorID,
		InitiativeID: ini.ID, Title: ini.TitleFR, TitleEN: ini.TitleEN, URL: "/initiatives/" + ini.Slug + "/resultats"}
}

// Publish makes the results public now and notifies participants and followers (by a
// job, so publishing never waits for mail). Results are published once the initiative
// has closed, and need a summary.
func (s *Service) Publish(ctx context.Context, who Who, initiativeID int64) error {
	ini, err := s.initiative(ctx, initiativeID)
	if err != nil {
		return err
	}
	if !who.can(ini.BodyID) {
		return participe.Errorf(participe.EFORBIDDEN, "not a manager of this body")
	}
	now := s.clock.Now()
	if now.Before(ini.EndsAt.Time) {
		return participe.KeyError(participe.ECONFLICT, "results.error.still_open")
	}
	var summary string
	err = s.db.QueryRow(ctx, `SELECT summary_fr FROM initiative_results WHERE initiative_id = ?`, initiativeID).Scan(&summary)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if strings.TrimSpace(summary) == "" {
		return participe.FieldError("summary_fr", "results.error.summary_required")
	}
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE initiative_results SET published_at = ? WHERE initiative_id = ?`, db.T(now), initiativeID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE initiatives SET results_published_at = ?, updated_at = ? WHERE id = ?`, db.T(now), db.T(now), initiativeID); err != nil {
			return err
		}
		if err := notify.Emit(ctx, s.jobs, tx, publishedEvent(ini, now, who.personID())); err != nil {
			return err
		}
		return who.audit(ctx, tx, s, ini.BodyID, "results.publish", "initiative", initiativeID, "")
	})
	s.Invalidate()
	return err
}

// Unpublish takes results back to draft (a mistake caught after publishing).
func (s *Service) Unpublish(ctx context.Context, who Who, initiativeID int64) error {
	ini, err := s.initiative(ctx, initiativeID)
	if err != nil {
		return err
	}
	if !who.can(ini.BodyID) {
		return participe.Errorf(participe.EFORBIDDEN, "not a manager of this body")
	}
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE initiative_results SET published_at = NULL WHERE initiative_id = ?`, initiativeID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE initiatives SET results_published_at = NULL, updated_at = ? WHERE id = ?`, db.T(s.clock.Now()), initiativeID); err != nil {
			return err
		}
		return who.audit(ctx, tx, s, ini.BodyID, "results.unpublish", "initiative", initiativeID, "")
	})
	s.Invalidate()
	return err
}

// itemRefs loads (kind, id) pairs and resolves their titles and paths.
func (s *Service) itemRefs(ctx context.Context, q string, args ...any) ([]ItemRef, error) {
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	var out []ItemRef
	for rows.Next() {
		var r ItemRef
		if err := rows.Scan(&r.Kind, &r.ID); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	s.resolveRefs(ctx, out)
	return out, nil
}
