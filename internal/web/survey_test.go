package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"participe/internal/db"
	"participe/internal/db/dbtest"
	"participe/internal/participe"
)

const wbBase = "/initiatives/journee-enjeux-gouvernement-en-ligne/questionnaire"

// TestSurveyAnswerWorkbook answers the seed 000 workbook as a visitor through the real
// router: errors summarised and values kept, conditional questions, review, confirmation,
// double submit, then the public results and the anonymised CSV.
func TestSurveyAnswerWorkbook(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ts := newTestServer(t, d)
		ts.loadDemo()
		res, body := ts.get(wbBase)
		if res.StatusCode != 200 || !strings.Contains(body, "Carnet de travail") {
			t.Fatalf("start page: %d", res.StatusCode)
		}
		res, _ = ts.postForm(wbBase, url.Values{})
		if res.StatusCode != http.StatusSeeOther || !strings.HasSuffix(res.Header.Get("Location"), "/section/1") {
			t.Fatalf("begin: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		var cookie *http.Cookie
		for _, c := range res.Cookies() {
			if c.Name == ts.Sessions.Cookie.Name {
				cookie = c
			}
		}
		if cookie == nil {
			t.Fatal("no session for the anonymous draft")
		}
		res, body = ts.get(wbBase+"/section/1", cookie)
		if res.StatusCode != 200 || !strings.Contains(body, "Section 1 sur 7") || !strings.Contains(body, "<legend>") {
			t.Fatalf("section 1: %d", res.StatusCode)
		}
		// Tampered order: section 5 before answering the required question of section 1.
		res, _ = ts.get(wbBase+"/section/5", cookie)
		if res.StatusCode != http.StatusSeeOther || !strings.HasSuffix(res.Header.Get("Location"), "/section/1") {
			t.Fatalf("tampered section order: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		// Missing required answer + a typed value: error summary, value kept.
		res, body = ts.postForm(wbBase+"/section/1", url.Values{"action": {"next"}, "q.avant_internet_org": {"Nos notes gardées"}}, cookie)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `class="error-summary"`) || !strings.Contains(body, "Nos notes gardées") || !strings.Contains(body, "<title>Erreur") {
			t.Fatalf("validation page: %d", res.StatusCode)
		}
		res, body = ts.postForm(wbBase+"/section/1", url.Values{"action": {"next"}, "q.type_organisation": {"inconnu"}}, cookie)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Choisissez une réponse dans la liste") {
			t.Fatalf("unknown option: %d", res.StatusCode)
		}
		res, _ = ts.postForm(wbBase+"/section/1", url.Values{"action": {"next"}, "q.type_organisation": {"communautaire"}, "q.nom_organisme": {"Centre Ahuntsic"}, "q.perception": {"4"}}, cookie)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("section 1 save: %d", res.StatusCode)
		}
		// Walk the remaining sections; section 5 needs consultation_souhait, section 7 copie_notes.
		for n := 2; n <= 7; n++ {
			form := url.Values{"action": {"next"}}
			if n == 5 {
				form.Set("q.consultation_souhait", "non")
				form.Set("q.consultation_pourquoi_oui_org", "caché") // hidden by its condition: dropped
			}
			if n == 7 {
				form.Set("q.copie_notes", "non")
				form.Set("q.mesure_1", "Un guichet unique")
			}
			path := wbBase + "/section/" + strconvFormat(int64(n))
			res, body = ts.postForm(path, form, cookie)
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("section %d: %d %s", n, res.StatusCode, body[:min(len(body), 300)])
			}
		}
		res, body = ts.get(wbBase+"/verifier", cookie)
		if res.StatusCode != 200 || !strings.Contains(body, "Vérifier vos réponses") || !strings.Contains(body, "Centre Ahuntsic") || strings.Contains(body, "caché") {
			t.Fatalf("review: %d", res.StatusCode)
		}
		res, _ = ts.postForm(wbBase+"/envoyer", url.Values{}, cookie)
		loc := res.Header.Get("Location")
		if res.StatusCode != http.StatusSeeOther || !strings.Contains(loc, "/confirmation/Q-") {
			t.Fatalf("submit: %d %s", res.StatusCode, loc)
		}
		res2, _ := ts.postForm(wbBase+"/envoyer", url.Values{}, cookie) // back button + send again
		if res2.Header.Get("Location") != loc {
			t.Fatalf("second submit went to %s", res2.Header.Get("Location"))
		}
		res, body = ts.get(loc, cookie)
		if res.StatusCode != 200 || !strings.Contains(body, "Réponse envoyée") {
			t.Fatalf("confirmation: %d", res.StatusCode)
		}
		res, body = ts.get(wbBase + "/resultats")
		if res.StatusCode != 200 || !strings.Contains(body, "61") || !strings.Contains(body, "<svg") || !strings.Contains(body, "<caption>") {
			t.Fatalf("results: %d", res.StatusCode)
		}
		res, body = ts.get(wbBase + "/reponses.csv")
		if res.StatusCode != 200 || strings.Count(body, "\n") != 62 || strings.Contains(strings.SplitN(body, "\n", 2)[0], "copie_courriel") {
			t.Fatalf("csv: %d, %d lines", res.StatusCode, strings.Count(body, "\n"))
		}
		for _, p := range []string{"/imprimer", "/formulaire.pdf", "/resultats/avant_internet_org?q=courriel"} {
			if res, _ := ts.get(wbBase + p); res.StatusCode != 200 {
				t.Fatalf("%s: %d", p, res.StatusCode)
			}
		}
	})
}

// TestSurveyStaffPages: builder, paper entry and results for staff of the body; staff of
// another body get 404.
func TestSurveyStaffPages(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ts := newTestServer(t, d)
		ts.loadDemo()
		var ini, body int64
		if err := d.QueryRow(t.Context(), `SELECT id, body_id FROM initiatives WHERE slug = 'journee-enjeux-gouvernement-en-ligne'`).Scan(&ini, &body); err != nil {
			t.Fatal(err)
		}
		var otherBody int64
		if err := d.QueryRow(t.Context(), `SELECT id FROM bodies WHERE id <> ? ORDER BY id LIMIT 1`, body).Scan(&otherBody); err != nil {
			t.Fatal(err)
		}
		mgr := ts.sessionFor(ts.createPerson("Gestionnaire", false, participe.Role{BodyID: body, Role: participe.RoleManager}))
		other := ts.sessionFor(ts.createPerson("Autre", false, participe.Role{BodyID: otherBody, Role: participe.RoleManager}))
		base := "/admin/initiatives/" + i64s(ini) + "/questionnaire"
		for _, p := range []string{"", "/apercu", "/saisie", "/resultats", "/resultats?canal=paper", "/resultats?selon=type_organisation:communautaire", "/questions/perception", "/sections/atelier-1-services", "/questions/nouvelle?section=tour-de-table&type=matrix"} {
			res, b := ts.get(base+p, mgr)
			if res.StatusCode != 200 {
				t.Fatalf("%s: %d %s", p, res.StatusCode, b[:min(400, len(b))])
			}
		}
		if res, _ := ts.get(base, other); res.StatusCode != http.StatusNotFound {
			t.Fatalf("other body's manager: %d", res.StatusCode)
		}
		// A paper form, then its double submit.
		_, page := ts.get(base+"/saisie", mgr)
		i := strings.Index(page, `name="idem" value="`)
		idem := page[i+19 : i+19+24]
		form := url.Values{"idem": {idem}, "channel": {"paper"}, "paper_form_id": {"P-900"}, "q.type_organisation": {"public"}, "q.perception": {"2"}}
		res, _ := ts.postForm(base+"/saisie", form, mgr)
		res2, _ := ts.postForm(base+"/saisie", form, mgr)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != res2.Header.Get("Location") {
			t.Fatalf("paper entry: %d / %s vs %s", res.StatusCode, res.Header.Get("Location"), res2.Header.Get("Location"))
		}
		// Removing a question that has answers is refused with the reason.
		res, b := ts.postForm(base+"/structure", url.Values{"kind": {"question"}, "key": {"perception"}, "action": {"delete"}}, mgr)
		if res.StatusCode != http.StatusConflict || !strings.Contains(b, "ne peut pas être supprimée") {
			t.Fatalf("locked delete: %d", res.StatusCode)
		}
		res, _ = ts.postForm(base+"/structure", url.Values{"kind": {"question"}, "key": {"perception"}, "action": {"up"}}, mgr)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("move up: %d", res.StatusCode)
		}
		res, b = ts.get(base+"/reponses.csv", mgr)
		if res.StatusCode != 200 || !strings.Contains(b, "P-900") || !strings.Contains(strings.SplitN(b, "\n", 2)[0], "email") {
			t.Fatalf("staff csv: %d", res.StatusCode)
		}
	})
}

func i64s(n int64) string { return strconvFormat(n) }

func strconvFormat(n int64) string {
	var b []byte
	if n == 0 {
		return "0"
	}
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}
