package survey

import (
	"context"
	"net/url"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"participe/internal/db"
	"participe/internal/db/dbtest"
)

// cpuTime is the CPU time (user + system) used by this process so far: on a shared
// machine responses per CPU millisecond say more than responses per second.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchForm is a complete response to testDef (section b shown, an open answer, a
// matrix, a ranking): 23 aggregate cells and one open answer per response.
func benchForm() url.Values {
	return url.Values{"q.org": {"pub"}, "q.modes": {"web", "tel"}, "q.note": {"3"}, "q.age": {"42"},
		"q.pourquoi": {"Parce que"}, "q.grille.r1": {"oui"}, "q.grille.r2": {"non"}, "q.rang.x": {"1"}, "q.rang.y": {"2"}}
}

// TestSubmitThroughput submits complete web responses (SubmitComplete: one durable write
// each, aggregates and open answers in the same transaction) from 64 goroutines for 5 s
// on each engine and logs durable responses per second; then the same with the
// section-by-section path (create draft, then submit: two writes). Opt-in:
// PARTICIPE_BENCH=1. Checks that the aggregates count exactly the acknowledged responses.
func TestSubmitThroughput(t *testing.T) {
	if os.Getenv("PARTICIPE_BENCH") == "" {
		t.Skip("PARTICIPE_BENCH not set")
	}
	dur := 5 * time.Second
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		svc, sv := setup(t, d)
		const workers = 64
		run := func(name string, one func(w, i int) error) int64 {
			var done atomic.Int64
			cpu0 := cpuTime()
			deadline := time.Now().Add(dur)
			var wg sync.WaitGroup
			for w := 0; w < workers; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; time.Now().Before(deadline); i++ {
						if err := one(w, i); err != nil {
							t.Error(err)
							return
						}
						done.Add(1)
					}
				}()
			}
			wg.Wait()
			cpu := cpuTime() - cpu0
			t.Logf("%s %s: %d responses in %s = %.0f durable responses/s; process CPU %.2f ms per response", d.Engine, name, done.Load(), dur,
				float64(done.Load())/dur.Seconds(), float64(cpu.Microseconds())/1000/float64(max(done.Load(), 1)))
			return done.Load()
		}
		form := benchForm()
		n1 := run("one-write SubmitComplete", func(w, i int) error {
			_, _, errs, err := svc.SubmitComplete(ctx, sv, Respondent{}, Complete{Form: form, IdemKey: "bench-" + strconv.Itoa(w) + "-" + strconv.Itoa(i)})
			if err == nil && len(errs) > 0 {
				t.Fatalf("validation: %v", errs)
			}
			return err
		})
		n2 := run("draft+submit (2 writes)", func(w, i int) error {
			r, err := svc.Start(ctx, sv, Respondent{})
			if err != nil {
				return err
			}
			v, a := 3.0, 42.0
			r.Answers = Answers{"org": {Choices: []string{"pub"}}, "modes": {Choices: []string{"web", "tel"}}, "note": {Number: &v}, "age": {Number: &a},
				"pourquoi": {Text: "Parce que"}, "grille": {Rows: map[string]string{"r1": "oui", "r2": "non"}}, "rang": {Choices: []string{"x", "y"}}}
			_, errs, err := svc.Submit(ctx, sv, r, Receipt{})
			if err == nil && len(errs) > 0 {
				t.Fatalf("validation: %v", errs)
			}
			return err
		})
		res, err := svc.Results(ctx, sv, Filter{}, false)
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != n1+n2 {
			t.Fatalf("aggregates count %d responses, %d acknowledged", res.Total, n1+n2)
		}
	})
}
