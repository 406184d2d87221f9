package catalog

import "context"

// Home is what the home page shows; cached briefly because every visitor's first
// request reads it.
type Home struct {
	Featured    []Initiative
	WithResults []Initiative
	Counts      Counts
	News        []News
	// Social lists the bodies that have social accounts (Le gouvernement dans le Web 2.0).
	Social []Body
	Themes []Theme
}

// HomeData returns the home page's data (cached: callers must not modify it).
func (s *Service) HomeData(ctx context.Context) (*Home, error) {
	return s.cache.home.get(ctx, s.loadHome)
}

func (s *Service) loadHome(ctx context.Context) (*Home, error) {
	var h Home
	var err error
	if h.Featured, err = s.Featured(ctx, 6); err != nil {
		return nil, err
	}
	if len(h.Featured) < 3 {
		// Too few featured ones: complete with the soonest-closing open initiatives.
		more, err := s.closingSoon(ctx, 6)
		if err != nil {
			return nil, err
		}
		for _, m := range more {
			if len(h.Featured) >= 6 {
				break
			}
			dup := false
			for _, f := range h.Featured {
				dup = dup || f.ID == m.ID
			}
			if !dup {
				h.Featured = append(h.Featured, m)
			}
		}
	}
	if h.WithResults, err = s.WithResults(ctx, 3); err != nil {
		return nil, err
	}
	if h.Counts, err = s.HomeCounts(ctx); err != nil {
		return nil, err
	}
	if h.News, err = s.LatestNews(ctx, 4); err != nil {
		return nil, err
	}
	bodies, err := s.Bodies(ctx)
	if err != nil {
		return nil, err
	}
	for _, b := range bodies {
		if len(b.Social) > 0 {
			h.Social = append(h.Social, b)
		}
	}
	if h.Themes, err = s.Themes(ctx); err != nil {
		return nil, err
	}
	return &h, nil
}

func (s *Service) closingSoon(ctx context.Context, limit int) ([]Initiative, error) {
	now := dbNow(s)
	return s.listInitiatives(ctx, `SELECT `+initiativeColumns+` FROM initiatives i JOIN bodies b ON b.id = i.body_id
		WHERE `+publicWhere+` AND i.starts_at <= ? AND i.ends_at > ?
		ORDER BY i.ends_at LIMIT ?`, now, now, now, limit)
}
