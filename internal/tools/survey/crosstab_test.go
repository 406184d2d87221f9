package survey

import (
	"context"
	"net/url"
	"strconv"
	"testing"

	"participe/internal/db"
	"participe/internal/db/dbtest"
)

// TestCrossTabIncremental: the cached cross-tab counts the responses submitted after it
// was first computed, matches a full scan, and excludes responses that do not match.
func TestCrossTabIncremental(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		svc, sv := setup(t, d)
		post := func(i int, org string) {
			f := url.Values{"q.org": {org}, "q.note": {"5"}}
			if org == "pub" {
				f.Set("q.pourquoi", "Parce que")
			}
			if _, _, errs, err := svc.SubmitComplete(ctx, sv, Respondent{}, Complete{Form: f, IdemKey: "idem-cross-" + strconv.Itoa(i)}); err != nil || len(errs) > 0 {
				t.Fatalf("submit: %v %v", err, errs)
			}
		}
		post(1, "pub")
		post(2, "com")
		f := Filter{Question: "org", Option: "pub"}
		res, err := svc.Results(ctx, sv, f, false)
		if err != nil || !res.Scanned || res.Pending || res.Total != 1 {
			t.Fatalf("first cross-tab: %+v %v", res, err)
		}
		post(3, "pub")
		post(4, "com")
		res, err = svc.Results(ctx, sv, f, false)
		if err != nil || res.Total != 2 {
			t.Fatalf("incremental cross-tab total %d, want 2 (%v)", res.Total, err)
		}
		full, _, err := svc.scanCounts(ctx, sv, f, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range res.Questions {
			if q.Answered != full[q.Q.Key][""] {
				t.Fatalf("%s: cached %d, full scan %d", q.Q.Key, q.Answered, full[q.Q.Key][""])
			}
		}
		// The unfiltered results come from the aggregates: all four.
		if all, _ := svc.Results(ctx, sv, Filter{}, false); all.Total != 4 {
			t.Fatalf("total %d, want 4", all.Total)
		}
	})
}
