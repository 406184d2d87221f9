package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"syscall"
	"testing"
	"time"

	"participe/internal/db"
)

// Setup shared by the benchmarks (*_bench_test.go).

// openBenchDB opens (and migrates) the seed-large database named by PARTICIPE_BENCH_DB.
// Use a copy: the benchmarks of votes write to it.
func openBenchDB(b *testing.B) *db.DB {
	dsn := os.Getenv("PARTICIPE_BENCH_DB")
	if dsn == "" {
		b.Skip("PARTICIPE_BENCH_DB not set")
	}
	d, err := db.Open(context.Background(), db.Options{DSN: dsn})
	if err != nil {
		b.Fatal(err)
	}
	if err := d.Migrate(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { d.Close() })
	return d
}

// benchScanIDs appends to out the ids returned by q.
func benchScanIDs(ctx context.Context, d *db.DB, out *[]int64, q string) error {
	rows, err := d.Query(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		*out = append(*out, id)
	}
	return rows.Err()
}

// benchSession signs personID in through the server's own session manager and returns
// the session cookie.
func benchSession(b *testing.B, s *Server, personID int64, remember bool) *http.Cookie {
	h := s.Sessions.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.SignIn(r.Context(), personID, remember); err != nil {
			b.Fatalf("sign in: %v", err)
		}
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	for _, c := range rec.Result().Cookies() {
		if c.Name == s.Sessions.Cookie.Name {
			return c
		}
	}
	b.Fatal("no session cookie")
	return nil
}

// cpuPerOp reports the process's CPU time (user + system) per operation, the figure
// that matters on a shared machine where wall time depends on the neighbours.
func cpuPerOp(b *testing.B) func() {
	start := cpuNow()
	return func() {
		b.ReportMetric(float64((cpuNow()-start).Microseconds())/float64(b.N), "cpu-µs/op")
	}
}

// cpuNow is the CPU time (user + system) this process used so far.
func cpuNow() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
