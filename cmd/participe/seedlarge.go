package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"participe/internal/seedlarge"
)

// cmdSeedLarge fills the database with a large generated data set for benchmarks.
func cmdSeedLarge(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("seed-large", flag.ContinueOnError)
	sizes := seedlarge.DefaultSizes()
	fs.IntVar(&sizes.Initiatives, "initiatives", sizes.Initiatives, "number of initiatives")
	fs.IntVar(&sizes.Proposals, "proposals", sizes.Proposals, "number of proposals (10,000 of them in one initiative)")
	fs.IntVar(&sizes.Votes, "votes", sizes.Votes, "number of votes")
	fs.IntVar(&sizes.Comments, "comments", sizes.Comments, "number of comments (1,000 of them on one proposal)")
	fs.IntVar(&sizes.People, "people", sizes.People, "number of participants")
	fs.IntVar(&sizes.SurveyResponses, "survey-responses", sizes.SurveyResponses, "responses to the 30-question benchmark survey")
	database := fs.String("database", "", "database (default: PARTICIPE_DATABASE or sqlite:./participe.db)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	rest := []string{}
	if *database != "" {
		rest = append(rest, "--database", *database)
	}
	a, err := openApp(ctx, "seed-large", rest, getenv, stderr, nil)
	if err != nil {
		return err
	}
	defer a.db.Close()
	start := time.Now()
	if err := seedlarge.Run(ctx, a.db, sizes, stdout); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "seed-large done in %s\n", time.Since(start).Round(time.Second))
	return nil
}
