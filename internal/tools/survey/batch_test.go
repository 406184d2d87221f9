package survey

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"participe/internal/db"
	"participe/internal/db/dbtest"
)

// TestConcurrentCompleteCounts posts complete anonymous responses from many goroutines
// at once (on SQLite they are written in batches, batch.go), every form twice under the
// same idem key: each key stores one response, both posts get it, and the aggregate
// cells count each stored response exactly once (survey_totals equal too).
func TestConcurrentCompleteCounts(t *testing.T) {
	t.Run("batches", func(t *testing.T) { testConcurrentComplete(t, false) })
	// A batch that fails (here after all its statements, the worst case) is rolled back
	// and each of its responses is written again on its own: same end state.
	t.Run("failing batch", func(t *testing.T) { testConcurrentComplete(t, true) })
}

func testConcurrentComplete(t *testing.T, fail bool) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		svc, sv := setup(t, d)
		if fail {
			var once sync.Once
			batchFault = func() error {
				err := error(nil)
				once.Do(func() { err = errors.New("injected batch failure") })
				return err
			}
			defer func() { batchFault = nil }()
		}
		const keys, perKey = 60, 2
		form := benchForm()
		ids := make([][perKey]int64, keys)
		var wg sync.WaitGroup
		for k := 0; k < keys; k++ {
			for c := 0; c < perKey; c++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					r, _, errs, err := svc.SubmitComplete(ctx, sv, Respondent{}, Complete{Form: form, IdemKey: fmt.Sprintf("conc-%04d", k)})
					if err != nil || len(errs) > 0 {
						t.Errorf("submit %d/%d: %v %v", k, c, err, errs)
						return
					}
					ids[k][c] = r.ID
				}()
			}
		}
		wg.Wait()
		seen := map[int64]bool{}
		for k, pair := range ids {
			if pair[0] == 0 || pair[0] != pair[1] {
				t.Fatalf("key %d: responses %v, want one id twice", k, pair)
			}
			if seen[pair[0]] {
				t.Fatalf("response %d returned for two keys", pair[0])
			}
			seen[pair[0]] = true
		}
		var stored int64
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM survey_responses WHERE survey_id = ? AND status = 'submitted'`, sv.ID).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if stored != keys {
			t.Fatalf("%d responses stored, want %d", stored, keys)
		}
		parsed, errs := ParseQuestions(sv.Def().Questions(), form)
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		want := map[string]int64{}
		for _, k := range CountKeys(sv.Def(), sv.Def().Prune(parsed)) {
			want["web/"+k.Question+"/"+k.Option] = keys
		}
		counts, totals := countsTotals(t, d, sv.ID)
		if fmt.Sprint(counts) != fmt.Sprint(want) {
			t.Fatalf("counts:\n got %v\nwant %v", counts, want)
		}
		sameCounts(t, "concurrent", counts, totals)
		var texts int64
		// Each open answer belongs to its own response, with the response's channel and time.
		if err := d.QueryRow(ctx, `SELECT COUNT(DISTINCT t.response_id) FROM survey_texts t JOIN survey_responses r ON r.id = t.response_id
			WHERE t.survey_id = ? AND r.survey_id = t.survey_id AND t.question_key = ? AND t.body = ? AND t.folded = ?
			AND t.channel = r.channel AND t.created_at = r.submitted_at`, sv.ID, "pourquoi", "Parce que", Fold("Parce que")).Scan(&texts); err != nil {
			t.Fatal(err)
		}
		if texts != keys {
			t.Fatalf("%d open answers stored, want %d", texts, keys)
		}
	})
}

// TestCleanTextFastPath compares cleanText with its general steps on plain and
// not-so-plain inputs (the ASCII fast path must change nothing else than trimming).
func TestCleanTextFastPath(t *testing.T) {
	for _, in := range []string{"", "  Centre Ahuntsic ", "a\tb\nc", "a\r\nb", "x\x00y", "del\x7f", "Montréal", "\xff\xfebad", " \n ", "été\u00a0"} {
		if got, want := cleanText(in), cleanTextGeneral(in); got != want {
			t.Errorf("cleanText(%q) = %q, want %q", in, got, want)
		}
	}
}
