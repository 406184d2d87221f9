package ratelimit

import (
	"context"
	"errors"
	"testing"
	"time"

	"participe/internal/db"
	"participe/internal/db/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

var errRefused = errors.New("refused")

// TestRateLimitAllowTx counts attempts inside write transactions: allowed up to the
// limit, refused above it, a refused attempt rolled back with its transaction, and a
// new window starting afresh; keys are independent.
func TestRateLimitAllowTx(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 14, 0, 5, 0, time.UTC)
		try := func(key string, at time.Time) bool {
			t.Helper()
			var ok bool
			err := d.Write(ctx, func(tx *db.Tx) error {
				var err error
				ok, err = AllowTx(ctx, tx, at, key, 3, time.Minute)
				if err == nil && !ok {
					return errRefused // the caller's write fails: its count rolls back
				}
				return err
			})
			if err != nil && !errors.Is(err, errRefused) {
				t.Fatal(err)
			}
			return ok
		}
		for k := 1; k <= 3; k++ {
			if !try("vote:1", now) {
				t.Fatalf("attempt %d refused under the limit", k)
			}
		}
		for k := 0; k < 3; k++ {
			if try("vote:1", now.Add(10*time.Second)) {
				t.Fatal("attempt over the limit allowed")
			}
		}
		var n int
		if err := d.QueryRow(ctx, `SELECT count FROM rate_limits WHERE key = ?`, "vote:1").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 3 {
			t.Fatalf("count = %d, want 3 (refused attempts roll back)", n)
		}
		if !try("vote:2", now) {
			t.Fatal("another key refused")
		}
		if !try("vote:1", now.Add(time.Minute)) {
			t.Fatal("refused in the next window")
		}
	})
}
