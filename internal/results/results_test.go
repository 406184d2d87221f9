package results

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"participe/internal/db"
	"participe/internal/db/dbtest"
	"participe/internal/jobs"
	"participe/internal/participe"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// TestPopulationData: the shipped figures cover the 17 regions, name their source, and
// each age breakdown sums to 1.
func TestPopulationData(t *testing.T) {
	p := PopulationData()
	if len(p.Regions) != 17 || p.SourceURL == "" || !strings.Contains(p.SourceFR, "Institut de la statistique du Québec") {
		t.Fatalf("population data: %d regions, source %q", len(p.Regions), p.SourceURL)
	}
	for _, r := range p.Regions {
		sum := 0.0
		for _, g := range p.AgeGroups {
			sum += r.AgeDistribution[g]
		}
		if math.Abs(sum-1) > 0.01 || r.Population <= 0 {
			t.Errorf("region %s: age shares sum to %v, population %d", r.Code, sum, r.Population)
		}
	}
}

// TestRepresentativeness compares declared regions and age groups of participants with
// the population, on both engines.
func TestRepresentativeness(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)
		clock := participe.NewFixedClock(now)
		svc := New(d, clock, jobs.New(d, clock, nil))
		var bodyID, iniID int64
		err := d.Write(ctx, func(tx *db.Tx) error {
			for _, code := range []string{"06", "03"} {
				if _, err := tx.Exec(ctx, `INSERT INTO regions (code, name_fr, name_en, population) VALUES (?, ?, ?, 1) ON CONFLICT DO NOTHING`, code, code, code); err != nil {
					return err
				}
			}
			var err error
			bodyID, err = tx.InsertID(ctx, `INSERT INTO bodies (slug, name_fr) VALUES ('b', 'B') RETURNING id`)
			if err != nil {
				return err
			}
			iniID, err = tx.InsertID(ctx, `INSERT INTO initiatives (slug, body_id, state, title_fr, starts_at, ends_at, published_at, created_at, updated_at)
				VALUES ('i', ?, 'published', 'I', ?, ?, ?, ?, ?) RETURNING id`, bodyID, db.T(now.AddDate(0, -1, 0)), db.T(now.AddDate(0, 0, -1)), db.T(now.AddDate(0, -1, 0)), db.T(now), db.T(now))
			if err != nil {
				return err
			}
			people := []struct {
				region any
				age    string
			}{{"06", "25-34"}, {"06", "65+"}, {"03", "65+"}, {nil, ""}}
			for i, p := range people {
				pid, err := tx.InsertID(ctx, `INSERT INTO people (email, pseudonym, region_code, age_group, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
					string(rune('a'+i))+"@x.test", "P", p.region, p.age, db.T(now))
				if err != nil {
					return err
				}
				if _, err := tx.Exec(ctx, `INSERT INTO contributions (initiative_id, tool, kind, author_id, created_at, updated_at) VALUES (?, 'proposals', 'comment', ?, ?, ?)`,
					iniID, pid, db.T(now), db.T(now)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		rep, err := svc.Representativeness(ctx, iniID)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Participants != 4 || rep.DeclaredRegion != 3 || rep.DeclaredAgeGroup != 3 {
			t.Fatalf("counts: %+v", rep)
		}
		var mtl, sixtyfive Share
		for _, r := range rep.Regions {
			if r.Key == "06" {
				mtl = r
			}
		}
		for _, a := range rep.AgeGroups {
			if a.Key == "65+" {
				sixtyfive = a
			}
		}
		if math.Abs(mtl.ParticipantShare-2.0/3) > 1e-9 || mtl.PopulationShare < 0.2 || mtl.PopulationShare > 0.3 {
			t.Errorf("Montréal: %+v", mtl)
		}
		if math.Abs(sixtyfive.ParticipantShare-2.0/3) > 1e-9 || sixtyfive.PopulationShare < 0.15 {
			t.Errorf("65+: %+v", sixtyfive)
		}
		// The platform-wide figure counts the same people.
		all, err := svc.Representativeness(ctx, 0)
		if err != nil || all.Participants != 4 {
			t.Errorf("platform: %+v %v", all.Participants, err)
		}
		// Key figures and the cached dashboard.
		f, err := svc.KeyFigures(ctx, iniID)
		if err != nil || f.Participants != 4 {
			t.Errorf("figures: %+v %v", f, err)
		}
		d1, err := svc.Dashboard(ctx, iniID)
		if err != nil {
			t.Fatal(err)
		}
		d2, _ := svc.Dashboard(ctx, iniID)
		if d1 != d2 {
			t.Error("dashboard not cached within its TTL")
		}
		clock.Advance(svc.DashboardTTL + time.Second)
		d3, _ := svc.Dashboard(ctx, iniID) // stale copy served while one refresh runs
		if d3 != d1 {
			t.Error("stale dashboard not served while refreshing")
		}
	})
}

func TestChartsAccessible(t *testing.T) {
	c := Chart{ID: "x", Title: "Titre <b>", Desc: "Desc", Categories: []string{"A & B", "C"},
		Series: []Series{{Label: "Participants", Values: []float64{0.5, 0.25}, Texts: []string{"50 %", "25 %"}}, {Label: "Population", Values: []float64{0.4, 0.6}, Texts: []string{"40 %", "60 %"}}}}
	svg := string(c.SVG())
	for _, w := range []string{`role="img"`, `aria-labelledby="x-t x-d"`, `<title id="x-t">Titre &lt;b&gt;</title>`, `A &amp; B`, `50 %`, `url(#x-p1)`, `Population`} {
		if !strings.Contains(svg, w) {
			t.Errorf("bar chart lacks %q", w)
		}
	}
	st := StackedChart{ID: "y", Title: "T", Labels: []string{"2026-01", "2026-02"}, Series: []Series{{Label: "Web", Values: []float64{3, 4}}, {Label: "Papier", Values: []float64{1, 0}}}}
	svg = string(st.SVG())
	for _, w := range []string{`role="img"`, `aria-labelledby="y-t y-d"`, `2026-02`, `url(#y-p1)`, `>4<`} {
		if !strings.Contains(svg, w) {
			t.Errorf("stacked chart lacks %q", w)
		}
	}
}
