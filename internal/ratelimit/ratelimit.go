// Package ratelimit counts attempts per key in fixed windows stored in the database, so
// several app servers enforce one limit together.
package ratelimit

import (
	"context"
	"time"

	"participe/internal/db"
	"participe/internal/participe"
)

// Limiter checks and counts attempts.
type Limiter struct {
	db    *db.DB
	clock participe.Clock
}

// New returns a limiter.
func New(d *db.DB, clock participe.Clock) *Limiter { return &Limiter{db: d, clock: clock} }

// Allow counts one attempt for key and reports whether it is within limit per window;
// when not, retryAfter says when the window ends.
func (l *Limiter) Allow(ctx context.Context, key string, limit int, window time.Duration) (ok bool, retryAfter time.Duration, err error) {
	now := l.clock.Now()
	err = l.db.Write(ctx, func(tx *db.Tx) error {
		var err error
		ok, err = AllowTx(ctx, tx, now, key, limit, window)
		return err
	})
	if err != nil {
		return false, 0, err
	}
	if !ok {
		start, w := windowStart(now, window)
		return false, time.Duration(start+w-now.Unix()) * time.Second, nil
	}
	return true, 0, nil
}

// windowStart returns the start (Unix seconds) and length (seconds, at least 1) of the
// fixed window holding now.
func windowStart(now time.Time, window time.Duration) (start, w int64) {
	w = int64(window / time.Second)
	if w <= 0 {
		w = 1
	}
	return now.Unix() / w * w, w
}

// Check is Allow returning an ETOOMANY domain error when over the limit.
func (l *Limiter) Check(ctx context.Context, key string, limit int, window time.Duration) error {
	ok, _, err := l.Allow(ctx, key, limit, window)
	if err != nil {
		return err
	}
	if !ok {
		return participe.KeyError(participe.ETOOMANY, "error.toomany.body")
	}
	return nil
}

// Count returns the attempts counted for key in the current window (for lockouts).
func (l *Limiter) Count(ctx context.Context, key string, window time.Duration) (int, error) {
	start, _ := windowStart(l.clock.Now(), window)
	var n int
	err := l.db.QueryRow(ctx, `SELECT COALESCE(SUM(count), 0) FROM rate_limits WHERE key = ? AND window_start = ?`, key, start).Scan(&n)
	return n, err
}

// Purge deletes windows that ended before cutoff (a periodic job).
func (l *Limiter) Purge(ctx context.Context, cutoff time.Time) error {
	_, err := l.db.Exec(ctx, `DELETE FROM rate_limits WHERE window_start < ?`, cutoff.Unix())
	return err
}
