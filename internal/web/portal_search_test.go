package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"participe/internal/db"
	"participe/internal/db/dbtest"
)

var countRe = regexp.MustCompile(`(?s)id="result-count"[^>]*>\s*([^<]*)<`)

// resultCount reads the number in the result-count element ("12 initiatives").
func resultCount(t *testing.T, body string) int {
	t.Helper()
	m := countRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no result-count in the page")
	}
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, m[1])
	n, err := strconv.Atoi(digits)
	if err != nil {
		t.Fatalf("result-count %q: %v", m[1], err)
	}
	return n
}

func resultSlugs(body string) []string {
	start := strings.Index(body, `id="results"`)
	if start < 0 {
		return nil
	}
	end := strings.Index(body[start:], "</ol>")
	var out []string
	for _, m := range regexp.MustCompile(`href="(?:/en)?/initiatives/([a-z0-9-]+)"`).FindAllStringSubmatch(body[start:start+end], -1) {
		out = append(out, m[1])
	}
	return out
}

func TestPortalSearch(t *testing.T) {
	queries := []string{"electricite", "Électricité", "consultations", "consultation", "énergie", "proches aidants",
		"\"avenir énergétique\"", "transport -collectif", "santé mentale", "zzzqqqxxx"}
	var mu sync.Mutex
	counts := map[string]map[string]int{}
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ts := newTestServer(t, d)
		ts.loadDemo()
		engine := t.Name()
		counts[engine] = map[string]int{}
		for _, q := range queries {
			res, body := ts.get("/initiatives?q=" + url.QueryEscape(q))
			if res.StatusCode != http.StatusOK {
				t.Fatalf("q=%s: status %d", q, res.StatusCode)
			}
			mu.Lock()
			counts[engine][q] = resultCount(t, body)
			mu.Unlock()
		}
		// Accents and case do not matter; plurals do not either.
		_, body := ts.get("/initiatives?q=electricite")
		if !containsString(resultSlugs(body), "avenir-energetique-dialogue") {
			t.Errorf("electricite does not find the initiative about « électricité »: %v", resultSlugs(body))
		}
		if !strings.Contains(body, "<mark>") || !regexp.MustCompile(`(?i)<mark>[ée]lectricit[ée]`).MatchString(body) {
			t.Errorf("no highlighted snippet for electricite")
		}
		if c := counts[engine]; c["electricite"] != c["Électricité"] || c["electricite"] == 0 {
			t.Errorf("electricite %d vs Électricité %d", c["electricite"], c["Électricité"])
		}
		if c := counts[engine]; c["consultations"] != c["consultation"] || c["consultation"] == 0 {
			t.Errorf("consultations %d vs consultation %d", c["consultations"], c["consultation"])
		}
		if c := counts[engine]; c["zzzqqqxxx"] != 0 {
			t.Errorf("nonsense word found %d", c["zzzqqqxxx"])
		}
		// Relevance is the default order with keywords: the title match comes first.
		_, body = ts.get("/initiatives?q=" + url.QueryEscape("proches aidants"))
		if s := resultSlugs(body); len(s) == 0 || s[0] != "plan-action-proches-aidants" {
			t.Errorf("proches aidants: first result %v", s)
		}
		// English page, English words, snippet in English.
		_, body = ts.get("/en/initiatives?q=electricity")
		if resultCount(t, body) == 0 {
			t.Errorf("electricity finds nothing on the English page")
		}
	})
	if len(counts) == 2 {
		var a, b map[string]int
		for _, c := range counts {
			if a == nil {
				a = c
			} else {
				b = c
			}
		}
		for _, q := range queries {
			if a[q] != b[q] {
				t.Errorf("q=%q: %d hits on one engine, %d on the other", q, a[q], b[q])
			}
		}
	}
}

func TestPortalFiltersCombine(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ts := newTestServer(t, d)
		ts.loadDemo()
		_, all := ts.get("/initiatives")
		total := resultCount(t, all)
		if total < 40 {
			t.Fatalf("only %d public initiatives in the demo", total)
		}
		byStatus := 0
		for _, st := range []string{"upcoming", "open", "closed", "results"} {
			_, body := ts.get("/initiatives?status=" + st)
			n := resultCount(t, body)
			if n == 0 {
				t.Errorf("status=%s: no result", st)
			}
			byStatus += n
			// Every result shows that status's tag.
			if c := strings.Count(body, `class="tag tag-`+st+`"`); c != min(n, 20) {
				t.Errorf("status=%s: %d results but %d tags", st, n, c)
			}
		}
		if byStatus != total {
			t.Errorf("statuses add up to %d, want %d", byStatus, total)
		}
		_, open := ts.get("/initiatives?status=open")
		_, openPaper := ts.get("/initiatives?status=open&mode=paper")
		_, openPaperSante := ts.get("/initiatives?status=open&mode=paper&theme=sante")
		_, two := ts.get("/initiatives?status=open&status=upcoming")
		a, b, c := resultCount(t, open), resultCount(t, openPaper), resultCount(t, openPaperSante)
		if !(a >= b && b >= c && b > 0) {
			t.Errorf("narrowing filters: open %d, +paper %d, +sante %d", a, b, c)
		}
		_, up := ts.get("/initiatives?status=upcoming")
		if resultCount(t, two) != a+resultCount(t, up) {
			t.Errorf("two statuses do not add up")
		}
		// Chips: each active filter with a link that removes it, and the form keeps them.
		if !strings.Contains(openPaperSante, "Filtres actifs") || !strings.Contains(openPaperSante, `href="/initiatives?mode=paper&amp;theme=sante"`) {
			t.Errorf("no chip removing status=open")
		}
		if !regexp.MustCompile(`value="paper" checked`).MatchString(openPaperSante) {
			t.Errorf("the form does not keep mode=paper checked")
		}
		// Body, region, audience, dates and sorts.
		for _, q := range []string{"body=hydro-quebec", "region=02", "audience=jeunes", "from=2026-11-01&to=2026-11-30",
			"sort=newest", "sort=popular", "sort=closing", "theme=sante&theme=education", "theme=sante,education&sort=popular&page=1"} {
			res, body := ts.get("/initiatives?" + q)
			if res.StatusCode != 200 || resultCount(t, body) == 0 {
				t.Errorf("%s: status %d, %d results", q, res.StatusCode, resultCount(t, body))
			}
		}
		// Pagination: page 2 exists and differs from page 1.
		_, p1 := ts.get("/initiatives")
		_, p2 := ts.get("/initiatives?page=2")
		if !strings.Contains(p1, `aria-label="Pagination"`) || !strings.Contains(p1, `href="/initiatives?page=2"`) {
			t.Errorf("no pagination link to page 2")
		}
		s1, s2 := resultSlugs(p1), resultSlugs(p2)
		if len(s1) != 20 || len(s2) == 0 || s1[0] == s2[0] {
			t.Errorf("page 1 %d items, page 2 %d items", len(s1), len(s2))
		}
		if resultCount(t, p2) != total {
			t.Errorf("page 2 count %d, want %d", resultCount(t, p2), total)
		}
		_, far := ts.get("/initiatives?page=999")
		if resultCount(t, far) != total {
			t.Errorf("page past the end counts %d, want %d", resultCount(t, far), total)
		}
	})
}

// TestPortalHostileInput: bad input gives a page with a message or empty results,
// never a 500 nor an internal error text.
func TestPortalHostileInput(t *testing.T) {
	huge := strings.Repeat("a OR ", 3000)
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ts := newTestServer(t, d)
		ts.loadDemo()
		for _, p := range []string{
			"/initiatives?q=%22", "/initiatives?q=*", "/initiatives?q=NEAR(", "/initiatives?q=%3A", "/initiatives?q=%27",
			"/initiatives?q=%22NEAR(%2A%3A%27", "/initiatives?q=a%22b%22c%20-%22%20OR%20AND%20NOT", "/initiatives?q=-",
			"/initiatives?q=" + url.QueryEscape(huge), "/initiatives?q=%00%01%ff%fe", "/initiatives?q=%E2%80%8B%CC%81",
			"/initiatives?q=le%20la%20les", "/initiatives?q=l%27%C3%A9t%C3%A9%20d%E2%80%99hiver",
			"/initiatives?from=not-a-date&theme=%22%27*NEAR(", "/initiatives?from=2026-02-31", "/initiatives?from=2026-12-01&to=2026-01-01",
			"/en/initiatives?q=%22NEAR(%2A%3A%27&to=2026-13-45&page=-3&sort=%27", "/initiatives?page=99999999999999999999",
			"/initiatives?region=99&mode=%00&audience=%3Cscript%3E&status=x&body=UNKNOWN&theme=nope",
			"/initiatives?%zz=1&q=%zz", "/initiatives?" + strings.Repeat("theme=a&", 2000),
			"/calendrier?mois=2026-13", "/calendrier?mois=%27&vue=%22", "/calendrier?q=%22NEAR(",
			"/calendrier.ics?q=%22NEAR(%2A", "/organismes/msss?page=-1", "/themes/sante?page=abc",
		} {
			res, body := ts.get(p)
			if res.StatusCode >= 500 || (res.StatusCode != 200 && res.StatusCode != 400) {
				t.Errorf("%.80s: status %d", p, res.StatusCode)
				continue
			}
			if m := leak.FindString(body); m != "" {
				t.Errorf("%.80s: leaks %q", p, m)
			}
			if strings.Contains(body, "<script>") {
				t.Errorf("%.80s: unescaped script", p)
			}
		}
		// Unrecognised filters: a message in the page's language, and results still shown.
		_, body := ts.get("/initiatives?from=not-a-date&theme=nope")
		if !strings.Contains(body, `role="status"`) || !strings.Contains(body, "not-a-date") || !strings.Contains(body, "nope") {
			t.Errorf("no message for unrecognised filters")
		}
		if resultCount(t, body) == 0 {
			t.Errorf("unknown filters emptied the list")
		}
		_, body = ts.get("/en/initiatives?region=99")
		if !strings.Contains(body, "Some filters were not recognised") {
			t.Errorf("no English message for an unknown region")
		}
	})
}
