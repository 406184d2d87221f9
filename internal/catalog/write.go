package catalog

import (
	"context"
	"fmt"

	"participe/internal/catalog/search"
	"participe/internal/db"
)

// SaveInitiative inserts (ID == 0) or updates an initiative with its themes (by ID),
// regions, audiences, modes and tools, and refreshes its search document. It does no
// authorization: the back office checks the actor's scope before calling it.
func SaveInitiative(ctx context.Context, tx *db.Tx, i *Initiative) error {
	defer Invalidate()
	args := []any{i.Slug, i.BodyID, i.Kind, i.State, i.Featured, i.TitleFR, i.TitleEN, i.SummaryFR, i.SummaryEN,
		i.DescriptionFR, i.DescriptionEN, i.HowFR, i.HowEN, i.UseFR, i.UseEN, i.AccessibilityFR, i.AccessibilityEN,
		i.PartnersFR, i.PartnersEN, i.ContactName, i.ContactEmail, i.ContactPhone,
		db.T(i.StartsAt), db.T(i.EndsAt), db.T(i.PublishedAt), db.T(i.ResultsPublishedAt), i.ParticipantsCount, db.T(i.UpdatedAt)}
	if i.ID == 0 {
		id, err := tx.InsertID(ctx, `INSERT INTO initiatives (slug, body_id, kind, state, featured, title_fr, title_en,
			summary_fr, summary_en, description_fr, description_en, how_fr, how_en, use_fr, use_en,
			accessibility_fr, accessibility_en, partners_fr, partners_en, contact_name, contact_email, contact_phone,
			starts_at, ends_at, published_at, results_published_at, participants_count, updated_at, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			append(args, db.T(i.CreatedAt))...)
		if err != nil {
			return fmt.Errorf("insert initiative %s: %w", i.Slug, err)
		}
		i.ID = id
	} else {
		if _, err := tx.Exec(ctx, `UPDATE initiatives SET slug = ?, body_id = ?, kind = ?, state = ?, featured = ?,
			title_fr = ?, title_en = ?, summary_fr = ?, summary_en = ?, description_fr = ?, description_en = ?,
			how_fr = ?, how_en = ?, use_fr = ?, use_en = ?, accessibility_fr = ?, accessibility_en = ?,
			partners_fr = ?, partners_en = ?, contact_name = ?, contact_email = ?, contact_phone = ?,
			starts_at = ?, ends_at = ?, published_at = ?, results_published_at = ?, participants_count = ?, updated_at = ?
			WHERE id = ?`, append(args, i.ID)...); err != nil {
			return fmt.Errorf("update initiative %d: %w", i.ID, err)
		}
	}
	return saveRelations(ctx, tx, i)
}

func saveRelations(ctx context.Context, tx *db.Tx, i *Initiative) error {
	for _, table := range []string{"initiative_themes", "initiative_regions", "initiative_audiences", "initiative_modes"} {
		if _, err := tx.Exec(ctx, `DELETE FROM `+table+` WHERE initiative_id = ?`, i.ID); err != nil {
			return err
		}
	}
	for _, t := range i.Themes {
		if _, err := tx.Exec(ctx, `INSERT INTO initiative_themes (initiative_id, theme_id) VALUES (?, ?)`, i.ID, t.ID); err != nil {
			return err
		}
	}
	for _, r := range i.Regions {
		if _, err := tx.Exec(ctx, `INSERT INTO initiative_regions (initiative_id, region_code) VALUES (?, ?)`, i.ID, r.Code); err != nil {
			return err
		}
	}
	for _, a := range i.Audiences {
		if _, err := tx.Exec(ctx, `INSERT INTO initiative_audiences (initiative_id, audience) VALUES (?, ?)`, i.ID, a); err != nil {
			return err
		}
	}
	for _, m := range i.Modes {
		if _, err := tx.Exec(ctx, `INSERT INTO initiative_modes (initiative_id, mode, details_fr, details_en, address, phone, url)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, i.ID, m.Mode, m.DetailsFR, m.DetailsEN, m.Address, m.Phone, m.URL); err != nil {
			return err
		}
	}
	// Tools keep their settings: add the new ones, remove the dropped ones.
	if _, err := tx.Exec(ctx, `DELETE FROM initiative_tools WHERE initiative_id = ?`+notIn("tool", len(i.Tools)), append([]any{i.ID}, anySlice(i.Tools)...)...); err != nil {
		return err
	}
	for n, t := range i.Tools {
		if _, err := tx.Exec(ctx, `INSERT INTO initiative_tools (initiative_id, tool, position) VALUES (?, ?, ?)
			ON CONFLICT (initiative_id, tool) DO UPDATE SET position = excluded.position`, i.ID, t, n); err != nil {
			return err
		}
	}
	if i.Results != nil {
		if _, err := tx.Exec(ctx, `INSERT INTO initiative_results (initiative_id, summary_fr, summary_en, published_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (initiative_id) DO UPDATE SET summary_fr = excluded.summary_fr, summary_en = excluded.summary_en, published_at = excluded.published_at`,
			i.ID, i.Results.SummaryFR, i.Results.SummaryEN, db.T(i.Results.PublishedAt)); err != nil {
			return err
		}
	}
	return Reindex(ctx, tx, i)
}

// Reindex refreshes the initiative's SQLite search document (PostgreSQL keeps its
// tsvector up to date by itself: a generated column).
func Reindex(ctx context.Context, tx *db.Tx, i *Initiative) error {
	if tx.Engine() != db.SQLite {
		return nil
	}
	doc := search.IndexText(i.TitleFR, i.TitleEN, i.SummaryFR, i.SummaryEN, i.DescriptionFR, i.HowFR, i.UseFR, i.PartnersFR)
	if _, err := tx.Exec(ctx, `DELETE FROM initiative_fts WHERE rowid = ?`, i.ID); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `INSERT INTO initiative_fts (rowid, doc) VALUES (?, ?)`, i.ID, doc)
	return err
}

func notIn(col string, n int) string {
	if n == 0 {
		return ""
	}
	return " AND " + col + " NOT IN (" + placeholders(n) + ")"
}

func anySlice(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
