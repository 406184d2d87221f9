package jobs_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"participe/internal/db"
	"participe/internal/db/dbtest"
	"participe/internal/jobs"
	"participe/internal/participe"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func TestJobsRetryThenSucceedAndUniqueKeys(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clock := participe.NewFixedClock(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
		q := jobs.New(d, clock, slog.New(slog.NewTextHandler(io.Discard, nil)))
		var calls atomic.Int32
		q.Handle("flaky", func(ctx context.Context, p []byte) error {
			if calls.Add(1) == 1 {
				return errors.New("smtp down")
			}
			return nil
		})
		for i := 0; i < 2; i++ { // the second enqueue with the same key is a no-op
			if err := q.Enqueue(ctx, "flaky", map[string]int{"n": 1}, jobs.Options{UniqueKey: "k1"}); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := q.RunOnce(ctx); err != nil || n != 1 {
			t.Fatalf("first round ran %d (%v)", n, err)
		}
		if n, _ := q.RunOnce(ctx); n != 0 {
			t.Fatalf("retry must wait for back-off, ran %d", n)
		}
		clock.Advance(jobs.Backoff(1) + time.Second)
		if n, _ := q.RunOnce(ctx); n != 1 {
			t.Fatalf("retry did not run")
		}
		var state string
		if err := d.QueryRow(ctx, `SELECT state FROM jobs WHERE unique_key = ?`, "k1").Scan(&state); err != nil || state != "done" {
			t.Fatalf("state %q %v", state, err)
		}
		if calls.Load() != 2 {
			t.Fatalf("calls %d", calls.Load())
		}
	})
}

// A job enqueued in a transaction that rolls back does not exist.
func TestEnqueueTxRollsBackWithTheWrite(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		q := jobs.New(d, participe.SystemClock{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
		_ = d.Write(ctx, func(tx *db.Tx) error {
			if err := q.EnqueueTx(ctx, tx, "x", nil, jobs.Options{}); err != nil {
				return err
			}
			return errors.New("abort")
		})
		var n int
		if err := d.QueryRow(ctx, `SELECT count(*) FROM jobs`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("jobs %d %v", n, err)
		}
	})
}
