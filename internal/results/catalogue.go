package results

import (
	"context"
	"fmt"
	"strings"
	"time"

	"participe/internal/db"
)

// CatalogueEntry is one closed initiative with the datasets it offers.
type CatalogueEntry struct {
	InitiativeID int64
	Slug         string
	TitleFR      string
	TitleEN      string
	BodySlug     string
	BodyFR       string
	BodyEN       string
	EndsAt       time.Time
	ResultsAt    time.Time
	Datasets     []*Dataset
}

// CatalogueFilter pages the catalogue.
type CatalogueFilter struct {
	BodyID int64
	Limit  int
	Offset int
}

// Catalogue lists closed public initiatives (newest closing first) and their datasets.
func (s *Service) Catalogue(ctx context.Context, f CatalogueFilter) ([]CatalogueEntry, int, error) {
	now := db.T(s.clock.Now())
	where := `i.state IN ('published', 'scheduled', 'closed', 'archived') AND i.published_at IS NOT NULL AND i.published_at <= ? AND i.ends_at <= ?`
	args := []any{now, now}
	if f.BodyID != 0 {
		where += " AND i.body_id = ?"
		args = append(args, f.BodyID)
	}
	var total int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM initiatives i WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if f.Limit <= 0 || f.Limit > 5000 {
		f.Limit = 50
	}
	rows, err := s.db.Query(ctx, `SELECT i.id, i.slug, i.title_fr, i.title_en, b.slug, b.name_fr, b.name_en, i.ends_at, i.results_published_at
		FROM initiatives i JOIN bodies b ON b.id = i.body_id WHERE `+where+fmt.Sprintf(` ORDER BY i.ends_at DESC, i.id DESC LIMIT %d OFFSET %d`, f.Limit, max(f.Offset, 0)), args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []CatalogueEntry
	for rows.Next() {
		var e CatalogueEntry
		var ends, res db.Time
		if err := rows.Scan(&e.InitiativeID, &e.Slug, &e.TitleFR, &e.TitleEN, &e.BodySlug, &e.BodyFR, &e.BodyEN, &ends, &res); err != nil {
			return nil, 0, err
		}
		e.EndsAt = ends.Time
		if !res.IsZero() && !res.After(s.clock.Now()) {
			e.ResultsAt = res.Time
		}
		for _, d := range Datasets {
			if d.NeedsResults && e.ResultsAt.IsZero() {
				continue
			}
			e.Datasets = append(e.Datasets, d)
		}
		out = append(out, e)
	}
	return out, total, rows.Err()
}

// DCAT builds a DCAT-style JSON-LD catalogue of every dataset (base is the site's URL).
func (s *Service) DCAT(ctx context.Context, base string) (map[string]any, error) {
	base = strings.TrimSuffix(base, "/")
	entries, _, err := s.Catalogue(ctx, CatalogueFilter{Limit: 5000})
	if err != nil {
		return nil, err
	}
	datasets := []any{}
	for _, e := range entries {
		for _, d := range e.Datasets {
			url := fmt.Sprintf("%s/donnees-ouvertes/%s/%s", base, e.Slug, d.Key)
			modified := e.EndsAt
			if !e.ResultsAt.IsZero() {
				modified = e.ResultsAt
			}
			cols := []any{}
			for _, c := range d.Columns {
				cols = append(cols, map[string]any{"name": c.Name, "type": c.Type, "description": map[string]string{"fr": c.DescFR, "en": c.DescEN}})
			}
			datasets = append(datasets, map[string]any{
				"@type":       "dcat:Dataset",
				"@id":         url,
				"identifier":  e.Slug + "/" + d.Key,
				"title":       map[string]string{"fr": d.TitleFR + " — " + e.TitleFR, "en": d.TitleEN + " — " + firstNonEmpty(e.TitleEN, e.TitleFR)},
				"description": map[string]string{"fr": d.DescFR, "en": d.DescEN},
				"publisher":   map[string]any{"@type": "foaf:Organization", "name": map[string]string{"fr": e.BodyFR, "en": firstNonEmpty(e.BodyEN, e.BodyFR)}, "identifier": e.BodySlug},
				"license":     LicenceURL,
				"issued":      e.EndsAt.UTC().Format(time.RFC3339),
				"modified":    modified.UTC().Format(time.RFC3339),
				"landingPage": fmt.Sprintf("%s/initiatives/%s", base, e.Slug),
				"language":    []string{"fr", "en"},
				"columns":     cols,
				"distribution": []any{
					map[string]any{"@type": "dcat:Distribution", "downloadURL": url + ".csv", "mediaType": "text/csv", "format": "CSV", "license": LicenceURL},
					map[string]any{"@type": "dcat:Distribution", "downloadURL": url + ".json", "mediaType": "application/json", "format": "JSON", "license": LicenceURL},
				},
			})
		}
	}
	return map[string]any{
		"@context": map[string]string{"dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/", "foaf": "http://xmlns.com/foaf/0.1/",
			"title": "dct:title", "description": "dct:description", "publisher": "dct:publisher", "license": "dct:license",
			"issued": "dct:issued", "modified": "dct:modified", "identifier": "dct:identifier", "language": "dct:language",
			"dataset": "dcat:dataset", "distribution": "dcat:distribution", "downloadURL": "dcat:downloadURL", "mediaType": "dcat:mediaType",
			"format": "dct:format", "landingPage": "dcat:landingPage", "name": "foaf:name"},
		"@type":       "dcat:Catalog",
		"@id":         base + "/donnees-ouvertes/catalogue.json",
		"title":       map[string]string{"fr": "Données ouvertes de Participe", "en": "Participe open data"},
		"description": map[string]string{"fr": "Données anonymisées des initiatives de participation terminées.", "en": "Anonymised data of closed participation initiatives."},
		"license":     LicenceURL,
		"dataset":     datasets,
	}, nil
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
