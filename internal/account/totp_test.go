package account

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"participe/internal/db"
	"participe/internal/db/dbtest"
	"participe/internal/participe"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// Two concurrent uses of one TOTP code: exactly one wins (no replay, both engines).
func TestTOTPCodeUsedOnceUnderConcurrency(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clock := participe.NewFixedClock(time.Date(2026, 11, 23, 14, 30, 0, 0, time.UTC))
		s := &Service{DB: d, Clock: clock}
		var id int64
		err := d.Write(ctx, func(tx *db.Tx) error {
			var err error
			id, err = tx.InsertID(ctx, `INSERT INTO people (email, pseudonym, created_at) VALUES ('t@example.test', 'T', ?) RETURNING id`, db.T(clock.Now()))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		setup, err := s.BeginTOTP(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		code := func() string {
			c, _ := totp.GenerateCodeCustom(setup.Secret, clock.Now(), totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
			return c
		}
		codes, err := s.ConfirmTOTP(ctx, id, code())
		if err != nil || len(codes) != 10 {
			t.Fatalf("confirm: %v %d", err, len(codes))
		}
		clock.Advance(30 * time.Second)
		c := code()
		var wg sync.WaitGroup
		results := make([]error, 6)
		for i := range results {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				results[i] = s.VerifySecondFactor(ctx, id, c, "192.0.2.9")
			}(i)
		}
		wg.Wait()
		ok := 0
		for _, err := range results {
			if err == nil {
				ok++
			} else if !participe.IsCode(err, participe.EINVALID) {
				t.Fatalf("unexpected error: %v", err)
			}
		}
		if ok != 1 {
			t.Fatalf("%d concurrent uses of one code succeeded, want 1", ok)
		}
		// A code of an earlier step is refused too.
		clock.Advance(-30 * time.Second)
		if err := s.VerifySecondFactor(ctx, id, code(), ""); err == nil {
			t.Fatal("an older code was accepted")
		}
	})
}
