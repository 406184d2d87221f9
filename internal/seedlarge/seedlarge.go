// Package seedlarge generates a large, realistic-looking data set for benchmarks:
// initiatives, people, proposals, votes, comments and survey responses. Each area owns
// its step's file; Run calls them in order.
package seedlarge

import (
	"context"
	"fmt"
	"io"
	"time"

	"participe/internal/db"
)

// Sizes says how much to generate.
type Sizes struct {
	Initiatives     int
	People          int
	Proposals       int
	Votes           int
	Comments        int
	SurveyResponses int
}

// DefaultSizes are the sizes the issues' benchmarks name.
func DefaultSizes() Sizes {
	return Sizes{Initiatives: 1000, People: 50000, Proposals: 100000, Votes: 1000000, Comments: 200000, SurveyResponses: 500000}
}

// Env is what each step receives.
type Env struct {
	DB    *db.DB
	Sizes Sizes
	Out   io.Writer
	Now   time.Time
}

// Run generates the data set, step by step.
func Run(ctx context.Context, d *db.DB, sizes Sizes, out io.Writer) error {
	env := &Env{DB: d, Sizes: sizes, Out: out, Now: time.Now().UTC()}
	steps := []struct {
		name string
		fn   func(context.Context, *Env) error
	}{
		{"catalog", seedCatalog},
		{"people", seedPeople},
		{"proposals", seedProposals},
		{"survey", seedSurvey},
	}
	for _, s := range steps {
		start := time.Now()
		if err := s.fn(ctx, env); err != nil {
			return fmt.Errorf("seed-large %s: %w", s.name, err)
		}
		fmt.Fprintf(out, "seed-large: %s done in %s\n", s.name, time.Since(start).Round(time.Millisecond))
	}
	return nil
}
