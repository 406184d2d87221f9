package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"participe/internal/db"
	"participe/internal/db/dbtest"
	"participe/internal/tools/survey"
)

// TestSurveySatisfactionOnePage: a satisfaction questionnaire (purpose "satisfaction")
// is served under /questionnaires/satisfaction once its initiative has closed, answered
// on one page and sent in one write (errors shown with typed values kept, a double post
// stores one response), and its public results are seen. Unknown purposes are 404.
func TestSurveySatisfactionOnePage(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ts := newTestServer(t, d)
		ts.loadDemo()
		ctx := context.Background()
		const slug = "journee-enjeux-gouvernement-en-ligne"
		var ini int64
		var ends db.Time
		if err := d.QueryRow(ctx, `SELECT id, ends_at FROM initiatives WHERE slug = ?`, slug).Scan(&ini, &ends); err != nil {
			t.Fatal(err)
		}
		svc := survey.New(d, ts.clock, ts.Jobs)
		def := survey.Definition{Sections: []survey.Section{{Key: "process", TitleFR: "Votre avis", Questions: []survey.Question{
			{Key: "overall", Type: survey.TScale, Required: true, LabelFR: "Satisfaction globale", Scale: &survey.Scale{Min: 1, Max: 5}},
			{Key: "comment", Type: survey.TLongText, LabelFR: "Que pourrions-nous améliorer?"},
		}}}}
		if _, err := svc.CreateForInitiative(ctx, ini, survey.NewSurvey{Purpose: survey.PurposeSatisfaction, TitleFR: "Votre satisfaction",
			Access: survey.AccessAnonymous, Publish: true, ResultsPublic: true, Definition: def}); err != nil && !strings.Contains(err.Error(), "exists") {
			t.Fatal(err)
		}
		base := "/initiatives/" + slug + "/questionnaires/satisfaction"
		// Before the initiative closes: the page exists but does not take answers.
		res, body := ts.get(base)
		if res.StatusCode != 200 || strings.Contains(body, base+"/repondre") {
			t.Fatalf("satisfaction before closing: %d", res.StatusCode)
		}
		ts.clock.Set(ends.Time.Add(24 * time.Hour))
		res, body = ts.get(base)
		if res.StatusCode != 200 || !strings.Contains(body, base+"/repondre") {
			t.Fatalf("satisfaction start page: %d", res.StatusCode)
		}
		res, body = ts.get(base + "/repondre")
		i := strings.Index(body, `name="idem" value="`)
		if res.StatusCode != 200 || i < 0 || !strings.Contains(body, `name="complete"`) {
			t.Fatalf("one-page form: %d", res.StatusCode)
		}
		idem := body[i+19 : i+19+24]
		// Required answer missing: errors, typed comment kept, nothing stored.
		res, body = ts.postForm(base+"/envoyer", url.Values{"complete": {"1"}, "idem": {idem}, "q.comment": {"Plus de soirées"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `class="error-summary"`) || !strings.Contains(body, "Plus de soirées") {
			t.Fatalf("one-page errors: %d", res.StatusCode)
		}
		form := url.Values{"complete": {"1"}, "idem": {idem}, "q.overall": {"4"}, "q.comment": {"Plus de soirées"}}
		res, _ = ts.postForm(base+"/envoyer", form)
		loc := res.Header.Get("Location")
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, base+"/confirmation/Q-") {
			t.Fatalf("one-page submit: %d %s", res.StatusCode, loc)
		}
		res, _ = ts.postForm(base+"/envoyer", form) // double click
		if res.Header.Get("Location") != loc {
			t.Fatalf("double post went to %s, want %s", res.Header.Get("Location"), loc)
		}
		if res, body = ts.get(loc); res.StatusCode != 200 || !strings.Contains(body, "Q-") {
			t.Fatalf("confirmation: %d", res.StatusCode)
		}
		var n int
		_ = d.QueryRow(ctx, `SELECT COUNT(*) FROM survey_responses r JOIN surveys s ON s.id = r.survey_id WHERE s.initiative_id = ? AND s.purpose = 'satisfaction' AND r.status = 'submitted'`, ini).Scan(&n)
		if n != 1 {
			t.Fatalf("%d responses stored, want 1", n)
		}
		res, body = ts.get(base + "/resultats")
		if res.StatusCode != 200 || !strings.Contains(body, "Satisfaction globale") || !strings.Contains(body, "<caption>") {
			t.Fatalf("satisfaction results: %d", res.StatusCode)
		}
		if res, _ = ts.get("/en" + base + "/resultats"); res.StatusCode != 200 {
			t.Fatalf("English results: %d", res.StatusCode)
		}
		for _, p := range []string{"/initiatives/" + slug + "/questionnaires/bench", "/initiatives/" + slug + "/questionnaires/main", "/initiatives/" + slug + "/questionnaires/inconnu/resultats"} {
			if res, _ := ts.get(p); res.StatusCode != http.StatusNotFound {
				t.Fatalf("%s: %d, want 404", p, res.StatusCode)
			}
		}
	})
}
