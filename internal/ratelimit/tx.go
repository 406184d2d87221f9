package ratelimit

import (
	"context"
	"time"

	"participe/internal/db"
)

// AllowTx counts one attempt for key inside the caller's write transaction and reports
// whether it is within limit per window. It costs one statement and no commit of its
// own: a vote or a comment pays for its rate limit in the same group commit as the
// write it guards. When the caller then fails (for instance because AllowTx refused),
// its savepoint or transaction rolls the count back with it, so a refused attempt does
// not lengthen the wait.
func AllowTx(ctx context.Context, tx *db.Tx, now time.Time, key string, limit int, window time.Duration) (bool, error) {
	start, _ := windowStart(now, window)
	var count int
	err := tx.QueryRow(ctx, `INSERT INTO rate_limits (key, window_start, count) VALUES (?, ?, 1)
		ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limits.count + 1 RETURNING count`, key, start).Scan(&count)
	if err != nil {
		return false, err
	}
	return count <= limit, nil
}
