package api

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"participe/internal/db"
	"participe/internal/participe"
	"participe/internal/results"
)

// Store runs the API's read queries: keyset pagination by id (WHERE id > cursor ORDER BY
// id LIMIT n+1), so every page costs the same however deep the client goes. Bodies,
// themes and the initiatives' themes come from an in-memory copy (lookups.go).
type Store struct {
	db    *db.DB
	clock participe.Clock
	cache lookupCache
}

// NewStore builds the store.
func NewStore(d *db.DB, clock participe.Clock) *Store {
	return &Store{db: d, clock: clock}
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

// PublicInitiativeID resolves the slug of a public initiative from the in-memory index
// (no query): ENOTFOUND when unknown or not public.
func (s *Store) PublicInitiativeID(ctx context.Context, slug string) (int64, error) {
	l, err := s.cache.get(ctx, s.db)
	if err != nil {
		return 0, err
	}
	ref, ok := l.initiatives[slug]
	if !ok || !ref.public(s.clock.Now()) {
		return 0, participe.Errorf(participe.ENOTFOUND, "initiative not found")
	}
	return ref.ID, nil
}

// BodyID resolves a body's slug (ENOTFOUND when unknown).
func (s *Store) BodyID(ctx context.Context, slug string) (int64, error) {
	l, err := s.cache.get(ctx, s.db)
	if err != nil {
		return 0, err
	}
	id, ok := l.bodyBySlug[slug]
	if !ok {
		return 0, participe.Errorf(participe.ENOTFOUND, "body not found")
	}
	return id, nil
}

// initiativeColumns are read by scanInitiative.
const initiativeColumns = `i.id, i.slug, i.title_fr, i.title_en, i.summary_fr, i.summary_en, i.body_id,
	i.kind, i.starts_at, i.ends_at, i.participants_count, i.results_published_at`

type scanner interface{ Scan(dest ...any) error }

// scanInitiative reads initiativeColumns (plus extra destinations) and completes the
// item from the lookups.
func (s *Store) scanInitiative(row scanner, l *lookups, now time.Time, it *Initiative, extra ...any) error {
	var bodyID int64
	var starts, ends, res db.Time
	dest := append([]any{&it.ID, &it.Slug, &it.Title.FR, &it.Title.EN, &it.Summary.FR, &it.Summary.EN, &bodyID,
		&it.Kind, &starts, &ends, &it.Participants, &res}, extra...)
	if err := row.Scan(dest...); err != nil {
		return err
	}
	if b := l.bodyByID[bodyID]; b != nil {
		it.Body = BodyRef{Slug: b.Slug, Name: b.Name}
	}
	it.StartsAt, it.EndsAt = iso(starts.Time), iso(ends.Time)
	it.Status = status(now, starts.Time, ends.Time, res.Time)
	if it.Status == "results" {
		it.ResultsPublishedAt = isoPtr(res)
	}
	it.Themes = l.themesFor(it.ID)
	it.URL = "/initiatives/" + it.Slug
	return nil
}

// initiativeWhere builds the filter of a list of public initiatives; ok is false when a
// filter names an unknown body or theme (the list is then empty).
func initiativeWhere(l *lookups, f InitiativeFilter, now db.Time) (where []string, args []any, ok bool) {
	where = []string{publicInitiative, "i.id > ?"}
	args = []any{now, f.AfterID}
	if f.Body != "" {
		id, found := l.bodyBySlug[f.Body]
		if !found {
			return nil, nil, false
		}
		where = append(where, "i.body_id = ?")
		args = append(args, id)
	}
	if f.Theme != "" {
		id, found := l.themeBySlug[f.Theme]
		if !found {
			return nil, nil, false
		}
		where = append(where, "i.id IN (SELECT it.initiative_id FROM initiative_themes it WHERE it.theme_id = ?)")
		args = append(args, id)
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
	return where, args, true
}

// fromInitiatives is the FROM of a page of initiatives: on SQLite the primary key is
// walked from the cursor (NOT INDEXED), since the planner would otherwise pick a status
// index and sort every public initiative to return one page; with a body filter the
// (body_id, state) index is better (few rows to sort).
func (s *Store) fromInitiatives(f InitiativeFilter) string {
	if s.db.Engine == db.SQLite && f.Body == "" {
		return "initiatives i NOT INDEXED"
	}
	return "initiatives i"
}

// Initiatives lists public initiatives: one query reading exactly one page.
func (s *Store) Initiatives(ctx context.Context, f InitiativeFilter) ([]Initiative, bool, error) {
	l, err := s.cache.get(ctx, s.db)
	if err != nil {
		return nil, false, err
	}
	nowT := s.clock.Now()
	where, args, ok := initiativeWhere(l, f, db.T(nowT))
	if !ok {
		return nil, false, nil
	}
	rows, err := s.db.Query(ctx, `SELECT `+initiativeColumns+` FROM `+s.fromInitiatives(f)+` WHERE `+strings.Join(where, " AND ")+
		fmt.Sprintf(" ORDER BY i.id LIMIT %d", f.Limit+1), args...)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	out := make([]Initiative, 0, f.Limit+1)
	for rows.Next() {
		out = append(out, Initiative{})
		if err := s.scanInitiative(rows, l, nowT, &out[len(out)-1]); err != nil {
			return nil, false, err
		}
	}
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	more := len(out) > f.Limit
	if more {
		out = out[:f.Limit]
	}
	return out, more, nil
}

// ResultsPage lists the published results of public initiatives (the initiative and
// its results summary, one query).
func (s *Store) ResultsPage(ctx context.Context, f InitiativeFilter) ([]Results, bool, error) {
	l, err := s.cache.get(ctx, s.db)
	if err != nil {
		return nil, false, err
	}
	nowT := s.clock.Now()
	f.Status = "results"
	where, args, ok := initiativeWhere(l, f, db.T(nowT))
	if !ok {
		return nil, false, nil
	}
	rows, err := s.db.Query(ctx, `SELECT `+initiativeColumns+`, COALESCE(r.summary_fr, ''), COALESCE(r.summary_en, '')
		FROM `+s.fromInitiatives(f)+` LEFT JOIN initiative_results r ON r.initiative_id = i.id WHERE `+strings.Join(where, " AND ")+
		fmt.Sprintf(" ORDER BY i.id LIMIT %d", f.Limit+1), args...)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	out := make([]Results, 0, f.Limit+1)
	for rows.Next() {
		var it Initiative
		var r Results
		if err := s.scanInitiative(rows, l, nowT, &it, &r.Summary.FR, &r.Summary.EN); err != nil {
			return nil, false, err
		}
		r.initiativeID, r.Initiative, r.Title, r.Body, r.URL = it.ID, it.Slug, it.Title, it.Body, it.URL+"/resultats"
		if it.ResultsPublishedAt != nil {
			r.PublishedAt = *it.ResultsPublishedAt
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	more := len(out) > f.Limit
	if more {
		out = out[:f.Limit]
	}
	return out, more, nil
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

// Initiative returns one public initiative by slug.
func (s *Store) Initiative(ctx context.Context, slug string) (*Initiative, int64, error) {
	l, err := s.cache.get(ctx, s.db)
	if err != nil {
		return nil, 0, err
	}
	nowT := s.clock.Now()
	var it Initiative
	var bodyID int64
	err = s.scanInitiative(s.db.QueryRow(ctx, `SELECT `+initiativeColumns+`, i.body_id FROM initiatives i WHERE i.slug = ? AND `+publicInitiative,
		slug, db.T(nowT)), l, nowT, &it, &bodyID)
	if err != nil {
		return nil, 0, db.NotFound(err, "initiative not found")
	}
	return &it, bodyID, nil
}

// page returns items after the cursor id, at most limit, and whether there are more.
func page[T any](list []T, id func(*T) int64, after int64, limit int) ([]T, bool) {
	i, _ := slices.BinarySearchFunc(list, after, func(t T, a int64) int {
		switch v := id(&t); {
		case v < a:
			return -1
		case v > a:
			return 1
		}
		return 0
	})
	for i < len(list) && id(&list[i]) <= after {
		i++
	}
	list = list[i:]
	if len(list) > limit {
		return list[:limit:limit], true
	}
	return list, false
}

// Bodies lists public bodies (from the in-memory copy; shared: do not modify).
func (s *Store) Bodies(ctx context.Context, after int64, limit int) ([]Body, bool, error) {
	l, err := s.cache.get(ctx, s.db)
	if err != nil {
		return nil, false, err
	}
	out, more := page(l.bodies, func(b *Body) int64 { return b.ID }, after, limit)
	return out, more, nil
}

// Themes lists themes (from the in-memory copy; shared: do not modify).
func (s *Store) Themes(ctx context.Context, after int64, limit int) ([]Theme, bool, error) {
	l, err := s.cache.get(ctx, s.db)
	if err != nil {
		return nil, false, err
	}
	out, more := page(l.themes, func(t *Theme) int64 { return t.ID }, after, limit)
	return out, more, nil
}

// Contributions lists an initiative's contributions, anonymised like the open data.
func (s *Store) Contributions(ctx context.Context, initiativeID int64, slug, kind string, after int64, limit int) ([]Contribution, bool, error) {
	where := "c.initiative_id = ? AND c.id > ?"
	args := []any{true, initiativeID, after}
	if kind != "" {
		where += " AND c.kind = ?"
		args = append(args, kind)
	}
	// The page walks the (initiative_id[, kind], id) index of migration 0005 from the
	// cursor, each row joined by primary key to its tool's detail: no sort, no more rows
	// read than the page.
	rows, err := s.db.Query(ctx, `SELECT c.id, c.tool, c.kind, COALESCE(a.proposal_id, cm.proposal_id, 0), c.channel,
		CASE WHEN p.official = ? THEN 'official' WHEN c.entered_by IS NOT NULL THEN 'staff_entry' WHEN c.organisation_id IS NOT NULL THEN 'organisation' ELSE 'participant' END,
		c.status, c.created_at, c.hidden_reason, COALESCE(p.title, ''), COALESCE(p.body, a.body, cm.body, ''), COALESCE(a.side, ''),
		COALESCE(p.votes_for, 0), COALESCE(p.votes_against, 0), COALESCE(p.answer_state, '')
		FROM contributions c LEFT JOIN proposals p ON p.id = c.id LEFT JOIN proposal_arguments a ON a.id = c.id
		LEFT JOIN comments cm ON cm.id = c.id WHERE `+where+fmt.Sprintf(" ORDER BY c.id LIMIT %d", limit+1), args...)
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
	// Official answers are given to proposals, and publishing one sets the proposal's
	// answer_state: the partial index api_proposals_answered (migration 0010) holds
	// exactly the answered proposals by (initiative_id, id), so the page is read from
	// the cursor on, instead of scanning every contribution of the initiative.
	rows, err := s.db.Query(ctx, `SELECT a.contribution_id, a.state, a.text, a.published_at FROM proposals p
		JOIN official_answers a ON a.contribution_id = p.id
		WHERE p.initiative_id = ? AND p.answer_state <> '' AND p.id > ? AND a.published_at IS NOT NULL
		ORDER BY p.id LIMIT ?`, initiativeID, after, limit+1)
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

// FollowUps lists the follow-ups of published results with their updates and the
// proposals they answer: three queries for the page (the follow-ups, then the updates
// and the links of those ids), reading only the columns the API shows; body names
// come from the lookups.
func (s *Store) FollowUps(ctx context.Context, f results.FollowUpFilter) ([]FollowUp, bool, error) {
	l, err := s.cache.get(ctx, s.db)
	if err != nil {
		return nil, false, err
	}
	nowT := s.clock.Now()
	where := []string{"i.results_published_at IS NOT NULL AND i.results_published_at <= ?", "f.id > ?"}
	args := []any{db.T(nowT), f.AfterID}
	if f.InitiativeID != 0 {
		where = append(where, "f.initiative_id = ?")
		args = append(args, f.InitiativeID)
	}
	if f.BodyID != 0 {
		where = append(where, "(f.responsible_body_id = ? OR i.body_id = ?)")
		args = append(args, f.BodyID, f.BodyID)
	}
	if len(f.Statuses) > 0 {
		where = append(where, "f.status IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(f.Statuses)), ", ")+")")
		for _, st := range f.Statuses {
			args = append(args, st)
		}
	}
	rows, err := s.db.Query(ctx, `SELECT f.id, i.slug, f.responsible_body_id, f.title_fr, f.title_en, f.description_fr, f.description_en,
		f.status, f.dropped_reason_fr, f.dropped_reason_en, f.progress, f.due_at, f.done_at
		FROM follow_ups f JOIN initiatives i ON i.id = f.initiative_id WHERE `+strings.Join(where, " AND ")+
		fmt.Sprintf(" ORDER BY f.id LIMIT %d", f.Limit+1), args...)
	if err != nil {
		return nil, false, err
	}
	out := make([]FollowUp, 0, f.Limit+1)
	for rows.Next() {
		var fu FollowUp
		var body int64
		var due, done db.Time
		if err := rows.Scan(&fu.ID, &fu.Initiative, &body, &fu.Title.FR, &fu.Title.EN, &fu.Description.FR, &fu.Description.EN,
			&fu.Status, &fu.DroppedReason.FR, &fu.DroppedReason.EN, &fu.Progress, &due, &done); err != nil {
			rows.Close()
			return nil, false, err
		}
		if b := l.bodyByID[body]; b != nil {
			fu.ResponsibleBody = BodyRef{Slug: b.Slug, Name: b.Name}
		}
		fu.DueDate, fu.DoneDate = datePtr(due.Time), datePtr(done.Time)
		// The rule of results.FollowUp.Late.
		fu.Late = !due.IsZero() && nowT.After(due.Time) && fu.Status != results.StatusDone && fu.Status != results.StatusDropped
		fu.Proposals, fu.Updates = []int64{}, []Update{}
		fu.URL = "/suites/" + strconv.FormatInt(fu.ID, 10)
		out = append(out, fu)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	more := len(out) > f.Limit
	if more {
		out = out[:f.Limit]
	}
	if len(out) == 0 {
		return out, false, nil
	}
	idx := make(map[int64]int, len(out))
	ids := make([]any, len(out))
	for i := range out {
		idx[out[i].ID] = i
		ids[i] = out[i].ID
	}
	ph := strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ")
	rows, err = s.db.Query(ctx, `SELECT follow_up_id, id, at, status, progress, text_fr, text_en FROM follow_up_updates
		WHERE follow_up_id IN (`+ph+`) ORDER BY at DESC, id DESC`, ids...)
	if err != nil {
		return nil, false, err
	}
	for rows.Next() {
		var fid int64
		var u Update
		var at db.Time
		if err := rows.Scan(&fid, &u.ID, &at, &u.Status, &u.Progress, &u.Text.FR, &u.Text.EN); err != nil {
			rows.Close()
			return nil, false, err
		}
		u.At = iso(at.Time)
		out[idx[fid]].Updates = append(out[idx[fid]].Updates, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	rows, err = s.db.Query(ctx, `SELECT follow_up_id, item_id FROM follow_up_links WHERE follow_up_id IN (`+ph+`) ORDER BY follow_up_id, item_id`, ids...)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	for rows.Next() {
		var fid, item int64
		if err := rows.Scan(&fid, &item); err != nil {
			return nil, false, err
		}
		out[idx[fid]].Proposals = append(out[idx[fid]].Proposals, item)
	}
	return out, more, rows.Err()
}
