package catalog_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"participe/internal/catalog"
	"participe/internal/catalog/filter"
	"participe/internal/db"
	"participe/internal/db/dbtest"
	"participe/internal/demo"
	"participe/internal/jobs"
	"participe/internal/participe"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

var now = time.Date(2026, 11, 23, 14, 30, 0, 0, time.UTC)

func setup(t *testing.T, d *db.DB) *catalog.Service {
	t.Helper()
	clock := participe.NewFixedClock(now)
	if _, err := demo.Load(context.Background(), d, clock, jobs.New(d, clock, nil)); err != nil {
		t.Fatalf("demo: %v", err)
	}
	return catalog.New(d, clock)
}

// all loads every public initiative with its relations, for brute-force checks.
func all(t *testing.T, svc *catalog.Service) []*catalog.Initiative {
	t.Helper()
	ctx := context.Background()
	var out []*catalog.Initiative
	for page := 1; ; page++ {
		res, err := svc.List(ctx, filter.Filter{Page: page, Sort: filter.SortNewest}, 50)
		if err != nil {
			t.Fatal(err)
		}
		for _, i := range res.Items {
			full, err := svc.Initiative(ctx, i.Slug)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, full)
		}
		if len(res.Items) < 50 {
			return out
		}
	}
}

func matches(i *catalog.Initiative, f filter.Filter) bool {
	if len(f.Statuses) > 0 && !slices.Contains(f.Statuses, i.PublicStatus(now)) {
		return false
	}
	if len(f.Modes) > 0 && !slices.ContainsFunc(i.Modes, func(m catalog.Mode) bool { return slices.Contains(f.Modes, m.Mode) }) {
		return false
	}
	if len(f.Themes) > 0 && !slices.ContainsFunc(i.Themes, func(t catalog.Theme) bool { return slices.Contains(f.Themes, t.Slug) }) {
		return false
	}
	if len(f.Bodies) > 0 && !slices.Contains(f.Bodies, i.Body.Slug) {
		return false
	}
	if len(f.Regions) > 0 && !slices.ContainsFunc(i.Regions, func(r catalog.Region) bool { return slices.Contains(f.Regions, r.Code) }) {
		return false
	}
	if len(f.Audiences) > 0 && !slices.ContainsFunc(i.Audiences, func(a string) bool { return slices.Contains(f.Audiences, a) }) {
		return false
	}
	q := func(d time.Time) time.Time { return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, mustQuebec()) }
	if !f.From.IsZero() && !i.EndsAt.After(q(f.From)) {
		return false
	}
	if !f.To.IsZero() && !i.StartsAt.Before(q(f.To).AddDate(0, 0, 1)) {
		return false
	}
	return true
}

func mustQuebec() *time.Location {
	l, err := time.LoadLocation("America/Toronto")
	if err != nil {
		panic(err)
	}
	return l
}

// TestListFiltersMatchBruteForce compares the SQL filters with a plain Go reading of
// every fiche, for many combinations, on both engines.
func TestListFiltersMatchBruteForce(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		svc := setup(t, d)
		every := all(t, svc)
		if len(every) < 40 {
			t.Fatalf("%d public initiatives", len(every))
		}
		queries := []string{"", "status=open", "status=closed", "status=upcoming", "status=results", "status=open&status=results",
			"mode=paper", "mode=phone&mode=in_person", "mode=paper&status=open", "theme=sante", "theme=sante&theme=environnement&mode=online",
			"body=hydro-quebec", "body=msss&body=saaq&status=closed", "region=02", "region=06&region=03&audience=jeunes",
			"audience=entreprises&mode=online&status=open", "from=2026-11-23&to=2026-11-23", "from=2027-01-01", "to=2026-01-31",
			"from=2026-12-01&to=2026-12-31&theme=transport", "status=open&status=upcoming&status=closed&status=results"}
		for _, raw := range queries {
			f, probs := filter.ParseQuery(raw)
			if len(probs) > 0 {
				t.Fatalf("%s: %v", raw, probs)
			}
			want := 0
			for _, i := range every {
				if matches(i, f) {
					want++
				}
			}
			res, err := svc.List(context.Background(), f, 100)
			if err != nil {
				t.Fatalf("%s: %v", raw, err)
			}
			if res.Total != want || len(res.Items) != want {
				t.Errorf("%s: total %d, %d items, want %d", raw, res.Total, len(res.Items), want)
			}
		}
	})
}

func TestListSortsAndPages(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		svc := setup(t, d)
		ctx := context.Background()
		for _, sort := range []string{filter.SortClosing, filter.SortNewest, filter.SortPopular} {
			res, err := svc.List(ctx, filter.Filter{Sort: sort, Page: 1}, 100)
			if err != nil {
				t.Fatal(err)
			}
			items := res.Items
			for n := 1; n < len(items); n++ {
				a, b := items[n-1], items[n]
				var ok bool
				switch sort {
				case filter.SortNewest:
					ok = !a.PublishedAt.Before(b.PublishedAt)
				case filter.SortPopular:
					ok = a.ParticipantsCount >= b.ParticipantsCount
				default:
					aOpen, bOpen := a.EndsAt.After(now), b.EndsAt.After(now)
					ok = (aOpen && !bOpen) || (aOpen && bOpen && !a.EndsAt.After(b.EndsAt)) || (!aOpen && !bOpen && !a.EndsAt.Before(b.EndsAt))
				}
				if !ok {
					t.Errorf("sort %s: %s before %s", sort, a.Slug, b.Slug)
				}
			}
			// Pages of 7 cover the same list without overlap.
			var paged []string
			for page := 1; ; page++ {
				r, err := svc.List(ctx, filter.Filter{Sort: sort, Page: page}, 7)
				if err != nil {
					t.Fatal(err)
				}
				if r.Total != res.Total {
					t.Errorf("page %d total %d, want %d", page, r.Total, res.Total)
				}
				for _, i := range r.Items {
					paged = append(paged, i.Slug)
				}
				if len(r.Items) < 7 {
					break
				}
			}
			if len(paged) != len(items) {
				t.Errorf("sort %s: pages give %d items, want %d", sort, len(paged), len(items))
			}
			for n := range min(len(paged), len(items)) {
				if paged[n] != items[n].Slug {
					t.Errorf("sort %s: item %d differs across pages", sort, n)
					break
				}
			}
		}
	})
}

func TestSearchFrench(t *testing.T) {
	counts := map[string][]int{}
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		svc := setup(t, d)
		ctx := context.Background()
		for _, q := range []string{"electricite", "ÉLECTRICITÉ", "consultations", "consultation", "aînés", "aines", "mobilité durable",
			"\"plan d'action\"", "forêt -boréale", "santé", "NEAR(", "\"", "*", ":", "'", "le la les", "hydro*"} {
			res, err := svc.List(ctx, filter.Filter{Q: q, Sort: filter.SortRelevance, Page: 1}, 20)
			if err != nil {
				t.Fatalf("%q: %v", q, err)
			}
			counts[q] = append(counts[q], res.Total)
		}
		c := func(q string) int { return counts[q][len(counts[q])-1] }
		if c("electricite") == 0 || c("electricite") != c("ÉLECTRICITÉ") {
			t.Errorf("electricite %d, ÉLECTRICITÉ %d", c("electricite"), c("ÉLECTRICITÉ"))
		}
		if c("consultation") == 0 || c("consultations") != c("consultation") {
			t.Errorf("consultations %d, consultation %d", c("consultations"), c("consultation"))
		}
		if c("aînés") != c("aines") {
			t.Errorf("aînés %d, aines %d", c("aînés"), c("aines"))
		}
		// Relevance: ranked, higher first (title matches weigh more on PostgreSQL).
		res, err := svc.List(ctx, filter.Filter{Q: "proches aidants", Sort: filter.SortRelevance, Page: 1}, 20)
		if err != nil || len(res.Items) == 0 || res.Items[0].Slug != "plan-action-proches-aidants" {
			t.Errorf("proches aidants: %v %v", err, res)
		}
	})
	for q, c := range counts {
		if len(c) == 2 && c[0] != c[1] {
			t.Errorf("%q: SQLite %d hits, PostgreSQL %d", q, c[0], c[1])
		}
	}
}

func TestContentPages(t *testing.T) {
	for _, slug := range catalog.ContentSlugs {
		for _, lang := range []string{"fr", "en"} {
			p, err := catalog.Content(lang, slug)
			if err != nil {
				t.Fatalf("%s/%s: %v", lang, slug, err)
			}
			if p.Title == "" || p.Title == slug || len(p.Body) < 500 || p.Fallback {
				t.Errorf("%s/%s: title %q, %d bytes, fallback %v", lang, slug, p.Title, len(p.Body), p.Fallback)
			}
		}
	}
	if _, err := catalog.Content("fr", "../../etc/passwd"); participe.ErrorCode(err) != participe.ENOTFOUND {
		t.Errorf("unknown page: %v", err)
	}
}

func TestMonthAndNewest(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		svc := setup(t, d)
		ctx := context.Background()
		first := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
		q := mustQuebec()
		start, end := time.Date(2026, 12, 1, 0, 0, 0, 0, q), time.Date(2027, 1, 1, 0, 0, 0, 0, q)
		for _, grid := range []bool{true, false} {
			res, err := svc.Month(ctx, filter.Filter{}, first, grid)
			if err != nil {
				t.Fatal(err)
			}
			want := 0
			for _, i := range all(t, svc) {
				if i.StartsAt.Before(end) && i.EndsAt.After(start) {
					want++
				}
			}
			if len(res.Items) != want || want == 0 {
				t.Errorf("December: %d items, want %d", len(res.Items), want)
			}
			for n := 1; n < len(res.Items); n++ {
				if res.Items[n].StartsAt.Before(res.Items[n-1].StartsAt) {
					t.Errorf("month not by start date")
				}
			}
			if grid == (len(res.Items) > 0 && len(res.Items[0].Themes) > 0) {
				t.Errorf("grid %v: themes attached %v", grid, !grid)
			}
		}
		// A filter narrows the month; an inverted range inside the month gives nothing.
		f, _ := filter.ParseQuery("status=upcoming")
		res, err := svc.Month(ctx, f, first, true)
		if err != nil {
			t.Fatal(err)
		}
		for _, i := range res.Items {
			if i.Status != catalog.StatusUpcoming {
				t.Errorf("%s: status %s", i.Slug, i.Status)
			}
		}
		news, err := svc.Newest(ctx, filter.Filter{Themes: []string{"sante"}}, 5)
		if err != nil || len(news.Items) == 0 || len(news.Items) > 5 {
			t.Fatalf("newest: %v %d", err, len(news.Items))
		}
		for n := 1; n < len(news.Items); n++ {
			if news.Items[n].PublishedAt.After(news.Items[n-1].PublishedAt) {
				t.Errorf("newest not by publication date")
			}
		}
	})
}
