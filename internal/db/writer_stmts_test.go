package db_test

import (
	"context"
	"errors"
	"sync"
	"syscall"
	"testing"
	"time"

	"participe/internal/db"
	"participe/internal/db/dbtest"
)

// TestWriterPreparedStatements: statements the writer has seen are prepared between
// group commits and reused by later transactions, with the same results as unprepared
// ones, failures still rolled back alone, and no deadlock (the statement is never
// prepared while a transaction holds the single connection).
func TestWriterPreparedStatements(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		ins := `INSERT INTO rate_limits (key, window_start, count) VALUES (?, ?, 1)
			ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limits.count + 1 RETURNING count`
		bump := func(key string, win int64) (int, error) {
			var n int
			err := d.Write(ctx, func(tx *db.Tx) error {
				return tx.QueryRow(ctx, ins, key, win).Scan(&n)
			})
			return n, err
		}
		for i := 1; i <= 3; i++ {
			n, err := bump("a", 1)
			if err != nil || n != i {
				t.Fatalf("bump %d: n=%d err=%v", i, n, err)
			}
		}
		if d.Engine == db.SQLite && d.PreparedWrites() < 3 {
			t.Fatalf("prepared write statements: %d, want the insert and the savepoint statements", d.PreparedWrites())
		}

		// Concurrent groups mixing prepared statements and failures.
		var wg sync.WaitGroup
		errs := make([]error, 300)
		for i := range errs {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				errs[i] = d.Write(ctx, func(tx *db.Tx) error {
					if _, err := tx.Exec(ctx, `INSERT INTO rate_limits (key, window_start, count) VALUES (?, ?, 1)`, "c", int64(i)); err != nil {
						return err
					}
					var n int
					if err := tx.QueryRow(ctx, ins, "sum", int64(0)).Scan(&n); err != nil {
						return err
					}
					if i%7 == 0 {
						return errors.New("deliberate failure")
					}
					return nil
				})
			}(i)
		}
		wg.Wait()
		failed := 0
		for _, err := range errs {
			if err != nil {
				failed++
			}
		}
		var rows, sum int
		_ = d.QueryRow(ctx, `SELECT COUNT(*) FROM rate_limits WHERE key = ?`, "c").Scan(&rows)
		_ = d.QueryRow(ctx, `SELECT count FROM rate_limits WHERE key = ?`, "sum").Scan(&sum)
		if failed != 43 || rows != 257 || sum != 257 {
			t.Fatalf("failed=%d rows=%d sum=%d, want 43, 257, 257", failed, rows, sum)
		}

		// A statement that cannot be prepared keeps failing cleanly.
		for i := 0; i < 2; i++ {
			if _, err := d.Exec(ctx, `INSERT INTO no_such_table (x) VALUES (?)`, 1); err == nil {
				t.Fatal("insert into a missing table succeeded")
			}
		}
		if _, err := bump("a", 1); err != nil {
			t.Fatalf("writer after a failed statement: %v", err)
		}
	})
}

// BenchmarkWriterCPU reports the process CPU per durable single-row write (the group
// commit's own cost, without HTTP): go test ./internal/db -run X -bench WriterCPU.
func BenchmarkWriterCPU(b *testing.B) {
	d := dbtest.SQLite(b)
	ctx := context.Background()
	b.SetParallelism(32)
	var ru0, ru1 syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
	b.ResetTimer()
	var mu sync.Mutex
	next := int64(0)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			mu.Lock()
			next++
			i := next
			mu.Unlock()
			if err := d.Write(ctx, func(tx *db.Tx) error {
				if _, err := tx.Exec(ctx, `INSERT INTO rate_limits (key, window_start, count) VALUES (?, ?, 1)`, "bench", i); err != nil {
					return err
				}
				_, err := tx.Exec(ctx, `UPDATE rate_limits SET count = count + 1 WHERE key = ? AND window_start = ?`, "bench", i)
				return err
			}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
	cpu := time.Duration(ru1.Utime.Nano() + ru1.Stime.Nano() - ru0.Utime.Nano() - ru0.Stime.Nano())
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/op")
}
