package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"participe/internal/config"
	"participe/internal/db"
	"participe/internal/participe"
)

// BenchmarkProposalPages profiles the proposals pages in process on a seed-large
// database: PARTICIPE_BENCH_DB=sqlite:bench/.data/large.db go test ./internal/web/
// -run X -bench ProposalPages -cpuprofile cpu.out
func BenchmarkProposalPages(b *testing.B) {
	dsn := os.Getenv("PARTICIPE_BENCH_DB")
	if dsn == "" {
		b.Skip("PARTICIPE_BENCH_DB not set")
	}
	d, err := db.Open(context.Background(), db.Options{DSN: dsn})
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	cfg := config.Default()
	s, err := New(Deps{Cfg: cfg, DB: d, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Clock: participe.SystemClock{}})
	if err != nil {
		b.Fatal(err)
	}
	for _, path := range []string{"/initiatives/propositions-grand-volume/propositions", "/initiatives/propositions-grand-volume/propositions/1"} {
		b.Run(path, func(b *testing.B) {
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					rec := httptest.NewRecorder()
					s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
					if rec.Code != http.StatusOK {
						b.Fatalf("%s: %d", path, rec.Code)
					}
				}
			})
		})
	}
}
