// Package demo fills a database with realistic French demo data built from the seed
// documents: real Québec public bodies, themes and regions, about fifty initiatives in
// every status, the "Dialogue — Vers le gouvernement du futur" consultation (seed 004)
// and the consultation-day workbook (seed 000). Loading twice changes nothing.
package demo

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"strings"

	"participe/internal/db"
	"participe/internal/jobs"
	"participe/internal/participe"
)

//go:embed data/*.json
var dataFS embed.FS

// Report says what was loaded and how to sign in (demo credentials only).
type Report struct {
	Lines []string
}

// Add appends a line to the report.
func (r *Report) Add(format string, args ...any) {
	r.Lines = append(r.Lines, fmt.Sprintf(format, args...))
}

func (r *Report) String() string { return strings.Join(r.Lines, "\n") }

// Env is what each area's loader receives.
type Env struct {
	DB     *db.DB
	Clock  participe.Clock
	Jobs   *jobs.Queue
	Report *Report
}

// Load runs every area's loader in order; each is idempotent.
func Load(ctx context.Context, d *db.DB, clock participe.Clock, q *jobs.Queue) (*Report, error) {
	env := &Env{DB: d, Clock: clock, Jobs: q, Report: &Report{}}
	steps := []struct {
		name string
		fn   func(context.Context, *Env) error
	}{
		{"catalog", loadCatalog},
		{"accounts", loadAccounts},
		{"proposals", loadProposals},
		{"survey", loadSurvey},
		{"results", loadResults},
	}
	for _, s := range steps {
		if err := s.fn(ctx, env); err != nil {
			return nil, fmt.Errorf("%s: %w", s.name, err)
		}
	}
	return env.Report, nil
}

// readJSON decodes an embedded data file.
func readJSON(name string, v any) error {
	raw, err := dataFS.ReadFile("data/" + name)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}
