package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"participe/internal/config"
	"participe/internal/db"
	"participe/internal/db/dbtest"
	"participe/internal/participe"
	"participe/internal/seedlarge"
	"participe/internal/tools/proposals"
)

// BenchmarkProposalPages profiles the proposals pages in process on a seed-large
// database, one request at a time, and reports the process CPU per request (the
// figure that matters on a shared machine):
//
//	PARTICIPE_BENCH_DB=sqlite:/tmp/copy-of-large.db go test ./internal/web/ \
//	    -run X -bench ProposalPages -benchtime 2000x -cpuprofile cpu.out
func BenchmarkProposalPages(b *testing.B) {
	benchProposalPages(b, openBenchDB(b))
}

// BenchmarkProposalsPostgres runs the page and vote benchmarks on a throwaway
// PostgreSQL cluster (dbtest) seeded by seed-large with smaller sizes (10,000 proposals
// in the big initiative, 1,000 comments on its first proposal, 100,000 votes):
//
//	go test ./internal/web/ -run X -bench ProposalsPostgres -benchtime 1000x
func BenchmarkProposalsPostgres(b *testing.B) {
	d := dbtest.Postgres(b)
	sizes := seedlarge.Sizes{Initiatives: 100, People: 5000, Proposals: 12000, Votes: 100000, Comments: 3000}
	if err := seedlarge.Run(context.Background(), d, sizes, io.Discard); err != nil {
		b.Fatal(err)
	}
	b.Run("pages", func(b *testing.B) { benchProposalPages(b, d) })
	b.Run("votes", func(b *testing.B) { benchProposalVotes(b, d) })
}

func benchProposalPages(b *testing.B, d *db.DB) {
	cfg := config.Default()
	cfg.Env = "development" // no background work (the results area's dashboard warm-up) in the CPU figures
	s, err := New(Deps{Cfg: cfg, DB: d, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Clock: participe.SystemClock{}})
	if err != nil {
		b.Fatal(err)
	}
	base := "/initiatives/" + seedlarge.BigInitiative + "/propositions"
	var first int64
	if err := d.QueryRow(context.Background(), `SELECT MIN(p.id) FROM proposals p JOIN initiatives i ON i.id = p.initiative_id WHERE i.slug = ?`,
		seedlarge.BigInitiative).Scan(&first); err != nil {
		b.Fatal(err)
	}
	page := fmt.Sprintf("%s/%d", base, first)
	for _, t := range []struct{ name, path string }{{"list", base}, {"list-p2", base + "?page=2"}, {"list-p50", base + "?page=50"},
		{"list-p400", base + "?page=400"}, {"newest", base + "?tri=recentes"}, {"debated", base + "?tri=debattues"},
		{"rising", base + "?tri=montantes"}, {"unanswered", base + "?reponse=sans-reponse"}, {"page", page},
		{"more", page + "/commentaires?apres=00002575/00002576"}} {
		path := t.path
		b.Run(t.name, func(b *testing.B) {
			cpu0 := cpuNow()
			for b.Loop() {
				rec := httptest.NewRecorder()
				s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: %d", path, rec.Code)
				}
			}
			b.ReportMetric(float64((cpuNow()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
		})
	}
}

// BenchmarkProposalVotes measures the vote service alone (no HTTP, no session): 64
// goroutines vote on random proposals of the big initiative as random people, each vote
// acknowledged after its group commit. It reports durable votes/s and process CPU per
// vote.
//
//	PARTICIPE_BENCH_DB=sqlite:/tmp/copy-of-large.db go test ./internal/web/ -run X -bench ProposalVotes -benchtime 20000x
func BenchmarkProposalVotes(b *testing.B) {
	benchProposalVotes(b, openBenchDB(b))
}

func benchProposalVotes(b *testing.B, d *db.DB) {
	ctx := context.Background()
	var ids []int64
	rows, err := d.Query(ctx, `SELECT p.id FROM proposals p JOIN initiatives i ON i.id = p.initiative_id WHERE i.slug = ?`, seedlarge.BigInitiative)
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var id int64
		_ = rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	var people []int64
	rows, err = d.Query(ctx, `SELECT id FROM people WHERE deleted_at IS NULL ORDER BY id LIMIT 5000`)
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var id int64
		_ = rows.Scan(&id)
		people = append(people, id)
	}
	rows.Close()
	if len(ids) == 0 || len(people) == 0 {
		b.Skip("no proposals or people")
	}
	svc := proposals.New(d, participe.SystemClock{}, nil, nil, b.TempDir())
	var next atomic.Int64
	var bad atomic.Int64
	n := int64(b.N)
	b.ResetTimer()
	cpu0, t0 := cpuNow(), time.Now()
	var wg sync.WaitGroup
	for w := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), uint64(time.Now().UnixNano())))
			for next.Add(1) <= n {
				a := &participe.Actor{PersonID: people[rng.IntN(len(people))]}
				v := 1
				if rng.IntN(4) == 0 {
					v = -1
				}
				if _, err := svc.Vote(ctx, a, ids[rng.IntN(len(ids))], v); err != nil {
					bad.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	el := time.Since(t0)
	b.ReportMetric(float64(b.N)/el.Seconds(), "votes/s")
	b.ReportMetric(float64((cpuNow()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/vote")
	if bad.Load() > 0 {
		b.Logf("%d votes refused", bad.Load())
	}
}
