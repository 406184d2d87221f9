package web

import (
	"strings"
	"testing"

	"participe/internal/db"
	"participe/internal/db/dbtest"
)

// TestPortalSeveralBodiesAndRegions: several bodies and several regions can be chosen
// at once (checkboxes, no JavaScript needed); they combine with OR within a filter and
// AND with the others, stay checked in the form and show one chip each.
func TestPortalSeveralBodiesAndRegions(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ts := newTestServer(t, d)
		ts.loadDemo()
		count := func(q string) (int, string) {
			res, body := ts.get("/initiatives?" + q)
			if res.StatusCode != 200 {
				t.Fatalf("%s: status %d", q, res.StatusCode)
			}
			return resultCount(t, body), body
		}
		a, _ := count("body=hydro-quebec")
		b, _ := count("body=msss")
		both, page := count("body=hydro-quebec&body=msss")
		if a == 0 || b == 0 || both != a+b {
			t.Errorf("bodies: %d + %d, together %d", a, b, both)
		}
		for _, want := range []string{
			`id="f-body-hydro-quebec" name="body" value="hydro-quebec" checked`,
			`id="f-body-msss" name="body" value="msss" checked`,
			`<details class="filter-choices" open>`,
		} {
			if !strings.Contains(page, want) {
				t.Errorf("bodies: the form lacks %s", want)
			}
		}
		if n := strings.Count(page, `<span class="visually-hidden">Retirer le filtre </span>`); n != 2 {
			t.Errorf("bodies: %d chips, want 2", n)
		}
		r1, _ := count("region=06")
		r2, _ := count("region=03")
		r12, page := count("region=06&region=03")
		if r1 == 0 || r2 == 0 || r12 < max(r1, r2) || r12 > r1+r2 {
			t.Errorf("regions: %d, %d, together %d", r1, r2, r12)
		}
		if !strings.Contains(page, `value="06" checked`) || !strings.Contains(page, `value="03" checked`) {
			t.Errorf("regions: the form does not keep both regions")
		}
		// Combined with another filter: AND.
		withMode, _ := count("region=06&region=03&mode=paper")
		if withMode > r12 {
			t.Errorf("regions and mode: %d > %d", withMode, r12)
		}
		// Nothing chosen: the lists stay folded.
		_, plain := count("")
		if strings.Contains(plain, `<details class="filter-choices" open>`) || !strings.Contains(plain, `<details class="filter-choices">`) {
			t.Errorf("no filter: the body and region lists should be folded")
		}
	})
}
