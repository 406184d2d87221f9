package web

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"participe/internal/db"
	"participe/internal/db/dbtest"
)

// leak matches internal errors that must never reach a visitor.
var leak = regexp.MustCompile(`(?i)goroutine \d|panic:|runtime error|\.go:\d+|fts5|syntax error|SQLSTATE|sql: |pgx|sqlite`)

func htmlLang(body string) string {
	m := regexp.MustCompile(`<html lang="([^"]+)"`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

func h1(body string) string {
	m := regexp.MustCompile(`(?s)<h1[^>]*>(.*?)</h1>`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return strings.TrimSpace(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(m[1], ""))
}

// TestPortalPages fetches every page type of the portal in French and English through
// the real router, on both engines.
func TestPortalPages(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ts := newTestServer(t, d)
		ts.loadDemo()
		cases := []struct {
			path string
			want []string // substrings of the body
		}{
			{"/", []string{"Trouver une initiative de participation", "La participation citoyenne", "Vous avez parlé — nous avons écouté", "Le gouvernement dans le Web 2.0", "/gouvernement-web-2-0", "/gouvernement-ouvert", "/donnees-ouvertes", "Dernières nouvelles", `href="/resultats"`}},
			{"/en/", []string{"Find a participation initiative", "Civic participation", "You spoke — we listened", "/en/gouvernement-web-2-0", "Latest news"}},
			{"/initiatives", []string{`id="result-count"`, `<ol class="results" id="results">`, "<legend>Thème</legend>", "<legend>Mode de participation</legend>", "<legend>État</legend>", "Trouver une initiative de participation"}},
			{"/en/initiatives", []string{`id="result-count"`, "<legend>Theme</legend>", "<legend>Participation mode</legend>", "<legend>Status</legend>", "Find a participation initiative"}},
			{"/initiatives/plan-action-proches-aidants", []string{"pour les personnes proches aidantes", "Comment participer", "Personne-ressource", "Accessibilité et accommodements", "Publics visés", "/initiatives/plan-action-proches-aidants/calendrier.ics", "Fil d&#39;Ariane"}},
			{"/en/initiatives/plan-action-proches-aidants", []string{"Next action plan for caregivers", "How to take part", "At a glance"}},
			{"/organismes", []string{"Ministères et organismes", "/organismes/msss"}},
			{"/en/organismes", []string{"Departments and agencies"}},
			{"/organismes/hydro-quebec", []string{"Hydro-Québec", `id="result-count"`, "Sur les réseaux sociaux", "/flux/organismes/hydro-quebec.atom"}},
			{"/en/organismes/hydro-quebec", []string{"On social media"}},
			{"/themes", []string{"Thèmes", "/themes/sante"}},
			{"/en/themes", []string{"Themes", "/en/themes/sante"}},
			{"/themes/sante", []string{"Initiatives de ce thème", "/flux/themes/sante.atom"}},
			{"/en/themes/sante", []string{"Initiatives on this theme"}},
			{"/gouvernement-web-2-0", []string{"<caption>", `scope="col"`, "Facebook"}},
			{"/en/gouvernement-web-2-0", []string{"The government on social media"}},
			{"/calendrier", []string{"novembre 2026", `<table class="calendar-grid month-grid">`, "<caption>", `id="result-count"`, "mois=2026-10", "mois=2026-12"}},
			{"/calendrier?mois=2026-12&vue=liste", []string{"décembre 2026", `id="results"`}},
			{"/en/calendrier?mois=2026-11", []string{"November 2026", "Monday"}},
			{"/plan-du-site", []string{"Plan du site", "/initiatives/", "/organismes/", "/themes/", "/calendrier", "vue=liste", "/flux/initiatives.atom", "/connexion", "/inscription", "/resultats", "/donnees-ouvertes", "/tableau-de-bord", "/api/v1/docs", "/code-de-conduite"}},
			{"/en/plan-du-site", []string{"Site map", "/en/connexion", "/en/comment-participer"}},
			{"/comment-participer", []string{"Comment participer", "Trouver une initiative"}},
			{"/en/comment-participer", []string{"How to get involved"}},
			{"/boite-a-outils", nil}, {"/guide-planification", nil}, {"/bonnes-pratiques", nil},
			{"/code-de-conduite", nil}, {"/accessibilite", nil}, {"/confidentialite", nil},
			{"/conditions-utilisation", nil}, {"/nous-joindre", nil}, {"/gouvernement-ouvert", nil},
			{"/participation-citoyenne", nil}, {"/en/gouvernement-ouvert", nil}, {"/en/nous-joindre", nil},
		}
		for _, c := range cases {
			res, body := ts.get(c.path)
			if res.StatusCode != http.StatusOK {
				t.Errorf("%s: status %d", c.path, res.StatusCode)
				continue
			}
			wantLang := "fr-CA"
			if strings.HasPrefix(c.path, "/en") {
				wantLang = "en-CA"
			}
			if got := htmlLang(body); got != wantLang {
				t.Errorf("%s: html lang %q, want %q", c.path, got, wantLang)
			}
			if n := strings.Count(body, "<h1"); n != 1 {
				t.Errorf("%s: %d h1", c.path, n)
			}
			if h1(body) == "" {
				t.Errorf("%s: empty h1", c.path)
			}
			for _, w := range c.want {
				if !strings.Contains(body, w) {
					t.Errorf("%s: body lacks %q", c.path, w)
				}
			}
			if strings.Contains(body, "[portal.") {
				t.Errorf("%s: a message key is missing: %s", c.path, regexp.MustCompile(`\[portal\.[^\]]+\]`).FindString(body))
			}
		}
		// The home page says it twice: featured cards link to fiches that exist.
		_, home := ts.get("/")
		for _, m := range regexp.MustCompile(`href="(/initiatives/[a-z0-9-]+)"`).FindAllStringSubmatch(home, -1) {
			if res, _ := ts.get(m[1]); res.StatusCode != http.StatusOK {
				t.Errorf("home links %s: status %d", m[1], res.StatusCode)
			}
		}
		// An English content page keeps its links in English.
		_, en := ts.get("/en/comment-participer")
		if !strings.Contains(en, `href="/en/initiatives"`) {
			t.Errorf("/en/comment-participer: links are not localized")
		}
	})
}

func TestPortalNotFound(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ts := newTestServer(t, d)
		ts.loadDemo()
		for _, p := range []string{"/initiatives/does-not-exist", "/organismes/nope", "/themes/nope", "/flux/themes/nope.atom",
			"/flux/organismes/nope.atom", "/flux/themes/sante.rss", "/initiatives/does-not-exist/calendrier.ics", "/initiatives/%27%22NEAR(",
			"/en/initiatives/does-not-exist", "/en/organismes/nope", "/en/themes/nope"} {
			res, body := ts.get(p)
			if res.StatusCode != http.StatusNotFound {
				t.Errorf("%s: status %d, want 404", p, res.StatusCode)
			}
			want := "fr-CA"
			if strings.HasPrefix(p, "/en/") {
				want = "en-CA"
			}
			if got := htmlLang(body); got != want {
				t.Errorf("%s: lang %q, want %q", p, got, want)
			}
			if strings.HasPrefix(p, "/en/") && !strings.Contains(body, "Find a participation initiative") {
				t.Errorf("%s: the English 404 page has no search box", p)
			}
		}
		// A draft initiative is not public.
		var slug string
		if err := d.QueryRow(t.Context(), `SELECT slug FROM initiatives WHERE state = 'draft'`).Scan(&slug); err == nil {
			if res, _ := ts.get("/initiatives/" + slug); res.StatusCode != http.StatusNotFound {
				t.Errorf("draft %s: status %d", slug, res.StatusCode)
			}
		}
	})
}

func TestFilterChoicesAreEscaped(t *testing.T) {
	got := string(checkboxes("theme", []option{{Value: `x"><script>`, Label: `<b>É & co</b>`, Checked: true}}))
	if strings.Contains(got, "<script>") || strings.Contains(got, "<b>") || !strings.Contains(got, "&lt;b&gt;É &amp; co&lt;/b&gt;") || !strings.Contains(got, " checked>") {
		t.Errorf("checkboxes: %s", got)
	}
	got = string(selectOptions([]option{{Value: `"a"`, Label: "<i>", Checked: true}}))
	if !strings.Contains(got, `value="&#34;a&#34;" selected>&lt;i&gt;</option>`) {
		t.Errorf("selectOptions: %s", got)
	}
}
