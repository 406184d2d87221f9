package catalog

import (
	"context"
	"strings"

	"participe/internal/db"
	"participe/internal/participe"
)

// Service answers the portal's questions about initiatives, bodies and themes.
type Service struct {
	db    *db.DB
	clock participe.Clock
	cache *lookups
	// noSnapshot makes lists run in SQL (tests compare both ways).
	noSnapshot bool
}

// New returns the catalog service.
func New(d *db.DB, clock participe.Clock) *Service {
	return &Service{db: d, clock: clock, cache: &lookups{}}
}

// publicWhere restricts to initiatives the public may see: published (or scheduled and
// due, or closed/archived) with a publication date in the past.
const publicWhere = publicStates + ` AND i.published_at <= ?`

// publicStates are the back-office states visible to the public, whatever the time
// (the in-memory copy, snapshot.go, compares the publication date itself).
const publicStates = `i.state IN ('published', 'scheduled', 'closed', 'archived') AND i.published_at IS NOT NULL`

// initiativeColumns are the columns scanned by scanInitiative, with the body's names.
const initiativeColumns = `i.id, i.slug, i.body_id, b.slug, b.acronym, b.name_fr, b.name_en, i.kind, i.state, i.featured,
	i.title_fr, i.title_en, i.summary_fr, i.summary_en, i.starts_at, i.ends_at, i.published_at,
	i.results_published_at, i.participants_count`

type scanner interface{ Scan(dest ...any) error }

func scanInitiative(row scanner, i *Initiative) error {
	var starts, ends, published, results db.Time
	err := row.Scan(&i.ID, &i.Slug, &i.BodyID, &i.Body.Slug, &i.Body.Acronym, &i.Body.NameFR, &i.Body.NameEN,
		&i.Kind, &i.State, &i.Featured, &i.TitleFR, &i.TitleEN, &i.SummaryFR, &i.SummaryEN,
		&starts, &ends, &published, &results, &i.ParticipantsCount)
	if err != nil {
		return err
	}
	i.Body.ID = i.BodyID
	i.StartsAt, i.EndsAt, i.PublishedAt, i.ResultsPublishedAt = starts.Time, ends.Time, published.Time, results.Time
	return nil
}

// listInitiatives runs a query selecting initiativeColumns and loads each row's themes.
func (s *Service) listInitiatives(ctx context.Context, q string, args ...any) ([]Initiative, error) {
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Initiative
	now := s.clock.Now()
	for rows.Next() {
		var i Initiative
		if err := scanInitiative(rows, &i); err != nil {
			return nil, err
		}
		i.Status = i.PublicStatus(now)
		out = append(out, i)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, s.attachThemes(ctx, out)
}

// attachThemes loads the themes of several initiatives in one query (no N+1).
func (s *Service) attachThemes(ctx context.Context, list []Initiative) error {
	if len(list) == 0 {
		return nil
	}
	idx := map[int64]int{}
	args := make([]any, len(list))
	for n, i := range list {
		idx[i.ID] = n
		args[n] = i.ID
	}
	rows, err := s.query(ctx, `SELECT it.initiative_id, t.id, t.slug, t.name_fr, t.name_en
		FROM initiative_themes it JOIN themes t ON t.id = it.theme_id
		WHERE it.initiative_id IN (`+placeholders(len(list))+`) ORDER BY t.name_fr`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var t Theme
		if err := rows.Scan(&id, &t.ID, &t.Slug, &t.NameFR, &t.NameEN); err != nil {
			return err
		}
		n := idx[id]
		list[n].Themes = append(list[n].Themes, t)
	}
	return rows.Err()
}

func placeholders(n int) string {
	if n <= 0 {
		return "NULL"
	}
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

// Featured returns the featured public initiatives, open ones first, soonest closing.
func (s *Service) Featured(ctx context.Context, limit int) ([]Initiative, error) {
	now := db.T(s.clock.Now())
	return s.listInitiatives(ctx, `SELECT `+initiativeColumns+` FROM initiatives i JOIN bodies b ON b.id = i.body_id
		WHERE `+publicWhere+` AND i.featured = ? AND i.ends_at > ?
		ORDER BY i.ends_at LIMIT ?`, now, true, now, limit)
}

// WithResults returns initiatives whose results are published, newest first.
func (s *Service) WithResults(ctx context.Context, limit int) ([]Initiative, error) {
	now := db.T(s.clock.Now())
	return s.listInitiatives(ctx, `SELECT `+initiativeColumns+` FROM initiatives i JOIN bodies b ON b.id = i.body_id
		WHERE `+publicWhere+` AND i.results_published_at IS NOT NULL AND i.results_published_at <= ?
		ORDER BY i.results_published_at DESC LIMIT ?`, now, now, limit)
}

// Counts gives the number of open and upcoming public initiatives and of bodies.
type Counts struct {
	Open, Upcoming, WithResults, Bodies int
}

// HomeCounts computes the figures shown on the home page.
func (s *Service) HomeCounts(ctx context.Context) (Counts, error) {
	now := db.T(s.clock.Now())
	var c Counts
	err := s.queryRow(ctx, `SELECT
		COALESCE(SUM(CASE WHEN i.starts_at <= ? AND i.ends_at > ? THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN i.starts_at > ? THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN i.results_published_at IS NOT NULL AND i.results_published_at <= ? THEN 1 ELSE 0 END), 0),
		COUNT(DISTINCT i.body_id)
		FROM initiatives i WHERE `+publicWhere, now, now, now, now, now).Scan(&c.Open, &c.Upcoming, &c.WithResults, &c.Bodies)
	return c, err
}

func dbNow(s *Service) db.Time { return db.T(s.clock.Now()) }
