package results

import (
	"context"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"participe/internal/db"
	"participe/internal/jobs"
	"participe/internal/participe"
)

// These tests measure the results area on the large data set of `participe seed-large`.
// They run only when PARTICIPE_BENCH_DB names such a database (they are benchmarks, not
// timed tests); the figures go to docs/performance.md.
//
//	PARTICIPE_BENCH_DB=sqlite:/tmp/large.db go test ./internal/results -run TestLarge -v

func largeDB(t *testing.T) (*db.DB, *Service) {
	dsn := os.Getenv("PARTICIPE_BENCH_DB")
	if dsn == "" {
		t.Skip("PARTICIPE_BENCH_DB not set")
	}
	d, err := db.Open(context.Background(), db.Options{DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	clock := participe.SystemClock{}
	return d, New(d, clock, jobs.New(d, clock, nil))
}

func TestLargeDashboard(t *testing.T) {
	d, svc := largeDB(t)
	ctx := context.Background()
	for _, part := range []struct {
		name string
		fn   func() error
	}{
		{"key figures", func() error { _, err := svc.KeyFigures(ctx, 0); return err }},
		{"timeline", func() error { _, err := svc.timeline(ctx, 0); return err }},
		{"median answer", func() error { _, _, err := svc.medianAnswer(ctx, 0); return err }},
		{"satisfaction", func() error { _, err := svc.satisfaction(ctx, 0); return err }},
		{"representativeness", func() error { _, err := svc.Representativeness(ctx, 0); return err }},
		{"moderation", func() error { _, err := svc.moderation(ctx, 0); return err }},
	} {
		start := time.Now()
		if err := part.fn(); err != nil {
			t.Fatal(err)
		}
		t.Logf("  %s: %s", part.name, time.Since(start))
	}
	start := time.Now()
	if _, err := svc.computeDashboard(ctx, 0); err != nil {
		t.Fatal(err)
	}
	t.Logf("platform dashboard, computed from scratch: %s", time.Since(start))
	var id int64
	_ = d.QueryRow(ctx, `SELECT id FROM initiatives WHERE slug = 'propositions-grand-volume'`).Scan(&id)
	start = time.Now()
	if _, err := svc.computeDashboard(ctx, id); err != nil {
		t.Fatal(err)
	}
	t.Logf("dashboard of propositions-grand-volume (10,000 proposals), computed: %s", time.Since(start))
	if _, err := svc.Dashboard(ctx, 0); err != nil {
		t.Fatal(err)
	}
	const n = 1000
	start = time.Now()
	for i := 0; i < n; i++ {
		if _, err := svc.Dashboard(ctx, 0); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("platform dashboard from the cache: %s per call", time.Since(start)/n)
}

type countingWriter struct{ n atomic.Int64 }

func (c *countingWriter) Write(p []byte) (int, error) { c.n.Add(int64(len(p))); return len(p), nil }

func rssKB(field string) int64 {
	raw, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(line, field+":") {
			n, _ := strconv.ParseInt(strings.Fields(line)[1], 10, 64)
			return n
		}
	}
	return 0
}

// TestLargeExport streams the votes and contributions of one initiative holding every
// vote of the data set (1,000,000): the test copies the database and moves all proposals
// into one initiative first (the bench database is not changed).
func TestLargeExport(t *testing.T) {
	dsn := os.Getenv("PARTICIPE_BENCH_DB")
	if !strings.HasPrefix(dsn, "sqlite:") {
		t.Skip("PARTICIPE_BENCH_DB (sqlite:) not set")
	}
	ctx := context.Background()
	src, err := db.Open(ctx, db.Options{DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	copyPath := t.TempDir() + "/copy.db"
	if _, err := src.WriteSQL().ExecContext(ctx, `VACUUM INTO '`+copyPath+`'`); err != nil {
		t.Fatal(err)
	}
	src.Close()
	d, err := db.Open(ctx, db.Options{DSN: "sqlite:" + copyPath})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var id int64
	if err := d.QueryRow(ctx, `SELECT id FROM initiatives WHERE slug = 'propositions-grand-volume'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Exec(ctx, `UPDATE proposals SET initiative_id = ?`, id); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Exec(ctx, `UPDATE contributions SET initiative_id = ?`, id); err != nil {
		t.Fatal(err)
	}
	var votes int64
	_ = d.QueryRow(ctx, `SELECT COUNT(*) FROM proposal_votes v JOIN proposals p ON p.id = v.proposal_id WHERE p.initiative_id = ?`, id).Scan(&votes)
	clock := participe.SystemClock{}
	svc := New(d, clock, jobs.New(d, clock, nil))
	for _, key := range []string{"votes", "contributions"} {
		for _, format := range []string{"csv", "json"} {
			runtime.GC()
			var peak uint64
			stop := make(chan struct{})
			done := make(chan struct{})
			go func() {
				defer close(done)
				var ms runtime.MemStats
				for {
					select {
					case <-stop:
						return
					case <-time.After(20 * time.Millisecond):
						runtime.ReadMemStats(&ms)
						if ms.HeapInuse > peak {
							peak = ms.HeapInuse
						}
					}
				}
			}()
			w := &countingWriter{}
			start := time.Now()
			err := svc.WriteExport(ctx, &ExportTarget{InitiativeID: id, Slug: "x", Dataset: DatasetByKey(key)}, format, w)
			close(stop)
			<-done
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s.%s over %d votes: %d MB in %s; Go heap in use peak %d MB; RssAnon %d MB, VmRSS %d MB",
				key, format, votes, w.n.Load()>>20, time.Since(start).Round(time.Millisecond), peak>>20, rssKB("RssAnon")>>10, rssKB("VmRSS")>>10)
			if peak > 300<<20 {
				t.Errorf("heap peak %d MB", peak>>20)
			}
		}
	}
	_ = io.Discard
}
