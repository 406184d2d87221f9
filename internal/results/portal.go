package results

import (
	"context"
	"fmt"
	"time"

	"participe/internal/db"
)

// Published is an initiative with published results, for the portal's list.
type Published struct {
	InitiativeID int64
	Slug         string
	TitleFR      string
	TitleEN      string
	BodySlug     string
	BodyFR       string
	BodyEN       string
	SummaryFR    string
	SummaryEN    string
	PublishedAt  time.Time
	FollowUps    int64
	Done         int64
	InProgress   int64
}

// ListFilter filters the portal's "Vous avez parlé — nous avons écouté" page.
type ListFilter struct {
	BodyID  int64
	ThemeID int64
	Limit   int
	Offset  int
}

// PublishedResults lists initiatives with published results, newest first.
func (s *Service) PublishedResults(ctx context.Context, f ListFilter) ([]Published, int, error) {
	where := `i.results_published_at IS NOT NULL AND i.results_published_at <= ? AND i.state <> 'draft'`
	args := []any{db.T(s.clock.Now())}
	if f.BodyID != 0 {
		where += ` AND (i.body_id = ? OR EXISTS (SELECT 1 FROM follow_ups f WHERE f.initiative_id = i.id AND f.responsible_body_id = ?))`
		args = append(args, f.BodyID, f.BodyID)
	}
	if f.ThemeID != 0 {
		where += ` AND EXISTS (SELECT 1 FROM initiative_themes it WHERE it.initiative_id = i.id AND it.theme_id = ?)`
		args = append(args, f.ThemeID)
	}
	var total int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM initiatives i WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if f.Limit <= 0 || f.Limit > 100 {
		f.Limit = 10
	}
	rows, err := s.db.Query(ctx, `SELECT i.id, i.slug, i.title_fr, i.title_en, b.slug, b.name_fr, b.name_en,
		COALESCE(r.summary_fr, i.summary_fr), COALESCE(r.summary_en, i.summary_en), i.results_published_at,
		(SELECT COUNT(*) FROM follow_ups f WHERE f.initiative_id = i.id),
		(SELECT COUNT(*) FROM follow_ups f WHERE f.initiative_id = i.id AND f.status = 'done'),
		(SELECT COUNT(*) FROM follow_ups f WHERE f.initiative_id = i.id AND f.status = 'in_progress')
		FROM initiatives i JOIN bodies b ON b.id = i.body_id LEFT JOIN initiative_results r ON r.initiative_id = i.id
		WHERE `+where+fmt.Sprintf(` ORDER BY i.results_published_at DESC, i.id DESC LIMIT %d OFFSET %d`, f.Limit, max(f.Offset, 0)), args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Published
	for rows.Next() {
		var p Published
		var at db.Time
		if err := rows.Scan(&p.InitiativeID, &p.Slug, &p.TitleFR, &p.TitleEN, &p.BodySlug, &p.BodyFR, &p.BodyEN, &p.SummaryFR, &p.SummaryEN,
			&at, &p.FollowUps, &p.Done, &p.InProgress); err != nil {
			return nil, 0, err
		}
		p.PublishedAt = at.Time
		out = append(out, p)
	}
	return out, total, rows.Err()
}
