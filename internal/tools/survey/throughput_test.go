package survey

import (
	"context"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"participe/internal/db"
	"participe/internal/db/dbtest"
)

// TestSubmitThroughput submits web responses (draft → submitted, aggregates and open
// answers in the same transaction) from 64 goroutines for 5 s on each engine and logs
// durable responses per second. Opt-in: PARTICIPE_BENCH=1.
func TestSubmitThroughput(t *testing.T) {
	if os.Getenv("PARTICIPE_BENCH") == "" {
		t.Skip("PARTICIPE_BENCH not set")
	}
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		svc, sv := setup(t, d)
		// Drafts prepared in advance: the measure is the submit transaction.
		const workers = 64
		var done atomic.Int64
		deadline := time.Now().Add(5 * time.Second)
		var wg sync.WaitGroup
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for time.Now().Before(deadline) {
					r, err := svc.Start(ctx, sv, Respondent{})
					if err != nil {
						t.Error(err)
						return
					}
					v := 3.0
					r.Answers = Answers{"org": {Choices: []string{"pub"}}, "modes": {Choices: []string{"web", "tel"}}, "note": {Number: &v}, "pourquoi": {Text: "Parce que"}, "grille": {Rows: map[string]string{"r1": "oui"}}}
					if _, errs, err := svc.Submit(ctx, sv, r, Receipt{}); err != nil || len(errs) > 0 {
						t.Error(err, errs)
						return
					}
					done.Add(1)
				}
			}()
		}
		wg.Wait()
		t.Logf("%s: %d responses in 5 s = %.0f responses/s (each = start draft + submit: 2 durable transactions)", d.Engine, done.Load(), float64(done.Load())/5)
	})
}
