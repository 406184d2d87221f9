package demo

import (
	"context"
	"fmt"
	"time"

	"participe/internal/catalog"
	"participe/internal/db"
)

// The types below are the data/*.json format (brief/demo-format.md); data_test.go
// decodes the files strictly into them, so every field of the format is here, even
// the ones the loader does not store.

type socialData struct {
	Network string `json:"network"`
	Handle  string `json:"handle"`
	URL     string `json:"url"`
}

type bodyData struct {
	Slug          string       `json:"slug"`
	Acronym       string       `json:"acronym"`
	NameFR        string       `json:"name_fr"`
	NameEN        string       `json:"name_en"`
	Kind          string       `json:"kind"`
	DescriptionFR string       `json:"description_fr"`
	DescriptionEN string       `json:"description_en"`
	MissionFR     string       `json:"mission_fr"`
	MissionEN     string       `json:"mission_en"`
	Website       string       `json:"website"`
	Social        []socialData `json:"social"`
}

type themeData struct {
	Slug          string `json:"slug"`
	NameFR        string `json:"name_fr"`
	NameEN        string `json:"name_en"`
	DescriptionFR string `json:"description_fr"`
	DescriptionEN string `json:"description_en"`
}

type regionData struct {
	Code            string             `json:"code"`
	NameFR          string             `json:"name_fr"`
	NameEN          string             `json:"name_en"`
	Population      int64              `json:"population"`
	AgeDistribution map[string]float64 `json:"age_distribution"`
}

type regionsData struct {
	SourceFR  string       `json:"source_fr"`
	SourceEN  string       `json:"source_en"`
	SourceURL string       `json:"source_url"`
	Year      int          `json:"year"`
	AgeGroups []string     `json:"age_groups"`
	Regions   []regionData `json:"regions"`
}

type modeData struct {
	Mode      string `json:"mode"`
	DetailsFR string `json:"details_fr"`
	DetailsEN string `json:"details_en"`
	Address   string `json:"address"`
	Phone     string `json:"phone"`
	URL       string `json:"url"`
}

type resultsData struct {
	PublishedDaysAgo int    `json:"published_days_ago"`
	SummaryFR        string `json:"summary_fr"`
	SummaryEN        string `json:"summary_en"`
}

type initiativeData struct {
	Slug            string       `json:"slug"`
	Body            string       `json:"body"`
	Kind            string       `json:"kind"`
	State           string       `json:"state"`
	Featured        bool         `json:"featured"`
	TitleFR         string       `json:"title_fr"`
	TitleEN         string       `json:"title_en"`
	SummaryFR       string       `json:"summary_fr"`
	SummaryEN       string       `json:"summary_en"`
	DescriptionFR   string       `json:"description_fr"`
	DescriptionEN   string       `json:"description_en"`
	HowFR           string       `json:"how_fr"`
	HowEN           string       `json:"how_en"`
	UseFR           string       `json:"use_fr"`
	UseEN           string       `json:"use_en"`
	AccessibilityFR string       `json:"accessibility_fr"`
	AccessibilityEN string       `json:"accessibility_en"`
	PartnersFR      string       `json:"partners_fr"`
	PartnersEN      string       `json:"partners_en"`
	ContactName     string       `json:"contact_name"`
	ContactEmail    string       `json:"contact_email"`
	ContactPhone    string       `json:"contact_phone"`
	StartsInDays    int          `json:"starts_in_days"`
	EndsInDays      int          `json:"ends_in_days"`
	Participants    int64        `json:"participants"`
	Themes          []string     `json:"themes"`
	Regions         []string     `json:"regions"`
	Audiences       []string     `json:"audiences"`
	Modes           []modeData   `json:"modes"`
	Tools           []string     `json:"tools"`
	Results         *resultsData `json:"results"`
}

type newsData struct {
	Body      string `json:"body"`
	TitleFR   string `json:"title_fr"`
	TitleEN   string `json:"title_en"`
	SummaryFR string `json:"summary_fr"`
	SummaryEN string `json:"summary_en"`
	URL       string `json:"url"`
	DaysAgo   int    `json:"days_ago"`
}

// day returns midnight-ish (9 h, Québec) n days from now, so demo dates look real.
func day(now time.Time, n int) time.Time {
	t := now.AddDate(0, 0, n).Truncate(time.Hour)
	return time.Date(t.Year(), t.Month(), t.Day(), 14, 0, 0, 0, time.UTC) // 9 h in Québec
}

// loadCatalog loads regions, themes, bodies, initiatives and news. Existing rows (by
// slug, code or title) are left alone, so loading twice duplicates nothing.
func loadCatalog(ctx context.Context, env *Env) error {
	var regions regionsData
	var themes []themeData
	var bodies []bodyData
	var initiatives []initiativeData
	var news []newsData
	for name, v := range map[string]any{"regions.json": &regions, "themes.json": &themes, "bodies.json": &bodies, "initiatives.json": &initiatives, "news.json": &news} {
		if err := readJSON(name, v); err != nil {
			return err
		}
	}
	now := env.Clock.Now()
	created := 0
	err := env.DB.Write(ctx, func(tx *db.Tx) error {
		for _, r := range regions.Regions {
			if _, err := tx.Exec(ctx, `INSERT INTO regions (code, name_fr, name_en, population) VALUES (?, ?, ?, ?)
				ON CONFLICT (code) DO UPDATE SET population = excluded.population`, r.Code, r.NameFR, r.NameEN, r.Population); err != nil {
				return err
			}
		}
		for _, t := range themes {
			if _, err := tx.Exec(ctx, `INSERT INTO themes (slug, name_fr, name_en, description_fr, description_en) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (slug) DO NOTHING`, t.Slug, t.NameFR, t.NameEN, t.DescriptionFR, t.DescriptionEN); err != nil {
				return err
			}
		}
		for _, b := range bodies {
			if _, err := tx.Exec(ctx, `INSERT INTO bodies (slug, acronym, name_fr, name_en, kind, description_fr, description_en, mission_fr, mission_en, website, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (slug) DO NOTHING`,
				b.Slug, b.Acronym, b.NameFR, b.NameEN, b.Kind, b.DescriptionFR, b.DescriptionEN, b.MissionFR, b.MissionEN, b.Website, db.T(now)); err != nil {
				return err
			}
			for _, s := range b.Social {
				if _, err := tx.Exec(ctx, `INSERT INTO body_social_accounts (body_id, network, handle, url)
					SELECT id, ?, ?, ? FROM bodies WHERE slug = ? ON CONFLICT (body_id, network, url) DO NOTHING`, s.Network, s.Handle, s.URL, b.Slug); err != nil {
					return err
				}
			}
		}
		ids := func(table, col, key string) (int64, error) {
			var id int64
			err := tx.QueryRow(ctx, `SELECT id FROM `+table+` WHERE `+col+` = ?`, key).Scan(&id)
			if err != nil {
				return 0, fmt.Errorf("%s %q: %w", table, key, err)
			}
			return id, nil
		}
		// exists says whether a row with that key was loaded before (loading twice adds nothing).
		exists := func(table, col, key string) (bool, error) {
			var n int
			err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM `+table+` WHERE `+col+` = ?`, key).Scan(&n)
			return n > 0, err
		}
		for _, in := range initiatives {
			if loaded, err := exists("initiatives", "slug", in.Slug); err != nil {
				return err
			} else if loaded {
				continue
			}
			bodyID, err := ids("bodies", "slug", in.Body)
			if err != nil {
				return err
			}
			i := &catalog.Initiative{
				Slug: in.Slug, BodyID: bodyID, Kind: in.Kind, State: in.State, Featured: in.Featured,
				TitleFR: in.TitleFR, TitleEN: in.TitleEN, SummaryFR: in.SummaryFR, SummaryEN: in.SummaryEN,
				DescriptionFR: in.DescriptionFR, DescriptionEN: in.DescriptionEN, HowFR: in.HowFR, HowEN: in.HowEN,
				UseFR: in.UseFR, UseEN: in.UseEN, AccessibilityFR: in.AccessibilityFR, AccessibilityEN: in.AccessibilityEN,
				PartnersFR: in.PartnersFR, PartnersEN: in.PartnersEN, ContactName: in.ContactName,
				ContactEmail: in.ContactEmail, ContactPhone: in.ContactPhone,
				StartsAt: day(now, in.StartsInDays), EndsAt: day(now, in.EndsInDays).Add(-time.Minute),
				ParticipantsCount: in.Participants, Audiences: in.Audiences, Tools: in.Tools,
				CreatedAt: day(now, in.StartsInDays-30), UpdatedAt: now,
			}
			if in.State != catalog.StateDraft {
				i.PublishedAt = day(now, min(in.StartsInDays-14, -1))
			}
			for _, slug := range in.Themes {
				id, err := ids("themes", "slug", slug)
				if err != nil {
					return err
				}
				i.Themes = append(i.Themes, catalog.Theme{ID: id})
			}
			for _, code := range in.Regions {
				i.Regions = append(i.Regions, catalog.Region{Code: code})
			}
			for _, m := range in.Modes {
				i.Modes = append(i.Modes, catalog.Mode(m))
			}
			if in.Results != nil {
				at := day(now, -in.Results.PublishedDaysAgo)
				i.ResultsPublishedAt = at
				i.Results = &catalog.Results{SummaryFR: in.Results.SummaryFR, SummaryEN: in.Results.SummaryEN, PublishedAt: at}
			}
			if err := catalog.SaveInitiative(ctx, tx, i); err != nil {
				return err
			}
			created++
		}
		for _, n := range news {
			if loaded, err := exists("news", "title_fr", n.TitleFR); err != nil {
				return err
			} else if loaded {
				continue
			}
			if _, err := tx.Exec(ctx, `INSERT INTO news (body_id, title_fr, title_en, summary_fr, summary_en, url, published_at)
				VALUES ((SELECT id FROM bodies WHERE slug = ?), ?, ?, ?, ?, ?, ?)`,
				n.Body, n.TitleFR, n.TitleEN, n.SummaryFR, n.SummaryEN, n.URL, db.T(day(now, -n.DaysAgo))); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	env.Report.Add("Catalogue : %d organismes, %d thèmes, %d initiatives (%d nouvelles).", len(bodies), len(themes), len(initiatives), created)
	return nil
}
