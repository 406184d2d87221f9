package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"participe/internal/config"
	"participe/internal/participe"
)

// BenchmarkOpsMixedRead measures, in process, the reads of the mixed scenario
// (bench/mixed) made by signed-in people, page by page and in the scenario's proportions
// ("mix": home 20 %, open initiatives 20 %, an initiative 10 %, a proposals list 20 %, a
// proposal 30 %), on a copy of a seed-large database (sessions are written into it):
//
//	cp /work/large.db /tmp/x.db
//	PARTICIPE_BENCH_DB=sqlite:/tmp/x.db go test ./internal/web/ -run X -bench OpsMixedRead -benchtime 2000x -cpuprofile cpu.out
//
// The env is "development": for a signed-in person it serves the same work as
// production (the page caches never apply to them), without production's background
// work (the results dashboard recomputed every 30 s), which would otherwise be charged
// to the requests measured.
func BenchmarkOpsMixedRead(b *testing.B) {
	ctx := context.Background()
	d := openBenchDB(b)
	cfg := config.Default()
	cfg.Env = "development"
	s, err := New(Deps{Cfg: cfg, DB: d, Log: slog.New(slog.NewJSONHandler(io.Discard, nil)), Clock: participe.SystemClock{}})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Shutdown()
	var people []int64
	if err := benchScanIDs(ctx, d, &people, `SELECT id FROM people WHERE email LIKE '%@large.test' ORDER BY id LIMIT 64`); err != nil {
		b.Fatal(err)
	}
	var ids []int64
	if err := benchScanIDs(ctx, d, &ids, `SELECT p.id FROM proposals p JOIN initiatives i ON i.id = p.initiative_id
		WHERE i.slug = 'propositions-grand-volume' ORDER BY p.id LIMIT 5000`); err != nil {
		b.Fatal(err)
	}
	var fiches []string
	rows, err := d.Query(ctx, `SELECT slug FROM initiatives WHERE state = 'published' AND published_at <= ?
		ORDER BY id LIMIT 200`, time.Now().Unix())
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var slug string
		_ = rows.Scan(&slug)
		fiches = append(fiches, slug)
	}
	rows.Close()
	if len(people) == 0 || len(ids) == 0 || len(fiches) == 0 {
		b.Fatal("not a seed-large database")
	}
	cookies := make([]*http.Cookie, len(people))
	for i, id := range people {
		cookies[i] = benchSession(b, s, id, false)
	}
	const big = "/initiatives/propositions-grand-volume"
	pages := map[string]func(i int64) string{
		"home":      func(int64) string { return "/" },
		"open":      func(int64) string { return "/initiatives?status=open" },
		"fiche":     func(i int64) string { return "/initiatives/" + fiches[int(i)%len(fiches)] },
		"proposals": func(int64) string { return big + "/propositions" },
		"proposal":  func(i int64) string { return fmt.Sprintf("%s/propositions/%d", big, ids[int(i*7919)%len(ids)]) },
	}
	// The scenario's proportions, out of 10.
	mix := []string{"home", "home", "open", "open", "fiche", "proposals", "proposals", "proposal", "proposal", "proposal"}
	run := func(path func(i int64) string) func(b *testing.B) {
		return func(b *testing.B) {
			start := cpuNow()
			var n atomic.Int64
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := n.Add(1)
					req := httptest.NewRequest(http.MethodGet, path(i), nil)
					req.AddCookie(cookies[int(i)%len(cookies)])
					rec := httptest.NewRecorder()
					s.ServeHTTP(rec, req)
					if rec.Code != http.StatusOK {
						b.Fatalf("%s: %d", req.URL, rec.Code)
					}
				}
			})
			b.ReportMetric(float64((cpuNow()-start).Microseconds())/float64(b.N), "cpu-µs/op")
		}
	}
	for _, name := range []string{"home", "open", "fiche", "proposals", "proposal"} {
		b.Run(name, run(pages[name]))
	}
	b.Run("mix", run(func(i int64) string { return pages[mix[int(i*31)%len(mix)]](i) }))
}
