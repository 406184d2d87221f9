package catalog

import (
	"context"
	"slices"

	"participe/internal/db"
)

// Initiative returns the public fiche of an initiative by slug, with everything the
// fiche shows. Unpublished initiatives are ENOTFOUND to the public.
func (s *Service) Initiative(ctx context.Context, slug string) (*Initiative, error) {
	now := db.T(s.clock.Now())
	return s.loadInitiative(ctx, true, `i.slug = ? AND `+publicWhere, slug, now)
}

// InitiativeByID loads any initiative (any state) by id, for the back office and tools;
// callers check the actor's scope.
func (s *Service) InitiativeByID(ctx context.Context, id int64) (*Initiative, error) {
	return s.loadInitiative(ctx, false, `i.id = ?`, id)
}

// loadInitiative reads one initiative; public ones take their body, themes, regions
// and audiences from the cached lookups and the in-memory copy (snapshot.go) instead
// of four more queries.
func (s *Service) loadInitiative(ctx context.Context, public bool, where string, args ...any) (*Initiative, error) {
	var i Initiative
	var starts, ends, published, results, created, updated db.Time
	err := s.queryRow(ctx, `SELECT i.id, i.slug, i.body_id, i.kind, i.state, i.featured,
		i.title_fr, i.title_en, i.summary_fr, i.summary_en, i.description_fr, i.description_en,
		i.how_fr, i.how_en, i.use_fr, i.use_en, i.accessibility_fr, i.accessibility_en,
		i.partners_fr, i.partners_en, i.contact_name, i.contact_email, i.contact_phone,
		i.starts_at, i.ends_at, i.published_at, i.results_published_at, i.participants_count,
		i.created_at, i.updated_at
		FROM initiatives i WHERE `+where, args...).Scan(&i.ID, &i.Slug, &i.BodyID, &i.Kind, &i.State, &i.Featured,
		&i.TitleFR, &i.TitleEN, &i.SummaryFR, &i.SummaryEN, &i.DescriptionFR, &i.DescriptionEN,
		&i.HowFR, &i.HowEN, &i.UseFR, &i.UseEN, &i.AccessibilityFR, &i.AccessibilityEN,
		&i.PartnersFR, &i.PartnersEN, &i.ContactName, &i.ContactEmail, &i.ContactPhone,
		&starts, &ends, &published, &results, &i.ParticipantsCount, &created, &updated)
	if err != nil {
		return nil, db.NotFound(err, "initiative not found")
	}
	i.StartsAt, i.EndsAt, i.PublishedAt, i.ResultsPublishedAt = starts.Time, ends.Time, published.Time, results.Time
	i.CreatedAt, i.UpdatedAt = created.Time, updated.Time
	i.Status = i.PublicStatus(s.clock.Now())
	if public {
		ok, err := s.relationsFromCache(ctx, &i)
		if err != nil {
			return nil, err
		}
		if ok {
			if err := s.loadOwnRelations(ctx, &i); err != nil {
				return nil, err
			}
			return &i, nil
		}
	}
	b, err := s.bodyByID(ctx, i.BodyID)
	if err != nil {
		return nil, err
	}
	i.Body = *b
	if err := s.loadRelations(ctx, &i); err != nil {
		return nil, err
	}
	return &i, nil
}

// loadRelations fills themes, regions, audiences, modes, tools and results.
func (s *Service) loadRelations(ctx context.Context, i *Initiative) error {
	list := []Initiative{*i}
	if err := s.attachThemes(ctx, list); err != nil {
		return err
	}
	i.Themes = list[0].Themes
	rows, err := s.query(ctx, `SELECT r.code, r.name_fr, r.name_en, r.population FROM initiative_regions ir
		JOIN regions r ON r.code = ir.region_code WHERE ir.initiative_id = ? ORDER BY r.code`, i.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var r Region
		if err := rows.Scan(&r.Code, &r.NameFR, &r.NameEN, &r.Population); err != nil {
			rows.Close()
			return err
		}
		i.Regions = append(i.Regions, r)
	}
	rows.Close()
	if i.Audiences, err = s.strings(ctx, `SELECT audience FROM initiative_audiences WHERE initiative_id = ? ORDER BY audience`, i.ID); err != nil {
		return err
	}
	return s.loadOwnRelations(ctx, i)
}

// relationsFromCache fills the body, themes, regions and audiences of a public
// initiative from the cached copies; false when they do not hold it (then read them).
func (s *Service) relationsFromCache(ctx context.Context, i *Initiative) (bool, error) {
	snap, err := s.snapshotOf(ctx)
	if err != nil || snap == nil {
		return false, err
	}
	k, ok := snap.byID[i.ID]
	if !ok {
		return false, nil
	}
	row := &snap.rows[k]
	bodies, err := s.Bodies(ctx)
	if err != nil {
		return false, err
	}
	bi := slices.IndexFunc(bodies, func(b Body) bool { return b.ID == i.BodyID })
	if bi < 0 {
		return false, nil
	}
	regions, err := s.Regions(ctx)
	if err != nil {
		return false, err
	}
	// The body as bodyByID reads it: without its social accounts and counts.
	i.Body = bodies[bi]
	i.Body.Social, i.Body.OpenCount, i.Body.TotalCount = nil, 0, 0
	i.Themes = slices.Clone(row.Themes)
	codes := slices.Sorted(slices.Values(row.regions))
	for _, c := range codes {
		if ri := slices.IndexFunc(regions, func(r Region) bool { return r.Code == c }); ri >= 0 {
			i.Regions = append(i.Regions, regions[ri])
		}
	}
	if len(row.audiences) > 0 {
		i.Audiences = slices.Sorted(slices.Values(row.audiences))
	}
	return true, nil
}

// loadOwnRelations reads the tools, modes and results of an initiative.
func (s *Service) loadOwnRelations(ctx context.Context, i *Initiative) error {
	var err error
	if i.Tools, err = s.strings(ctx, `SELECT tool FROM initiative_tools WHERE initiative_id = ? ORDER BY position, tool`, i.ID); err != nil {
		return err
	}
	rows, err := s.query(ctx, `SELECT mode, details_fr, details_en, address, phone, url FROM initiative_modes
		WHERE initiative_id = ? ORDER BY CASE mode WHEN 'online' THEN 1 WHEN 'in_person' THEN 2 WHEN 'paper' THEN 3 ELSE 4 END`, i.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var m Mode
		if err := rows.Scan(&m.Mode, &m.DetailsFR, &m.DetailsEN, &m.Address, &m.Phone, &m.URL); err != nil {
			rows.Close()
			return err
		}
		i.Modes = append(i.Modes, m)
	}
	rows.Close()
	var r Results
	var published db.Time
	err = s.queryRow(ctx, `SELECT summary_fr, summary_en, published_at FROM initiative_results WHERE initiative_id = ?`, i.ID).
		Scan(&r.SummaryFR, &r.SummaryEN, &published)
	switch {
	case db.IsNoRows(err):
	case err != nil:
		return err
	case !published.IsZero() && !published.After(s.clock.Now()):
		r.PublishedAt = published.Time
		i.Results = &r
	}
	return nil
}

func (s *Service) strings(ctx context.Context, q string, args ...any) ([]string, error) {
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
