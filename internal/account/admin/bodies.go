package admin

import (
	"context"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"participe/internal/account"
	"participe/internal/catalog"
	"participe/internal/db"
	"participe/internal/participe"
)

// BodyRow is a body in the back-office lists, with the actor's roles in it.
type BodyRow struct {
	ID      int64
	Slug    string
	Acronym string
	NameFR  string
	NameEN  string
	Roles   []string
	// Initiatives counts the body's initiatives (every state).
	Initiatives int
}

// Bodies lists the bodies the actor can act in (every body for a platform admin).
func (s *Service) Bodies(ctx context.Context, a *participe.Actor) ([]BodyRow, error) {
	if err := staff(a); err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, `SELECT b.id, b.slug, b.acronym, b.name_fr, b.name_en,
		(SELECT COUNT(*) FROM initiatives i WHERE i.body_id = b.id) FROM bodies b ORDER BY b.name_fr`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []BodyRow
	for rows.Next() {
		var b BodyRow
		if err := rows.Scan(&b.ID, &b.Slug, &b.Acronym, &b.NameFR, &b.NameEN, &b.Initiatives); err != nil {
			return nil, err
		}
		for _, r := range a.Roles {
			if r.BodyID == b.ID {
				b.Roles = append(b.Roles, r.Role)
			}
		}
		if a.PlatformAdmin || len(b.Roles) > 0 {
			out = append(out, b)
		}
	}
	return out, rows.Err()
}

// Body loads a body for any staff member of it.
func (s *Service) Body(ctx context.Context, a *participe.Actor, id int64) (*catalog.Body, error) {
	if err := needAny(a, id); err != nil {
		return nil, err
	}
	return loadBody(ctx, s.DB, id)
}

func loadBody(ctx context.Context, d *db.DB, id int64) (*catalog.Body, error) {
	b := &catalog.Body{ID: id}
	err := d.QueryRow(ctx, `SELECT slug, acronym, name_fr, name_en, kind, description_fr, description_en, mission_fr, mission_en, website
		FROM bodies WHERE id = ?`, id).Scan(&b.Slug, &b.Acronym, &b.NameFR, &b.NameEN, &b.Kind, &b.DescriptionFR, &b.DescriptionEN,
		&b.MissionFR, &b.MissionEN, &b.Website)
	if err != nil {
		return nil, db.NotFound(err, "body")
	}
	rows, err := d.Query(ctx, `SELECT network, handle, url FROM body_social_accounts WHERE body_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var sa catalog.SocialAccount
		if err := rows.Scan(&sa.Network, &sa.Handle, &sa.URL); err != nil {
			return nil, err
		}
		b.Social = append(b.Social, sa)
	}
	return b, rows.Err()
}

// BodyKinds are the kinds of public body.
var BodyKinds = []string{"ministere", "organisme", "societe_etat"}

// Networks are the social networks a body may list.
var Networks = []string{"facebook", "x", "instagram", "linkedin", "youtube", "mastodon", "bluesky", "flickr"}

var slugRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// CheckSlug validates an address part ("mon-initiative").
func CheckSlug(slug string) error {
	if len(slug) < 2 || len(slug) > 80 || !slugRE.MatchString(slug) {
		return participe.FieldError("slug", "admin.slug.invalid")
	}
	return nil
}

func checkURL(field, raw string) error {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(raw) > 500 {
		return participe.FieldError(field, "admin.url.invalid")
	}
	return nil
}

func checkText(field, v string, required bool, max int) error {
	if required && strings.TrimSpace(v) == "" {
		return participe.FieldError(field, "form.error.required")
	}
	if utf8.RuneCountInString(v) > max {
		return participe.FieldError(field, "form.error.too_long")
	}
	return nil
}

// SaveBody creates a body (platform admin) or updates one (its body admin), with its
// social accounts.
func (s *Service) SaveBody(ctx context.Context, r Req, b *catalog.Body) error {
	if b.ID == 0 {
		if err := needPlatform(r.Actor); err != nil {
			return err
		}
	} else if err := need(r.Actor, participe.RoleBodyAdmin, b.ID); err != nil {
		return err
	}
	var fe account.FieldErrors
	fe.Add(CheckSlug(b.Slug))
	fe.Add(checkText("name_fr", b.NameFR, true, 200))
	fe.Add(checkText("name_en", b.NameEN, false, 200))
	fe.Add(checkText("acronym", b.Acronym, false, 20))
	fe.Add(checkText("description_fr", b.DescriptionFR, false, 5000))
	fe.Add(checkText("description_en", b.DescriptionEN, false, 5000))
	fe.Add(checkText("mission_fr", b.MissionFR, false, 5000))
	fe.Add(checkText("mission_en", b.MissionEN, false, 5000))
	fe.Add(checkURL("website", b.Website))
	if !slices.Contains(BodyKinds, b.Kind) {
		fe.Add(participe.FieldError("kind", "form.error.required"))
	}
	for i, sa := range b.Social {
		if !slices.Contains(Networks, sa.Network) {
			fe.Add(participe.FieldError("social-"+itoa(i), "admin.social.invalid"))
		} else {
			fe.Add(checkURL("social-"+itoa(i), sa.URL))
		}
	}
	if err := fe.Err(); err != nil {
		return err
	}
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		action := "body.update"
		if b.ID == 0 {
			id, err := tx.InsertID(ctx, `INSERT INTO bodies (slug, acronym, name_fr, name_en, kind, description_fr, description_en, mission_fr, mission_en, website, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, b.Slug, b.Acronym, b.NameFR, b.NameEN, b.Kind, b.DescriptionFR, b.DescriptionEN,
				b.MissionFR, b.MissionEN, b.Website, db.T(s.Clock.Now()))
			if err != nil {
				return err
			}
			b.ID, action = id, "body.create"
		} else {
			res, err := tx.Exec(ctx, `UPDATE bodies SET slug = ?, acronym = ?, name_fr = ?, name_en = ?, kind = ?, description_fr = ?, description_en = ?,
				mission_fr = ?, mission_en = ?, website = ? WHERE id = ?`, b.Slug, b.Acronym, b.NameFR, b.NameEN, b.Kind, b.DescriptionFR, b.DescriptionEN,
				b.MissionFR, b.MissionEN, b.Website, b.ID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return errNotFound
			}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM body_social_accounts WHERE body_id = ?`, b.ID); err != nil {
			return err
		}
		for _, sa := range b.Social {
			if _, err := tx.Exec(ctx, `INSERT INTO body_social_accounts (body_id, network, handle, url) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
				b.ID, sa.Network, sa.Handle, sa.URL); err != nil {
				return err
			}
		}
		return s.record(ctx, tx, r, b.ID, action, "body", b.ID, b.Slug)
	})
	return catalogSaved(err)
}

// Themes lists every theme (platform admins manage them).
func (s *Service) Themes(ctx context.Context, a *participe.Actor) ([]catalog.Theme, error) {
	if err := staff(a); err != nil {
		return nil, err
	}
	return loadThemes(ctx, s.DB)
}

func loadThemes(ctx context.Context, d *db.DB) ([]catalog.Theme, error) {
	rows, err := d.Query(ctx, `SELECT id, slug, name_fr, name_en, description_fr, description_en FROM themes ORDER BY name_fr`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []catalog.Theme
	for rows.Next() {
		var t catalog.Theme
		if err := rows.Scan(&t.ID, &t.Slug, &t.NameFR, &t.NameEN, &t.DescriptionFR, &t.DescriptionEN); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// Theme loads one theme for a platform admin.
func (s *Service) Theme(ctx context.Context, a *participe.Actor, id int64) (*catalog.Theme, error) {
	if err := needPlatform(a); err != nil {
		return nil, err
	}
	t := &catalog.Theme{ID: id}
	err := s.DB.QueryRow(ctx, `SELECT slug, name_fr, name_en, description_fr, description_en FROM themes WHERE id = ?`, id).
		Scan(&t.Slug, &t.NameFR, &t.NameEN, &t.DescriptionFR, &t.DescriptionEN)
	if err != nil {
		return nil, db.NotFound(err, "theme")
	}
	return t, nil
}

// SaveTheme creates or updates a theme (platform admins only).
func (s *Service) SaveTheme(ctx context.Context, r Req, t *catalog.Theme) error {
	if err := needPlatform(r.Actor); err != nil {
		return err
	}
	var fe account.FieldErrors
	for _, err := range []error{CheckSlug(t.Slug), checkText("name_fr", t.NameFR, true, 200), checkText("name_en", t.NameEN, false, 200),
		checkText("description_fr", t.DescriptionFR, false, 5000), checkText("description_en", t.DescriptionEN, false, 5000)} {
		fe.Add(err)
	}
	if err := fe.Err(); err != nil {
		return err
	}
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		action := "theme.update"
		if t.ID == 0 {
			id, err := tx.InsertID(ctx, `INSERT INTO themes (slug, name_fr, name_en, description_fr, description_en) VALUES (?, ?, ?, ?, ?) RETURNING id`,
				t.Slug, t.NameFR, t.NameEN, t.DescriptionFR, t.DescriptionEN)
			if err != nil {
				return err
			}
			t.ID, action = id, "theme.create"
		} else {
			res, err := tx.Exec(ctx, `UPDATE themes SET slug = ?, name_fr = ?, name_en = ?, description_fr = ?, description_en = ? WHERE id = ?`,
				t.Slug, t.NameFR, t.NameEN, t.DescriptionFR, t.DescriptionEN, t.ID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return errNotFound
			}
		}
		return s.record(ctx, tx, r, 0, action, "theme", t.ID, t.Slug)
	})
	return catalogSaved(err)
}

func itoa(n int) string { return strconv.Itoa(n) }

// catalogSaved ends a write of a body, theme or initiative: a slug already taken is
// a form error, and a success drops the cached public catalogue.
func catalogSaved(err error) error {
	if db.IsUniqueViolation(err) {
		return participe.FieldError("slug", "admin.slug.taken")
	}
	if err == nil {
		catalog.Invalidate()
	}
	return err
}
