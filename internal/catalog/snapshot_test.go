package catalog_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"reflect"
	"slices"
	"testing"
	"time"

	"participe/internal/catalog"
	"participe/internal/catalog/filter"
	"participe/internal/db"
	"participe/internal/db/dbtest"
	"participe/internal/participe"
)

// TestListSnapshotMatchesSQL checks that lists computed from the in-memory copy of the
// catalog give exactly what the SQL lists give (same count, same items in the same
// order, same statuses), for random combinations of every filter, sort, page and
// keywords, on both engines.
func TestListSnapshotMatchesSQL(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		mem := setup(t, d)
		sql := catalog.NewSQLOnly(d, participe.NewFixedClock(now))
		ctx := context.Background()
		themes, err := mem.Themes(ctx)
		if err != nil {
			t.Fatal(err)
		}
		bodies, err := mem.Bodies(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pick := func(r *rand.Rand, v []string) []string {
			var out []string
			for _, x := range v {
				if r.IntN(len(v)) == 0 {
					out = append(out, x)
				}
			}
			return out
		}
		var themeSlugs, bodySlugs []string
		for _, th := range themes {
			themeSlugs = append(themeSlugs, th.Slug)
		}
		for _, b := range bodies {
			bodySlugs = append(bodySlugs, b.Slug)
		}
		regions := []string{"01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13", "14", "15", "16", "17"}
		words := []string{"", "", "", "consultation", "santé", "electricite", "transport", "jeunes", "gouvernement futur", "eau -potable", "budget*"}
		dates := []string{"", "", "2026-01-01", "2026-11-23", "2026-12-15", "2027-03-01"}
		r := rand.New(rand.NewPCG(3, 7))
		for n := range 300 {
			v := url.Values{}
			for _, x := range pick(r, themeSlugs) {
				v.Add("theme", x)
			}
			for _, x := range pick(r, bodySlugs) {
				v.Add("body", x)
			}
			for key, list := range map[string][]string{"region": regions, "mode": filter.Modes(), "audience": filter.Audiences(), "status": filter.Statuses()} {
				for _, x := range pick(r, list) {
					v.Add(key, x)
				}
			}
			if n%3 == 0 { // a third without the many-valued filters: more results
				v = url.Values{}
			}
			if q := words[r.IntN(len(words))]; q != "" {
				v.Set("q", q)
			}
			if d := dates[r.IntN(len(dates))]; d != "" {
				v.Set("from", d)
			}
			if d := dates[r.IntN(len(dates))]; d != "" {
				v.Set("to", d)
			}
			v.Set("sort", filter.Sorts()[r.IntN(len(filter.Sorts()))])
			v.Set("page", fmt.Sprint(1+r.IntN(3)))
			f, _ := filter.ParseQuery(v.Encode())
			perPage := []int{5, 20}[r.IntN(2)]
			a, err := mem.List(ctx, f, perPage)
			if err != nil {
				t.Fatal(err)
			}
			b, err := sql.List(ctx, f, perPage)
			if err != nil {
				t.Fatal(err)
			}
			if a.Total != b.Total || a.Capped != b.Capped || !slices.Equal(ids(a), ids(b)) || !slices.Equal(statuses(a), statuses(b)) {
				t.Fatalf("%s (per page %d):\nmemory %d %v %v\nsql    %d %v %v", v.Encode(), perPage, a.Total, ids(a), statuses(a), b.Total, ids(b), statuses(b))
			}
			for k := range a.Items {
				x, y := a.Items[k], b.Items[k]
				if x.Body.Slug != y.Body.Slug || x.TitleFR != y.TitleFR || x.DescriptionFR != y.DescriptionFR || !x.EndsAt.Equal(y.EndsAt) {
					t.Fatalf("%s: item %d differs", v.Encode(), x.ID)
				}
			}
		}
		// Month and feeds go through the same code.
		for _, m := range []string{"2026-10-01", "2026-11-01", "2026-12-01"} {
			f, _ := filter.ParseQuery("")
			first, _ := time.Parse(time.DateOnly, m)
			a, err := mem.Month(ctx, f, first, true)
			if err != nil {
				t.Fatal(err)
			}
			b, err := sql.Month(ctx, f, first, true)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids(a), ids(b)) || len(a.Items) == 0 {
				t.Fatalf("month %s: %v vs %v", m, ids(a), ids(b))
			}
		}
	})
}

func ids(l *catalog.List) []int64 {
	out := make([]int64, len(l.Items))
	for n, i := range l.Items {
		out[n] = i.ID
	}
	return out
}

func statuses(l *catalog.List) []string {
	out := make([]string, len(l.Items))
	for n, i := range l.Items {
		out[n] = i.Status
	}
	return out
}

// TestFicheFromCacheMatchesSQL checks that a public fiche built with the cached
// relations equals the one read entirely from the database, on both engines.
func TestFicheFromCacheMatchesSQL(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		mem := setup(t, d)
		sql := catalog.NewSQLOnly(d, participe.NewFixedClock(now))
		ctx := context.Background()
		res, err := sql.List(ctx, filter.Filter{Sort: filter.SortNewest}, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Items) < 40 {
			t.Fatalf("%d initiatives", len(res.Items))
		}
		withRegions := 0
		for _, it := range res.Items {
			a, err := mem.Initiative(ctx, it.Slug)
			if err != nil {
				t.Fatal(err)
			}
			b, err := sql.Initiative(ctx, it.Slug)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(a, b) {
				t.Fatalf("%s:\nmemory %+v\nsql    %+v", it.Slug, a, b)
			}
			if len(a.Regions) > 0 && len(a.Audiences) > 0 && len(a.Themes) > 0 {
				withRegions++
			}
		}
		if withRegions == 0 {
			t.Fatal("no fiche with regions, audiences and themes: the test compares nothing")
		}
		if _, err := mem.Initiative(ctx, "does-not-exist"); err == nil {
			t.Fatal("unknown slug found")
		}
	})
}

// TestListSnapshotConcurrent runs lists and fiches from several goroutines while the
// copy is dropped and rebuilt (run with -race).
func TestListSnapshotConcurrent(t *testing.T) {
	d := dbtest.SQLite(t)
	svc := setup(t, d)
	ctx := context.Background()
	want, err := svc.List(ctx, filter.Filter{Sort: filter.SortNewest}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	errs := make(chan error, 8)
	for g := range 6 {
		go func() {
			for n := range 40 {
				f, _ := filter.ParseQuery([]string{"", "status=open", "theme=sante&sort=popular", "mode=paper&page=2", "q=consultation"}[(g+n)%5])
				res, err := svc.List(ctx, f, 5)
				if err == nil && len(res.Items) > 0 {
					res.Items[0].Themes = append(res.Items[0].Themes, catalog.Theme{Slug: "x"}) // callers may append
					_, err = svc.Initiative(ctx, res.Items[0].Slug)
				}
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	go func() {
		for {
			select {
			case <-done:
				return
			default:
				catalog.Invalidate()
				time.Sleep(time.Millisecond)
			}
		}
	}()
	for range 6 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	close(done)
	got, err := svc.List(ctx, filter.Filter{Sort: filter.SortNewest}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ids(got), ids(want)) {
		t.Fatal("the list changed")
	}
	for _, i := range got.Items {
		for _, th := range i.Themes {
			if th.Slug == "x" {
				t.Fatal("a caller's append reached the shared copy")
			}
		}
	}
}
