package survey

import (
	"context"
	"os"
	"testing"
	"time"

	"participe/internal/db"
	"participe/internal/participe"
)

// TestLargeResultsTiming measures the results of the seed-large survey (500,000
// responses): the first read of the aggregates and the page as the next visitors get it
// (both must be under 1 s); cross-tabs after their background computation. Run with PARTICIPE_LARGE_DB=sqlite:/path.db after
// `participe seed-large` (a copy: the test migrates it).
func TestLargeResultsTiming(t *testing.T) {
	dsn := os.Getenv("PARTICIPE_LARGE_DB")
	if dsn == "" {
		t.Skip("PARTICIPE_LARGE_DB not set")
	}
	ctx := context.Background()
	d, err := db.Open(ctx, db.Options{DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	// The copy may predate migration 0009 (survey_totals): bring it up to date, as
	// `participe serve` would.
	if err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := d.QueryRow(ctx, `SELECT id FROM surveys WHERE title_fr = 'Sondage de performance' ORDER BY id DESC LIMIT 1`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	svc := New(d, participe.SystemClock{}, nil)
	sv, err := svc.ByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []Filter{{}, {Channel: ChannelPaper}, {Region: "06", AgeGroup: "25-34"}, {Region: "06"}, {AgeGroup: "65+"}, {Channel: ChannelPhone, Region: "11"}, {Question: "q1_1", Option: "a"}, {Question: "q1_3", Option: "b", Channel: ChannelWeb}} {
		if f.Question != "" {
			// Cross-tab: the first request starts the background computation; wait for it,
			// then time the page as the next visitors get it (incremental).
			first := time.Now()
			for {
				res, err := svc.Results(ctx, sv, f, true)
				if err != nil {
					t.Fatal(err)
				}
				if !res.Pending {
					break
				}
				time.Sleep(time.Second)
			}
			t.Logf("filter %+v: first computation in the background took %s", f, time.Since(first).Round(time.Second))
		}
		start := time.Now()
		_, err := svc.Results(ctx, sv, f, true)
		if err != nil {
			t.Fatal(err)
		}
		cold := time.Since(start)
		start = time.Now()
		res, err := svc.Results(ctx, sv, f, true)
		if err != nil {
			t.Fatal(err)
		}
		el := time.Since(start)
		t.Logf("filter %+v: %d responses, %d questions: first read %s, next visitors %s", f, res.Total, len(res.Questions), cold, el)
		if f == (Filter{}) && res.Total < 500000 {
			t.Fatalf("total %d", res.Total)
		}
		if el > time.Second {
			t.Errorf("results took %s (> 1 s)", el)
		}
		// Without a cross-tab, even the first read (nothing cached in this process) must
		// stay under a second: survey_totals and the region / age indexes (migration 0009).
		if f.Question == "" && cold > time.Second {
			t.Errorf("first read took %s (> 1 s)", cold)
		}
	}
}
