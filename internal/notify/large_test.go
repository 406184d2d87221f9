package notify

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"participe/internal/db"
	"participe/internal/i18n"
	"participe/internal/jobs"
	"participe/internal/participe"
)

// TestLargeResultsFanout times the "results published" fan-out of the seed-large
// initiative with the most participants. It WRITES notifications and mail jobs, so it
// runs only on a copy named by PARTICIPE_BENCH_DB with PARTICIPE_BENCH_WRITE=1:
//
//	cp /work/large.db /tmp/copy.db
//	PARTICIPE_BENCH_WRITE=1 PARTICIPE_BENCH_DB=sqlite:/tmp/copy.db go test ./internal/notify -run TestLarge -v
func TestLargeResultsFanout(t *testing.T) {
	dsn := os.Getenv("PARTICIPE_BENCH_DB")
	if dsn == "" || os.Getenv("PARTICIPE_BENCH_WRITE") != "1" {
		t.Skip("PARTICIPE_BENCH_DB and PARTICIPE_BENCH_WRITE=1 not set")
	}
	ctx := context.Background()
	d, err := db.Open(ctx, db.Options{DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	clock := participe.SystemClock{}
	q := jobs.New(d, clock, slog.New(slog.NewTextHandler(io.Discard, nil)))
	s := New(d, clock, q, cat, "https://participe.test")
	var id int64
	if err := d.QueryRow(ctx, `SELECT initiative_id FROM contributions GROUP BY initiative_id ORDER BY COUNT(*) DESC LIMIT 1`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	ev := Event{Kind: KindResultsPublished, Key: "results_published:large:" + time.Now().Format(time.RFC3339Nano), InitiativeID: id, Title: "Grand volume", URL: "/initiatives/x/resultats"}
	payload, _ := json.Marshal(ev)
	start := time.Now()
	ids, err := s.recipients(ctx, ev)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("initiative %d: %d recipients found in %v", id, len(ids), time.Since(start))
	start = time.Now()
	if err := s.fanout(ctx, payload); err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	var n int
	_ = d.QueryRow(ctx, `SELECT COUNT(*) FROM notifications WHERE event_key = ?`, ev.Key).Scan(&n)
	t.Logf("fan-out: %d notifications in %v (%.0f µs per person), in batches of %d", n, elapsed, float64(elapsed.Microseconds())/float64(max(n, 1)), fanoutBatch)
	start = time.Now()
	if err := s.fanout(ctx, payload); err != nil {
		t.Fatal(err)
	}
	again := time.Since(start)
	var n2 int
	_ = d.QueryRow(ctx, `SELECT COUNT(*) FROM notifications WHERE event_key = ?`, ev.Key).Scan(&n2)
	t.Logf("the same fan-out run again (retry): %v, notifications %d", again, n2)
	if n2 != n {
		t.Errorf("the retry changed the notifications: %d then %d", n, n2)
	}
}
