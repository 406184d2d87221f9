package api

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"participe/internal/db"
	"participe/internal/participe"
	"participe/internal/results"
)

// Store runs the API's read queries: keyset pagination by id (WHERE id > cursor ORDER BY
// id LIMIT n+1), so every page costs the same however deep the client goes.
type Store struct {
	db      *db.DB
	clock   participe.Clock
	Results *results.Service
}

// NewStore builds the store.
func NewStore(d *db.DB, clock participe.Clock, r *results.Service) *Store {
	return &Store{db: d, clock: clock, Results: r}
}

func iso(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func isoPtr(t db.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := iso(t.Time)
	return &s
}

func datePtr(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format("2006-01-02")
	return &s
}

const publicInitiative = `i.state IN ('published', 'scheduled', 'closed', 'archived') AND i.published_at IS NOT NULL AND i.published_at <= ?`

// InitiativeFilter filters GET /api/v1/initiatives.
type InitiativeFilter struct {
	Body, Theme, Status string
	AfterID             int64
	Limit               int
}

// ValidStatus lists the statuses accepted in filters.
var ValidStatus = map[string]bool{"": true, "upcoming": true, "open": true, "closed": true, "results": true}

// Initiatives lists public initiatives.
func (s *Store) Initiatives(ctx context.Context, f InitiativeFilter) ([]Initiative, bool, error) {
	now := db.T(s.clock.Now())
	where := []string{publicInitiative, "i.id > ?"}
	args := []any{now, f.AfterID}
	if f.Body != "" {
		where = append(where, "b.slug = ?")
		args = append(args, f.Body)
	}
	if f.Theme != "" {
		where = append(where, "EXISTS (SELECT 1 FROM initiative_themes it JOIN themes t ON t.id = it.theme_id WHERE it.initiative_id = i.id AND t.slug = ?)")
		args = append(args, f.Theme)
	}
	resultsOut := "(i.results_published_at IS NULL OR i.results_published_at > ?)"
	switch f.Status {
	case "upcoming":
		where = append(where, resultsOut, "i.starts_at > ?")
		args = append(args, now, now)
	case "open":
		where = append(where, resultsOut, "i.starts_at <= ? AND i.ends_at > ?")
		args = append(args, now, now, now)
	case "closed":
		where = append(where, resultsOut, "i.ends_at <= ?")
		args = append(args, now, now)
	case "results":
		where = append(where, "i.results_published_at IS NOT NULL AND i.results_published_at <= ?")
		args = append(args, now)
	}
	// Ids of the page first, walking the primary key from the cursor (on SQLite the
	// planner would otherwise pick the status index and sort every public initiative,
	// reading their long texts), then the page's rows.
	from := "initiatives i"
	if s.db.Engine == db.SQLite {
		from = "initiatives i NOT INDEXED"
	}
	rows, err := s.db.Query(ctx, `WITH page AS (SELECT i.id FROM `+from+` JOIN bodies b ON b.id = i.body_id WHERE `+strings.Join(where, " AND ")+
		fmt.Sprintf(" ORDER BY i.id LIMIT %d", f.Limit+1)+`)
		SELECT i.id, i.slug, i.title_fr, i.title_en, i.summary_fr, i.summary_en, b.slug, b.name_fr, b.name_en,
		i.kind, i.starts_at, i.ends_at, i.participants_count, i.results_published_at
		FROM page JOIN initiatives i ON i.id = page.id JOIN bodies b ON b.id = i.body_id ORDER BY i.id`, args...)
	if err != nil {
		return nil, false, err
	}
	var out []Initiative
	for rows.Next() {
		var it Initiative
		var starts, ends, res db.Time
		if err := rows.Scan(&it.ID, &it.Slug, &it.Title.FR, &it.Title.EN, &it.Summary.FR, &it.Summary.EN, &it.Body.Slug, &it.Body.Name.FR,
			&it.Body.Name.EN, &it.Kind, &starts, &ends, &it.Participants, &res); err != nil {
			rows.Close()
			return nil, false, err
		}
		it.StartsAt, it.EndsAt = iso(starts.Time), iso(ends.Time)
		it.Status = status(s.clock.Now(), starts.Time, ends.Time, res.Time)
		if !res.IsZero() && !res.After(s.clock.Now()) {
			it.ResultsPublishedAt = isoPtr(res)
		}
		it.Themes = []string{}
		it.URL = "/initiatives/" + it.Slug
		out = append(out, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	more := len(out) > f.Limit
	if more {
		out = out[:f.Limit]
	}
	return out, more, s.attachThemes(ctx, out)
}

func status(now, starts, ends, res time.Time) string {
	switch {
	case !res.IsZero() && !res.After(now):
		return "results"
	case now.Before(starts):
		return "upcoming"
	case now.Before(ends):
		return "open"
	}
	return "closed"
}

func (s *Store) attachThemes(ctx context.Context, list []Initiative) error {
	if len(list) == 0 {
		return nil
	}
	idx := map[int64]int{}
	args := make([]any, len(list))
	for i, it := range list {
		idx[it.ID] = i
		args[i] = it.ID
	}
	rows, err := s.db.Query(ctx, `SELECT it.initiative_id, t.slug FROM initiative_themes it JOIN themes t ON t.id = it.theme_id
		WHERE it.initiative_id IN (`+strings.TrimSuffix(strings.Repeat("?, ", len(args)), ", ")+`) ORDER BY t.slug`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var slug string
		if err := rows.Scan(&id, &slug); err != nil {
			return err
		}
		list[idx[id]].Themes = append(list[idx[id]].Themes, slug)
	}
	return rows.Err()
}

// Initiative returns one public initiative by slug.
func (s *Store) Initiative(ctx context.Context, slug string) (*Initiative, int64, error) {
	now := db.T(s.clock.Now())
	var it Initiative
	var bodyID int64
	var starts, ends, res db.Time
	err := s.db.QueryRow(ctx, `SELECT i.id, i.slug, i.title_fr, i.title_en, i.summary_fr, i.summary_en, b.slug, b.name_fr, b.name_en,
		i.kind, i.starts_at, i.ends_at, i.participants_count, i.results_published_at, i.body_id
		FROM initiatives i JOIN bodies b ON b.id = i.body_id WHERE i.slug = ? AND `+publicInitiative, slug, now).
		Scan(&it.ID, &it.Slug, &it.Title.FR, &it.Title.EN, &it.Summary.FR, &it.Summary.EN, &it.Body.Slug, &it.Body.Name.FR,
			&it.Body.Name.EN, &it.Kind, &starts, &ends, &it.Participants, &res, &bodyID)
	if err != nil {
		return nil, 0, db.NotFound(err, "initiative not found")
	}
	it.StartsAt, it.EndsAt = iso(starts.Time), iso(ends.Time)
	it.Status = status(s.clock.Now(), starts.Time, ends.Time, res.Time)
	if it.Status == "results" {
		it.ResultsPublishedAt = isoPtr(res)
	}
	it.Themes = []string{}
	it.URL = "/initiatives/" + it.Slug
	list := []Initiative{it}
	if err := s.attachThemes(ctx, list); err != nil {
		return nil, 0, err
	}
	return &list[0], bodyID, nil
}

// Bodies lists public bodies.
func (s *Store) Bodies(ctx context.Context, after int64, limit int) ([]Body, bool, error) {
	rows, err := s.db.Query(ctx, `SELECT id, slug, acronym, name_fr, name_en, kind, website FROM bodies WHERE id > ? ORDER BY id LIMIT ?`, after, limit+1)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	var out []Body
	for rows.Next() {
		var b Body
		if err := rows.Scan(&b.ID, &b.Slug, &b.Acronym, &b.Name.FR, &b.Name.EN, &b.Kind, &b.Website); err != nil {
			return nil, false, err
		}
		b.URL = "/organismes/" + b.Slug
		out = append(out, b)
	}
	more := len(out) > limit
	if more {
		out = out[:limit]
	}
	return out, more, rows.Err()
}

// Themes lists themes.
func (s *Store) Themes(ctx context.Context, after int64, limit int) ([]Theme, bool, error) {
	rows, err := s.db.Query(ctx, `SELECT id, slug, name_fr, name_en FROM themes WHERE id > ? ORDER BY id LIMIT ?`, after, limit+1)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	var out []Theme
	for rows.Next() {
		var t Theme
		if err := rows.Scan(&t.ID, &t.Slug, &t.Name.FR, &t.Name.EN); err != nil {
			return nil, false, err
		}
		out = append(out, t)
	}
	more := len(out) > limit
	if more {
		out = out[:limit]
	}
	return out, more, rows.Err()
}

// Contributions lists an initiative's contributions, anonymised like the open data.
func (s *Store) Contributions(ctx context.Context, initiativeID int64, slug, kind string, after int64, limit int) ([]Contribution, bool, error) {
	where := "k.initiative_id = ? AND k.id > ?"
	args := []any{initiativeID, after}
	if kind != "" {
		where += " AND k.kind = ?"
		args = append(args, kind)
	}
	args = append(args, true)
	// The page's ids come from the (initiative_id[, kind], id) indexes of migration 0005;
	// only those rows are then joined to their tool's detail.
	rows, err := s.db.Query(ctx, `WITH page AS (SELECT k.id FROM contributions k WHERE `+where+fmt.Sprintf(" ORDER BY k.id LIMIT %d", limit+1)+`)
		SELECT c.id, c.tool, c.kind, COALESCE(a.proposal_id, cm.proposal_id, 0), c.channel,
		CASE WHEN p.official = ? THEN 'official' WHEN c.entered_by IS NOT NULL THEN 'staff_entry' WHEN c.organisation_id IS NOT NULL THEN 'organisation' ELSE 'participant' END,
		c.status, c.created_at, c.hidden_reason, COALESCE(p.title, ''), COALESCE(p.body, a.body, cm.body, ''), COALESCE(a.side, ''),
		COALESCE(p.votes_for, 0), COALESCE(p.votes_against, 0), COALESCE(p.answer_state, '')
		FROM page JOIN contributions c ON c.id = page.id LEFT JOIN proposals p ON p.id = c.id LEFT JOIN proposal_arguments a ON a.id = c.id
		LEFT JOIN comments cm ON cm.id = c.id ORDER BY c.id`, args...)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	var out []Contribution
	for rows.Next() {
		var c Contribution
		var parent int64
		var created db.Time
		var reason string
		if err := rows.Scan(&c.ID, &c.Tool, &c.Kind, &parent, &c.Channel, &c.AuthorKind, &c.Status, &created, &reason, &c.Title, &c.Text,
			&c.Side, &c.VotesFor, &c.VotesAgainst, &c.AnswerState); err != nil {
			return nil, false, err
		}
		if parent != 0 {
			c.ParentID = &parent
		}
		if c.Status != "published" {
			c.Text, c.Title = reason, ""
		}
		c.Initiative = slug
		c.CreatedAt = iso(created.Time)
		out = append(out, c)
	}
	more := len(out) > limit
	if more {
		out = out[:limit]
	}
	return out, more, rows.Err()
}

// Answers lists published official answers of an initiative (by contribution id).
func (s *Store) Answers(ctx context.Context, initiativeID int64, slug string, after int64, limit int) ([]Answer, bool, error) {
	rows, err := s.db.Query(ctx, `SELECT a.contribution_id, a.state, a.text, a.published_at FROM official_answers a
		JOIN contributions c ON c.id = a.contribution_id WHERE c.initiative_id = ? AND a.published_at IS NOT NULL AND a.contribution_id > ?
		ORDER BY a.contribution_id LIMIT ?`, initiativeID, after, limit+1)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	var out []Answer
	for rows.Next() {
		var a Answer
		var at db.Time
		if err := rows.Scan(&a.ContributionID, &a.State, &a.Text, &at); err != nil {
			return nil, false, err
		}
		a.Initiative, a.PublishedAt = slug, iso(at.Time)
		out = append(out, a)
	}
	more := len(out) > limit
	if more {
		out = out[:limit]
	}
	return out, more, rows.Err()
}

// FollowUpJSON converts a follow-up.
func FollowUpJSON(f results.FollowUp, now time.Time) FollowUp {
	out := FollowUp{ID: f.ID, Initiative: f.InitiativeSlug, Title: Text{f.TitleFR, f.TitleEN}, Description: Text{f.DescriptionFR, f.DescriptionEN},
		ResponsibleBody: BodyRef{Slug: f.ResponsibleSlug, Name: Text{f.ResponsibleFR, f.ResponsibleEN}}, Status: f.Status, Progress: f.Progress,
		DueDate: datePtr(f.DueAt), DoneDate: datePtr(f.DoneAt), DroppedReason: Text{f.DroppedReasonFR, f.DroppedReasonEN}, Late: f.Late(now),
		Proposals: []int64{}, Updates: []Update{}, URL: "/suites/" + strconv.FormatInt(f.ID, 10)}
	for _, l := range f.Links {
		out.Proposals = append(out.Proposals, l.ID)
	}
	for _, u := range f.Updates {
		out.Updates = append(out.Updates, Update{ID: u.ID, At: iso(u.At), Status: u.Status, Progress: u.Progress, Text: Text{u.TextFR, u.TextEN}})
	}
	return out
}

// FollowUps lists published follow-ups with their updates.
func (s *Store) FollowUps(ctx context.Context, f results.FollowUpFilter) ([]FollowUp, bool, error) {
	limit := f.Limit
	f.Limit = limit + 1
	f.PublicOnly = true
	list, err := s.Results.FollowUps(ctx, f)
	if err != nil {
		return nil, false, err
	}
	more := len(list) > limit
	if more {
		list = list[:limit]
	}
	full, err := s.Results.WithUpdates(ctx, list)
	if err != nil {
		return nil, false, err
	}
	out := make([]FollowUp, 0, len(full))
	now := s.clock.Now()
	for _, fu := range full {
		out = append(out, FollowUpJSON(fu, now))
	}
	return out, more, nil
}
