package catalog

import (
	"context"
	"time"

	"participe/internal/db"
)

// News is an item of the home page's news feed.
type News struct {
	ID          int64
	BodyNameFR  string
	BodyNameEN  string
	TitleFR     string
	TitleEN     string
	SummaryFR   string
	SummaryEN   string
	URL         string
	PublishedAt time.Time
}

// LatestNews returns the newest published news items.
func (s *Service) LatestNews(ctx context.Context, limit int) ([]News, error) {
	rows, err := s.query(ctx, `SELECT n.id, COALESCE(b.name_fr, ''), COALESCE(b.name_en, ''), n.title_fr, n.title_en,
		n.summary_fr, n.summary_en, n.url, n.published_at
		FROM news n LEFT JOIN bodies b ON b.id = n.body_id WHERE n.published_at <= ?
		ORDER BY n.published_at DESC LIMIT ?`, db.T(s.clock.Now()), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []News
	for rows.Next() {
		var n News
		var at db.Time
		if err := rows.Scan(&n.ID, &n.BodyNameFR, &n.BodyNameEN, &n.TitleFR, &n.TitleEN, &n.SummaryFR, &n.SummaryEN, &n.URL, &at); err != nil {
			return nil, err
		}
		n.PublishedAt = at.Time
		out = append(out, n)
	}
	return out, rows.Err()
}
