package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"participe/internal/db/dbtest"
	"participe/internal/seedlarge"
)

// BenchmarkPortalPages renders portal pages in-process on SQLite with 1,000 generated
// initiatives, bypassing the page cache: the CPU cost of one full render.
//
//	go test ./internal/web -run XXX -bench PortalPages -benchtime 300x
//	go test ./internal/web -run XXX -bench PortalPages/list -cpuprofile cpu.out
//	PORTAL_BENCH_ENGINE=postgres go test ./internal/web -run XXX -bench PortalPages
func BenchmarkPortalPages(b *testing.B) {
	d := dbtest.SQLite(b)
	if os.Getenv("PORTAL_BENCH_ENGINE") == "postgres" {
		// The CPU metric then counts the app only (PostgreSQL runs in its own processes).
		d = dbtest.Postgres(b)
	}
	sizes := seedlarge.Sizes{Initiatives: 1000}
	if err := seedlarge.Run(context.Background(), d, sizes, io.Discard); err != nil {
		b.Fatal(err)
	}
	if os.Getenv("PORTAL_BENCH_FTS_PREFIX") != "" {
		// Experiment: the same full-text table with FTS5 prefix indexes (a migration
		// to decide), to measure what prefix terms ("consult"*) would cost then.
		for _, q := range []string{
			`CREATE VIRTUAL TABLE initiative_fts_p USING fts5(doc, tokenize = 'unicode61 remove_diacritics 2', prefix = '3 4 5 6')`,
			`INSERT INTO initiative_fts_p (rowid, doc) SELECT rowid, doc FROM initiative_fts`,
			`DROP TABLE initiative_fts`,
			`ALTER TABLE initiative_fts_p RENAME TO initiative_fts`,
		} {
			if _, err := d.WriteSQL().ExecContext(context.Background(), q); err != nil {
				b.Fatal(err)
			}
		}
	}
	ts := newTestServer(b, d)
	pages := []struct{ name, path string }{
		{"home", "/"},
		{"home-en", "/en/"},
		{"list", "/initiatives"},
		{"list-filtered", "/initiatives?theme=sante&status=open"},
		{"list-filtered2", "/initiatives?mode=online&region=06&sort=popular&page=2"},
		{"fiche", "/initiatives/gen-00010"},
		{"search-electricite", "/initiatives?q=electricite"},
		{"search-consultations", "/initiatives?q=consultations"},
		{"search-varied", ""}, // searchQueries in turn
		{"calendar", "/calendrier"},
		{"calendar-list", "/calendrier?vue=liste"},
		{"feed", "/flux/initiatives.atom"},
		{"content", "/nous-joindre"},
	}
	if os.Getenv("PORTAL_BENCH_EACH_QUERY") != "" {
		// One sub-benchmark per search, for the p95 over the set.
		for n, q := range searchQueries {
			pages = append(pages, struct{ name, path string }{fmt.Sprintf("q%02d", n), "/initiatives?q=" + q})
		}
	}
	for _, pg := range pages {
		b.Run(pg.name, func(b *testing.B) {
			n := 0
			cpu0 := cpuNow()
			for b.Loop() {
				path := pg.path
				if path == "" {
					path = "/initiatives?q=" + searchQueries[n%len(searchQueries)]
					n++
				}
				rec := httptest.NewRecorder()
				ts.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: %d", path, rec.Code)
				}
			}
			b.ReportMetric(float64((cpuNow()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
		})
	}
}

// searchQueries is a varied set of searches (common and rare words, several words,
// accents, a prefix, a phrase), as typed by visitors.
var searchQueries = []string{
	"electricite", "consultations", "sant%C3%A9", "transport+collectif", "energie+renouvelable",
	"%C3%A9ducation", "logement", "eau+potable", "jeunes", "budget", "climat*",
	"%22qualit%C3%A9+de+l%27air%22", "culture+patrimoine", "num%C3%A9rique", "agriculture", "for%C3%AAt",
}
