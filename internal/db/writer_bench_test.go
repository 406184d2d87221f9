package db_test

import (
	"context"
	"sync/atomic"
	"testing"

	"participe/internal/db"
	"participe/internal/db/dbtest"
)

// BenchmarkDurableWrites measures acknowledged (fsynced) single-row writes from many
// goroutines: the group commit turns them into few transactions.
func BenchmarkDurableWrites(b *testing.B) {
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			var d *db.DB
			if engine == "sqlite" {
				d = dbtest.SQLite(b)
			} else {
				d = dbtest.Postgres(b)
			}
			ctx := context.Background()
			var n atomic.Int64
			b.SetParallelism(32)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := n.Add(1)
					if _, err := d.Exec(ctx, `INSERT INTO rate_limits (key, window_start, count) VALUES (?, ?, 1)`, "bench", i); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
