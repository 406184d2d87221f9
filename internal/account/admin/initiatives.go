package admin

import (
	"context"
	"slices"
	"time"

	"participe/internal/account"
	"participe/internal/catalog"
	"participe/internal/db"
	"participe/internal/participe"
)

// InitiativeKinds are the kinds of initiative.
var InitiativeKinds = []string{"consultation", "sondage", "idees", "memoires", "projet_loi", "forum", "panel", "concours", "petition", "budget", "rencontre"}

// States are the back-office states, in workflow order.
var States = []string{catalog.StateDraft, catalog.StateScheduled, catalog.StatePublished, catalog.StateClosed, catalog.StateArchived}

// InitiativeRow is one line of a body's initiative list.
type InitiativeRow struct {
	ID          int64
	Slug        string
	TitleFR     string
	TitleEN     string
	State       string
	StartsAt    time.Time
	EndsAt      time.Time
	PublishedAt time.Time
	UpdatedAt   time.Time
}

// Initiatives lists a body's initiatives in any state (any staff of the body), filtered
// by state when given, newest first, paginated.
func (s *Service) Initiatives(ctx context.Context, a *participe.Actor, bodyID int64, state string, page, perPage int) ([]InitiativeRow, int, error) {
	if err := needAny(a, bodyID); err != nil {
		return nil, 0, err
	}
	where, args := `body_id = ?`, []any{bodyID}
	if slices.Contains(States, state) {
		where += ` AND state = ?`
		args = append(args, state)
	}
	var total int
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM initiatives WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if page < 1 {
		page = 1
	}
	rows, err := s.DB.Query(ctx, `SELECT id, slug, title_fr, title_en, state, starts_at, ends_at, published_at, updated_at FROM initiatives
		WHERE `+where+` ORDER BY updated_at DESC, id DESC LIMIT ? OFFSET ?`, append(args, perPage, (page-1)*perPage)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []InitiativeRow
	for rows.Next() {
		var i InitiativeRow
		var st, en, pub, up db.Time
		if err := rows.Scan(&i.ID, &i.Slug, &i.TitleFR, &i.TitleEN, &i.State, &st, &en, &pub, &up); err != nil {
			return nil, 0, err
		}
		i.StartsAt, i.EndsAt, i.PublishedAt, i.UpdatedAt = st.Time, en.Time, pub.Time, up.Time
		out = append(out, i)
	}
	return out, total, rows.Err()
}

// Initiative loads an initiative for a staff member holding role in its body. Ids of
// other bodies' initiatives answer EFORBIDDEN, unknown ids ENOTFOUND.
func (s *Service) Initiative(ctx context.Context, a *participe.Actor, id int64, roles ...string) (*catalog.Initiative, error) {
	if err := staff(a); err != nil {
		return nil, err
	}
	var bodyID int64
	if err := s.DB.QueryRow(ctx, `SELECT body_id FROM initiatives WHERE id = ?`, id).Scan(&bodyID); err != nil {
		return nil, db.NotFound(err, "initiative")
	}
	if len(roles) == 0 {
		roles = participe.AllRoles
	}
	if !a.HasAny(bodyID, roles...) {
		return nil, errForbidden
	}
	return catalog.New(s.DB, s.Clock).InitiativeByID(ctx, id)
}

// Choices are what the initiative form offers.
type Choices struct {
	Themes  []catalog.Theme
	Regions []catalog.Region
}

// FormChoices loads themes and regions for the initiative form.
func (s *Service) FormChoices(ctx context.Context) (Choices, error) {
	var c Choices
	var err error
	if c.Themes, err = loadThemes(ctx, s.DB); err != nil {
		return c, err
	}
	c.Regions, err = catalog.New(s.DB, s.Clock).Regions(ctx)
	return c, err
}

// validate checks every fiche field; tools lists the registered tool codes.
func validateInitiative(i *catalog.Initiative, tools []string) error {
	var fe account.FieldErrors
	fe.Add(CheckSlug(i.Slug))
	fe.Add(checkText("title_fr", i.TitleFR, true, 200))
	fe.Add(checkText("title_en", i.TitleEN, false, 200))
	fe.Add(checkText("summary_fr", i.SummaryFR, true, 600))
	fe.Add(checkText("summary_en", i.SummaryEN, false, 600))
	for _, f := range []struct {
		name string
		v    string
	}{{"description_fr", i.DescriptionFR}, {"description_en", i.DescriptionEN}, {"how_fr", i.HowFR}, {"how_en", i.HowEN},
		{"use_fr", i.UseFR}, {"use_en", i.UseEN}, {"accessibility_fr", i.AccessibilityFR}, {"accessibility_en", i.AccessibilityEN},
		{"partners_fr", i.PartnersFR}, {"partners_en", i.PartnersEN}} {
		fe.Add(checkText(f.name, f.v, false, 20000))
	}
	fe.Add(checkText("contact_name", i.ContactName, false, 200))
	fe.Add(checkText("contact_phone", i.ContactPhone, false, 50))
	if i.ContactEmail != "" {
		e, err := account.NormalizeEmail(i.ContactEmail)
		if err != nil {
			fe.Add(participe.FieldError("contact_email", "account.email.invalid"))
		}
		i.ContactEmail = e
	}
	if !slices.Contains(InitiativeKinds, i.Kind) {
		fe.Add(participe.FieldError("kind", "form.error.required"))
	}
	switch {
	case i.StartsAt.IsZero():
		fe.Add(participe.FieldError("starts_at", "admin.date.invalid"))
	case i.EndsAt.IsZero():
		fe.Add(participe.FieldError("ends_at", "admin.date.invalid"))
	case !i.EndsAt.After(i.StartsAt):
		fe.Add(participe.FieldError("ends_at", "admin.date.order"))
	}
	for _, a := range i.Audiences {
		if !slices.Contains(catalog.Audiences, a) {
			fe.Add(participe.FieldError("audiences", "form.error.invalid"))
		}
	}
	for _, m := range i.Modes {
		if !slices.Contains(catalog.Modes, m.Mode) {
			fe.Add(participe.FieldError("modes", "form.error.invalid"))
		}
		fe.Add(checkURL("mode-"+m.Mode+"-url", m.URL))
		fe.Add(checkText("mode-"+m.Mode+"-details_fr", m.DetailsFR, false, 5000))
		fe.Add(checkText("mode-"+m.Mode+"-details_en", m.DetailsEN, false, 5000))
	}
	for _, t := range i.Tools {
		if !slices.Contains(tools, t) {
			fe.Add(participe.FieldError("tools", "form.error.invalid"))
		}
	}
	return fe.Err()
}

// SaveInitiative creates or updates an initiative with every fiche field (managers of
// the body). A new initiative starts as a draft; the state changes only through
// SetState. tools lists the registered tool codes.
func (s *Service) SaveInitiative(ctx context.Context, r Req, i *catalog.Initiative, tools []string) error {
	if err := need(r.Actor, participe.RoleManager, i.BodyID); err != nil {
		return err
	}
	if err := validateInitiative(i, tools); err != nil {
		return err
	}
	now := s.Clock.Now()
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		action := "initiative.update"
		if i.ID == 0 {
			i.State, i.CreatedAt, action = catalog.StateDraft, now, "initiative.create"
		} else {
			// The stored row decides the body: an id of another body is refused even
			// if the form claims this body.
			var bodyID int64
			var pub, res db.Time
			var count int64
			var featured bool
			err := tx.QueryRow(ctx, `SELECT body_id, state, published_at, results_published_at, participants_count, featured FROM initiatives WHERE id = ?`, i.ID).
				Scan(&bodyID, &i.State, &pub, &res, &count, &featured)
			if err != nil {
				return db.NotFound(err, "initiative")
			}
			if bodyID != i.BodyID {
				return errForbidden
			}
			i.PublishedAt, i.ResultsPublishedAt, i.ParticipantsCount, i.Featured = pub.Time, res.Time, count, featured
		}
		i.UpdatedAt = now
		if err := catalog.SaveInitiative(ctx, tx, i); err != nil {
			return err
		}
		return s.record(ctx, tx, r, i.BodyID, action, "initiative", i.ID, i.Slug)
	})
	return catalogSaved(err)
}

// SetState moves an initiative through its workflow (managers of its body):
// publish (visible now), schedule (visible from at), close, archive, or back to draft.
func (s *Service) SetState(ctx context.Context, r Req, id int64, state string, at time.Time) error {
	i, err := s.Initiative(ctx, r.Actor, id, participe.RoleManager)
	if err != nil {
		return err
	}
	now := s.Clock.Now()
	switch state {
	case catalog.StatePublished:
		if i.PublishedAt.IsZero() || i.PublishedAt.After(now) {
			i.PublishedAt = now
		}
	case catalog.StateScheduled:
		if at.IsZero() || !at.After(now) {
			return participe.FieldError("publish_at", "admin.state.schedule_future")
		}
		i.PublishedAt = at
	case catalog.StateClosed:
		if i.PublishedAt.IsZero() {
			return participe.KeyError(participe.ECONFLICT, "admin.state.not_published")
		}
		if i.EndsAt.After(now) {
			i.EndsAt = now
		}
	case catalog.StateArchived:
	case catalog.StateDraft:
		i.PublishedAt = time.Time{}
	default:
		return participe.FieldError("state", "form.error.invalid")
	}
	if !i.EndsAt.After(i.StartsAt) {
		i.StartsAt = i.EndsAt.Add(-time.Minute)
	}
	from := i.State
	i.State, i.UpdatedAt = state, now
	err = s.DB.Write(ctx, func(tx *db.Tx) error {
		if err := catalog.SaveInitiative(ctx, tx, i); err != nil {
			return err
		}
		return s.record(ctx, tx, r, i.BodyID, "initiative.state", "initiative", i.ID, from+" → "+state)
	})
	if err == nil {
		catalog.Invalidate()
	}
	return err
}
