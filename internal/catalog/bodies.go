package catalog

import (
	"context"
	"slices"
	"strings"

	"participe/internal/catalog/search"

	"participe/internal/db"
)

const bodyColumns = `b.id, b.slug, b.acronym, b.name_fr, b.name_en, b.kind, b.description_fr, b.description_en,
	b.mission_fr, b.mission_en, b.website`

func scanBody(row scanner, b *Body) error {
	return row.Scan(&b.ID, &b.Slug, &b.Acronym, &b.NameFR, &b.NameEN, &b.Kind, &b.DescriptionFR, &b.DescriptionEN,
		&b.MissionFR, &b.MissionEN, &b.Website)
}

func (s *Service) bodyByID(ctx context.Context, id int64) (*Body, error) {
	var b Body
	if err := scanBody(s.queryRow(ctx, `SELECT `+bodyColumns+` FROM bodies b WHERE b.id = ?`, id), &b); err != nil {
		return nil, db.NotFound(err, "body not found")
	}
	return &b, nil
}

// Body returns a public body by slug, with its social accounts.
func (s *Service) Body(ctx context.Context, slug string) (*Body, error) {
	var b Body
	if err := scanBody(s.queryRow(ctx, `SELECT `+bodyColumns+` FROM bodies b WHERE b.slug = ?`, slug), &b); err != nil {
		return nil, db.NotFound(err, "body not found")
	}
	list := []Body{b}
	if err := s.attachSocial(ctx, list); err != nil {
		return nil, err
	}
	return &list[0], nil
}

// Bodies returns every body with its social accounts and initiative counts, by name
// (cached: callers must not modify the slice).
func (s *Service) Bodies(ctx context.Context) ([]Body, error) {
	return s.cache.bodies.get(ctx, s.loadBodies)
}

func (s *Service) loadBodies(ctx context.Context) ([]Body, error) {
	now := db.T(s.clock.Now())
	rows, err := s.query(ctx, `SELECT `+bodyColumns+`,
		(SELECT COUNT(*) FROM initiatives i WHERE i.body_id = b.id AND `+publicWhere+` AND i.starts_at <= ? AND i.ends_at > ?),
		(SELECT COUNT(*) FROM initiatives i WHERE i.body_id = b.id AND `+publicWhere+`)
		FROM bodies b ORDER BY b.name_fr`, now, now, now, now)
	if err != nil {
		return nil, err
	}
	var out []Body
	for rows.Next() {
		var b Body
		if err := rows.Scan(&b.ID, &b.Slug, &b.Acronym, &b.NameFR, &b.NameEN, &b.Kind, &b.DescriptionFR, &b.DescriptionEN,
			&b.MissionFR, &b.MissionEN, &b.Website, &b.OpenCount, &b.TotalCount); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, b)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sortByName(out, func(b Body) string { return b.NameFR })
	return out, s.attachSocial(ctx, out)
}

func (s *Service) attachSocial(ctx context.Context, bodies []Body) error {
	if len(bodies) == 0 {
		return nil
	}
	idx := map[int64]int{}
	args := make([]any, len(bodies))
	for n, b := range bodies {
		idx[b.ID] = n
		args[n] = b.ID
	}
	rows, err := s.query(ctx, `SELECT body_id, network, handle, url FROM body_social_accounts
		WHERE body_id IN (`+placeholders(len(bodies))+`) ORDER BY network`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var a SocialAccount
		if err := rows.Scan(&id, &a.Network, &a.Handle, &a.URL); err != nil {
			return err
		}
		bodies[idx[id]].Social = append(bodies[idx[id]].Social, a)
	}
	return rows.Err()
}

// Themes returns every theme with its count of public initiatives (cached: callers
// must not modify the slice).
func (s *Service) Themes(ctx context.Context) ([]Theme, error) {
	return s.cache.themes.get(ctx, s.loadThemes)
}

func (s *Service) loadThemes(ctx context.Context) ([]Theme, error) {
	now := db.T(s.clock.Now())
	rows, err := s.query(ctx, `SELECT t.id, t.slug, t.name_fr, t.name_en, t.description_fr, t.description_en,
		(SELECT COUNT(*) FROM initiative_themes it JOIN initiatives i ON i.id = it.initiative_id WHERE it.theme_id = t.id AND `+publicWhere+`)
		FROM themes t ORDER BY t.name_fr`, now)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Theme
	for rows.Next() {
		var t Theme
		if err := rows.Scan(&t.ID, &t.Slug, &t.NameFR, &t.NameEN, &t.DescriptionFR, &t.DescriptionEN, &t.Count); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	sortByName(out, func(t Theme) string { return t.NameFR })
	return out, rows.Err()
}

// Theme returns a theme by slug.
func (s *Service) Theme(ctx context.Context, slug string) (*Theme, error) {
	var t Theme
	err := s.queryRow(ctx, `SELECT id, slug, name_fr, name_en, description_fr, description_en FROM themes WHERE slug = ?`, slug).
		Scan(&t.ID, &t.Slug, &t.NameFR, &t.NameEN, &t.DescriptionFR, &t.DescriptionEN)
	if err != nil {
		return nil, db.NotFound(err, "theme not found")
	}
	return &t, nil
}

// Regions returns the 17 administrative regions (cached: callers must not modify the
// slice).
func (s *Service) Regions(ctx context.Context) ([]Region, error) {
	return s.cache.regions.get(ctx, s.loadRegions)
}

func (s *Service) loadRegions(ctx context.Context) ([]Region, error) {
	rows, err := s.query(ctx, `SELECT code, name_fr, name_en, population FROM regions ORDER BY code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Region
	for rows.Next() {
		var r Region
		if err := rows.Scan(&r.Code, &r.NameFR, &r.NameEN, &r.Population); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// sortByName orders by French name ignoring accents and case ("Économie" among the E,
// not after "Transport" as a byte order would put it).
func sortByName[T any](list []T, name func(T) string) {
	slices.SortStableFunc(list, func(a, b T) int { return strings.Compare(search.Fold(name(a)), search.Fold(name(b))) })
}
