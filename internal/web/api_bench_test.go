package web

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"participe/internal/config"
	"participe/internal/participe"
)

// apiBenchPaths are the API list endpoints of bench/scenarios/results.txt.
var apiBenchPaths = []string{
	"/api/v1/initiatives", "/api/v1/initiatives?status=open", "/api/v1/bodies", "/api/v1/themes", "/api/v1/follow-ups",
	"/api/v1/contributions?initiative=propositions-grand-volume",
	"/api/v1/contributions?initiative=propositions-grand-volume&kind=proposal&limit=50",
	"/api/v1/answers?initiative=propositions-grand-volume", "/api/v1/results", "/api/v1/initiatives?theme=sante",
	"/api/v1/initiatives/gen-00010",
}

// BenchmarkAPILists measures the CPU cost of one API list request through the whole
// handler chain on a seed-large database (a copy: it is migrated to the current schema,
// and the cursor secret is written once):
//
//	PARTICIPE_BENCH_DB=sqlite:/tmp/large.db go test ./internal/web/ -run X -bench APILists -benchtime 2000x -cpuprofile cpu.out
func BenchmarkAPILists(b *testing.B) {
	// The copy is brought to the current schema (migrations since the data set was made).
	d := openBenchDB(b)
	cfg := config.Default()
	// No background work (dashboard warm-up, scans): only the requests are measured.
	cfg.Env = "development"
	s, err := New(Deps{Cfg: cfg, DB: d, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Clock: participe.SystemClock{}})
	if err != nil {
		b.Fatal(err)
	}
	for _, path := range apiBenchPaths {
		name := strings.ReplaceAll(strings.TrimPrefix(path, "/api/v1/"), "/", "_")
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			start := cpuNow()
			for b.Loop() {
				rec := httptest.NewRecorder()
				s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: %d %s", path, rec.Code, rec.Body.String())
				}
			}
			b.ReportMetric(float64(cpuNow()-start)/float64(b.N), "cpu-ns/op")
		})
	}
}
