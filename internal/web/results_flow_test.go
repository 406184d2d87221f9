package web

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"participe/internal/contrib"
	"participe/internal/db"
	"participe/internal/db/dbtest"
	"participe/internal/notify"
	"participe/internal/participe"
	"participe/internal/results"
)

func (ts *testServer) initiativeID(slug string) int64 {
	ts.t.Helper()
	var id int64
	if err := ts.DB.QueryRow(context.Background(), `SELECT id FROM initiatives WHERE slug = ?`, slug).Scan(&id); err != nil {
		ts.t.Fatalf("initiative %s: %v", slug, err)
	}
	return id
}

func (ts *testServer) count(q string, args ...any) int {
	ts.t.Helper()
	var n int
	if err := ts.DB.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		ts.t.Fatalf("count: %v", err)
	}
	return n
}

// postMultipart posts a form with one file.
func (ts *testServer) postMultipart(path string, fields map[string]string, file string, content []byte, cookies ...*http.Cookie) (*http.Response, string) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	fw, _ := w.CreateFormFile("document", file)
	_, _ = fw.Write(content)
	_ = w.Close()
	req := httptest.NewRequest(http.MethodPost, path, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	for _, c := range cookies {
		req.AddCookie(c)
	}
	return ts.do(req)
}

// TestResultsBackOfficeFlow: a manager writes and publishes the results of a closed
// initiative; every participant and follower finds a notification in their centre and
// gets an email (read from a real SMTP server), and so does the follower of a
// follow-up when it is updated; staff of another body can neither see nor change them.
func TestResultsBackOfficeFlow(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ts, smtp := newMailTestServer(t, d)
		ts.loadDemo()
		msss, mcn := ts.bodyID("msss"), ts.bodyID("mcn")
		slug := "acces-premiere-ligne-idees"
		id := ts.initiativeID(slug)
		mgr := ts.sessionFor(ts.createPerson("GestionMSSS", false, participe.Role{BodyID: msss, Role: participe.RoleManager}))
		other := ts.sessionFor(ts.createPerson("GestionMCN", false, participe.Role{BodyID: mcn, Role: participe.RoleManager}))
		base := "/admin/initiatives/" + strconv.FormatInt(id, 10) + "/resultats"

		if res, _ := ts.get(base, other); res.StatusCode != 403 {
			t.Errorf("staff of MCN sees MSSS results: %d", res.StatusCode)
		}
		if res, _ := ts.postForm(base+"/publier", nil, other); res.StatusCode != 403 {
			t.Errorf("staff of MCN publishes MSSS results: %d", res.StatusCode)
		}
		if res, _ := ts.get(base); res.StatusCode != 303 && res.StatusCode != 302 {
			t.Errorf("visitor: %d", res.StatusCode)
		}
		if res, body := ts.get(base, mgr); res.StatusCode != 200 || !strings.Contains(body, "Publier les résultats") {
			t.Fatalf("manager: %d %s", res.StatusCode, resSnippet(body))
		}
		// Publishing without a summary: the form says why.
		if res, body := ts.postForm(base+"/publier", nil, mgr); res.StatusCode != 400 || !strings.Contains(body, "Écrivez le résumé") {
			t.Errorf("publish without summary: %d", res.StatusCode)
		}
		// Results are not public yet.
		if res, _ := ts.get("/initiatives/" + slug + "/resultats"); res.StatusCode != 404 {
			t.Errorf("draft results are public: %d", res.StatusCode)
		}
		summary := "Nous avons reçu des idées sur l’accès aux soins de première ligne. **Trois thèmes** se dégagent."
		if res, _ := ts.postForm(base, url.Values{"summary_fr": {summary}, "summary_en": {"We received ideas."}}, mgr); res.StatusCode != 303 {
			t.Fatalf("save summary: %d", res.StatusCode)
		}
		var prop int64
		_ = d.QueryRow(ctx, `SELECT COALESCE(MIN(id), 0) FROM proposals WHERE initiative_id = ?`, id).Scan(&prop)
		props := ""
		if prop != 0 {
			props = strconv.FormatInt(prop, 10)
		}
		if res, body := ts.postForm(base+"/themes", url.Values{"title_fr": {"Accès aux médecins de famille"}, "synthesis_fr": {"Les personnes veulent un rendez-vous en 48 heures."}, "proposals": {props}}, mgr); res.StatusCode != 303 {
			t.Fatalf("add theme: %d %s", res.StatusCode, resSnippet(body))
		}
		if res, body := ts.postForm(base+"/themes", url.Values{"title_fr": {""}, "proposals": {"abc"}}, mgr); res.StatusCode != 400 || !strings.Contains(body, "Erreur") {
			t.Errorf("bad theme: %d", res.StatusCode)
		}
		if res, body := ts.postForm(base+"/suites", url.Values{"title_fr": {"Guichet d’accès unique"}, "status": {"in_progress"}, "progress": {"20"}, "due": {"2027-06-30"},
			"responsible_body": {"msss"}, "proposals": {props}}, mgr); res.StatusCode != 303 {
			t.Fatalf("add follow-up: %d %s", res.StatusCode, resSnippet(body))
		}
		for _, bad := range []url.Values{
			{"title_fr": {"x"}, "status": {"dropped"}},
			{"title_fr": {"x"}, "progress": {"300"}},
			{"title_fr": {"x"}, "due": {"30/06/2027"}},
			{"title_fr": {"x"}, "responsible_body": {"nope"}},
			{"title_fr": {"x"}, "status": {"maybe"}},
		} {
			if res, _ := ts.postForm(base+"/suites", bad, mgr); res.StatusCode != 400 {
				t.Errorf("bad follow-up %v: %d", bad, res.StatusCode)
			}
		}
		// Documents: a real PDF is accepted, anything else refused.
		if res, body := ts.postMultipart(base+"/documents", map[string]string{"doc_title_fr": "Rapport final"}, "rapport.pdf", []byte("%PDF-1.4\n%âãÏÓ\n1 0 obj\n"), mgr); res.StatusCode != 303 {
			t.Fatalf("upload: %d %s", res.StatusCode, resSnippet(body))
		}
		if res, body := ts.postMultipart(base+"/documents", map[string]string{"doc_title_fr": "Faux"}, "virus.pdf", []byte("<html><script>"), mgr); res.StatusCode != 400 || !strings.Contains(body, "doit être un PDF") {
			t.Errorf("fake PDF: %d", res.StatusCode)
		}
		// Followers and participants are notified on publication, in the app and by email.
		follower := ts.createPerson("Suiveuse", false)
		_, _ = d.Exec(ctx, `INSERT INTO follows (person_id, target_type, target_id, created_at) VALUES (?, 'initiative', ?, ?)`, follower, id, db.T(testNow))
		fan := ts.sessionFor(follower)
		participant := ts.createPerson("Participante", false)
		if err := d.Write(ctx, func(tx *db.Tx) error {
			_, err := contrib.Insert(ctx, tx, testNow.Add(-30*24*time.Hour), contrib.New{InitiativeID: id, Tool: "proposals", Kind: "comment", Author: contrib.Author{PersonID: participant}})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		before := len(ts.mails(smtp))
		if res, _ := ts.postForm(base+"/publier", nil, mgr); res.StatusCode != 303 {
			t.Fatalf("publish: %d", res.StatusCode)
		}
		eventKey := "results_published:" + strconv.FormatInt(id, 10) + ":" + strconv.FormatInt(testNow.Unix(), 10)
		if n := ts.count(`SELECT COUNT(*) FROM jobs WHERE kind = ? AND unique_key = ?`, notify.JobFanout, notify.JobFanout+":"+eventKey); n != 1 {
			t.Errorf("publish fan-out jobs = %d", n)
		}
		sent := ts.mails(smtp)[before:] // runs the jobs: fan-out, then the mails
		want := ts.count(`SELECT COUNT(*) FROM (`+`SELECT c.author_id AS p FROM contributions c WHERE c.initiative_id = ? AND c.author_id IS NOT NULL
			UNION SELECT f.person_id FROM follows f WHERE f.target_type = 'initiative' AND f.target_id = ?
			UNION SELECT v.person_id FROM proposal_votes v JOIN proposals p ON p.id = v.proposal_id WHERE p.initiative_id = ?
			UNION SELECT r.person_id FROM survey_responses r JOIN surveys sv ON sv.id = r.survey_id WHERE sv.initiative_id = ? AND r.status = 'submitted') x
			JOIN people pe ON pe.id = x.p WHERE pe.deleted_at IS NULL`, id, id, id, id)
		if n := ts.count(`SELECT COUNT(*) FROM notifications WHERE kind = ? AND event_key = ?`, notify.KindResultsPublished, eventKey); n == 0 || n != want {
			t.Errorf("results notifications = %d, want %d (participants and followers)", n, want)
		}
		_, centre := ts.get("/mon-espace/notifications", fan)
		if !strings.Contains(centre, "Les résultats de") || !strings.Contains(centre, "/initiatives/"+slug+"/resultats") || ts.UnreadCount(ctx, follower) != 1 {
			t.Errorf("follower's centre (unread %d):\n%s", ts.UnreadCount(ctx, follower), resSnippet(centre))
		}
		if n := ts.UnreadCount(ctx, participant); n != 1 {
			t.Errorf("participant's unread count = %d", n)
		}
		for _, who := range []string{"suiveuse@example.test", "participante@example.test"} {
			var mine []sentMail
			for _, m := range sent {
				if strings.Contains(m.To, who) {
					mine = append(mine, m)
				}
			}
			if len(mine) != 1 || !strings.Contains(mine[0].Subject, "résultats publiés") || !strings.Contains(mine[0].Body, "http://participe.test/initiatives/"+slug+"/resultats") {
				t.Errorf("%s's mails: %+v", who, mine)
			}
		}
		if len(sent) != want {
			t.Errorf("%d result mails, want %d (participants and followers, each once)", len(sent), want)
		}
		res, body := ts.get("/initiatives/" + slug + "/resultats")
		if res.StatusCode != 200 || !strings.Contains(body, "<strong>Trois thèmes</strong>") || !strings.Contains(body, "Guichet d’accès unique") || !strings.Contains(body, "Rapport final") {
			t.Errorf("public results: %d", res.StatusCode)
		}
		var doc int64
		_ = d.QueryRow(ctx, `SELECT id FROM result_documents WHERE initiative_id = ?`, id).Scan(&doc)
		if res, body := ts.get("/initiatives/" + slug + "/resultats/documents/" + strconv.FormatInt(doc, 10)); res.StatusCode != 200 || !strings.HasPrefix(body, "%PDF-") || res.Header.Get("Content-Type") != "application/pdf" {
			t.Errorf("document: %d %q", res.StatusCode, res.Header.Get("Content-Type"))
		}
		// A follow-up update notifies the follow-up's followers.
		var fu int64
		_ = d.QueryRow(ctx, `SELECT id FROM follow_ups WHERE initiative_id = ?`, id).Scan(&fu)
		if res, _ := ts.postForm("/suites/"+strconv.FormatInt(fu, 10)+"/suivre", url.Values{"suivre": {"1"}}, fan); res.StatusCode != 303 {
			t.Errorf("follow: %d", res.StatusCode)
		}
		if res, _ := ts.postForm("/admin/suites/"+strconv.FormatInt(fu, 10)+"/mises-a-jour", url.Values{"status": {"in_progress"}, "progress": {"40"}, "text_fr": {"Appel d’offres lancé."}}, other); res.StatusCode != 403 {
			t.Errorf("MCN updates MSSS follow-up: %d", res.StatusCode)
		}
		before = len(ts.mails(smtp))
		if res, _ := ts.postForm("/admin/suites/"+strconv.FormatInt(fu, 10)+"/mises-a-jour", url.Values{"status": {"in_progress"}, "progress": {"40"}, "text_fr": {"Appel d’offres lancé."}}, mgr); res.StatusCode != 303 {
			t.Errorf("update: %d", res.StatusCode)
		}
		sent = ts.mails(smtp)[before:]
		if len(sent) != 1 || !strings.Contains(sent[0].To, "suiveuse@example.test") || !strings.Contains(sent[0].Subject, "Guichet d’accès unique") ||
			!strings.Contains(sent[0].Body, "http://participe.test/suites/"+strconv.FormatInt(fu, 10)) {
			t.Errorf("follow-up mails: %+v", sent)
		}
		if n := ts.count(`SELECT COUNT(*) FROM notifications WHERE kind = ?`, notify.KindFollowUpUpdate); n != 1 {
			t.Errorf("follow-up notifications = %d, want 1 (the follower)", n)
		}
		_, centre = ts.get("/mon-espace/notifications", fan)
		if !strings.Contains(centre, "Nouvelle mise à jour de la suite prévue") || !strings.Contains(centre, "/suites/"+strconv.FormatInt(fu, 10)) || ts.UnreadCount(ctx, follower) != 2 {
			t.Errorf("follower's centre after the update (unread %d)", ts.UnreadCount(ctx, follower))
		}
		if res, body := ts.get("/suites/" + strconv.FormatInt(fu, 10)); res.StatusCode != 200 || !strings.Contains(body, "Appel d’offres lancé.") {
			t.Errorf("follow-up page: %d", res.StatusCode)
		}
		if n := ts.count(`SELECT COUNT(*) FROM audit_log WHERE body_id = ? AND action LIKE 'results.%'`, msss); n < 5 {
			t.Errorf("audited results actions = %d", n)
		}
		// An open initiative cannot publish results.
		open := ts.initiativeID("reussite-educative-idees")
		edu := ts.sessionFor(ts.createPerson("GestionEdu", false, participe.Role{BodyID: ts.bodyID("education"), Role: participe.RoleManager}))
		openBase := "/admin/initiatives/" + strconv.FormatInt(open, 10) + "/resultats"
		_, _ = ts.postForm(openBase, url.Values{"summary_fr": {"Trop tôt."}}, edu)
		if res, body := ts.postForm(openBase+"/publier", nil, edu); res.StatusCode != 409 || !strings.Contains(body, "pas terminée") {
			t.Errorf("publish while open: %d", res.StatusCode)
		}
	})
}

var emailRE = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}`)

// TestOpenDataExports downloads every dataset of every closed initiative as CSV and JSON
// and scans them for personal data; exports of open initiatives are refused clearly.
func TestOpenDataExports(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ts := newTestServer(t, d)
		ts.loadDemo()
		// Personal data that must never leak: every email and every non-public name.
		var emails []string
		rows, err := d.Query(ctx, `SELECT email FROM people WHERE email IS NOT NULL`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var e string
			_ = rows.Scan(&e)
			emails = append(emails, e)
		}
		rows.Close()
		svc := results.New(d, ts.Clock, ts.Jobs)
		entries, _, err := svc.Catalogue(ctx, results.CatalogueFilter{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) == 0 {
			t.Fatal("no closed initiative in the catalogue")
		}
		checked := 0
		for _, e := range entries {
			for _, ds := range e.Datasets {
				for _, ext := range []string{"csv", "json"} {
					path := "/donnees-ouvertes/" + e.Slug + "/" + ds.Key + "." + ext
					res, body := ts.get(path)
					if res.StatusCode != 200 {
						t.Errorf("GET %s: %d %s", path, res.StatusCode, resSnippet(body))
						continue
					}
					if m := emailRE.FindString(body); m != "" {
						t.Errorf("GET %s: contains an email address %q", path, m)
					}
					for _, em := range emails {
						if strings.Contains(body, em) {
							t.Errorf("GET %s: contains %s", path, em)
						}
					}
					if ext == "json" {
						var v []map[string]any
						if err := json.Unmarshal([]byte(body), &v); err != nil {
							t.Errorf("GET %s: invalid JSON: %v", path, err)
						}
						for _, row := range v {
							if len(row) != len(ds.Columns) {
								t.Fatalf("GET %s: %d fields, %d documented", path, len(row), len(ds.Columns))
							}
						}
					} else {
						header := strings.SplitN(strings.TrimPrefix(body, "\uFEFF"), "\n", 2)[0]
						if strings.Count(header, ",")+1 != len(ds.Columns) {
							t.Errorf("GET %s: header %q", path, header)
						}
					}
					checked++
				}
			}
		}
		// The dialogue's datasets carry its real data.
		_, csvBody := ts.get("/donnees-ouvertes/dialogue-gouvernement-du-futur/contributions.csv")
		if !strings.Contains(csvBody, "Connexion aux services gouvernementaux") || strings.Count(csvBody, "\n") < 140 {
			t.Errorf("contributions export looks wrong (%d lines)", strings.Count(csvBody, "\n"))
		}
		_, votes := ts.get("/donnees-ouvertes/dialogue-gouvernement-du-futur/votes.json")
		var vv []map[string]any
		_ = json.Unmarshal([]byte(votes), &vv)
		total := 0.0
		for _, r := range vv {
			total += r["votes_total"].(float64)
		}
		if total != 621 {
			t.Errorf("votes export totals %v, want the seed's 621", total)
		}
		t.Logf("%d exports scanned", checked)
		// Open initiatives: refused, clearly, in both formats.
		res, body := ts.get("/donnees-ouvertes/reussite-educative-idees/contributions.csv")
		if res.StatusCode != 409 || !strings.Contains(body, "encore ouverte") {
			t.Errorf("open CSV: %d", res.StatusCode)
		}
		res, body = ts.get("/donnees-ouvertes/reussite-educative-idees/contributions.json")
		if res.StatusCode != 409 || res.Header.Get("Content-Type") != "application/problem+json" || !strings.Contains(body, "still open") {
			t.Errorf("open JSON: %d %s", res.StatusCode, body)
		}
		for _, p := range []string{"/donnees-ouvertes/nope/votes.csv", "/donnees-ouvertes/dialogue-gouvernement-du-futur/secret.csv", "/donnees-ouvertes/dialogue-gouvernement-du-futur/votes.xml"} {
			if res, _ := ts.get(p); res.StatusCode != 404 {
				t.Errorf("GET %s: %d", p, res.StatusCode)
			}
		}
		// Closed without results: results and follow-ups datasets are not offered yet.
		if res, _ := ts.get("/donnees-ouvertes/acces-premiere-ligne-idees/follow-ups.csv"); res.StatusCode != 409 {
			t.Errorf("follow-ups before results: %d", res.StatusCode)
		}
		// DCAT catalogue.
		res, body = ts.get("/donnees-ouvertes/catalogue.json")
		var cat map[string]any
		if err := json.Unmarshal([]byte(body), &cat); err != nil || res.StatusCode != 200 {
			t.Fatalf("catalogue.json: %d %v", res.StatusCode, err)
		}
		dsets := cat["dataset"].([]any)
		if len(dsets) < len(entries)*3 {
			t.Errorf("catalogue lists %d datasets for %d initiatives", len(dsets), len(entries))
		}
		first := dsets[0].(map[string]any)
		if first["license"] != results.LicenceURL || len(first["distribution"].([]any)) != 2 {
			t.Errorf("dataset entry: %v", first)
		}
	})
}

// TestMyContributionsPage: a participant sees each contribution with its state, official
// answer and the follow-up linked to it.
func TestMyContributionsPage(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ts := newTestServer(t, d)
		ts.loadDemo()
		// The author of a proposal taken up by a follow-up.
		var author int64
		err := d.QueryRow(ctx, `SELECT MIN(c.author_id) FROM follow_up_links l JOIN contributions c ON c.id = l.item_id
			JOIN proposals p ON p.id = c.id WHERE c.author_id IS NOT NULL AND p.official = ?`, false).Scan(&author)
		if err != nil {
			t.Fatal(err)
		}
		// Hide one of their contributions to see the reason.
		_, _ = d.Exec(ctx, `UPDATE contributions SET status = 'hidden', hidden_reason = 'Propos hors sujet' WHERE id = (SELECT MAX(id) FROM contributions WHERE author_id = ?)`, author)
		res, body := ts.get("/mon-espace/contributions", ts.sessionFor(author))
		if res.StatusCode != 200 {
			t.Fatalf("status %d", res.StatusCode)
		}
		for _, w := range []string{"Retenue", "Propos hors sujet", "Retirée par la modération", "/suites/"} {
			if !strings.Contains(body, w) {
				t.Errorf("missing %q", w)
			}
		}
		if res, _ := ts.get("/mon-espace/contributions"); res.StatusCode != 303 && res.StatusCode != 302 {
			t.Errorf("visitor: %d", res.StatusCode)
		}
	})
}

// TestRemindersSentOnce: followers of an open initiative get one reminder before it
// closes, however many times the scan runs.
func TestRemindersSentOnce(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ts := newTestServer(t, d)
		ts.loadDemo()
		id := ts.initiativeID("plan-gouvernement-ouvert")
		_, _ = d.Exec(ctx, `UPDATE initiatives SET ends_at = ? WHERE id = ?`, db.T(testNow.Add(30*time.Hour)), id)
		a, b := ts.createPerson("Rappel1", false), ts.createPerson("Rappel2", false)
		for _, p := range []int64{a, b} {
			_, _ = d.Exec(ctx, `INSERT INTO follows (person_id, target_type, target_id, created_at) VALUES (?, 'initiative', ?, ?)`, p, id, db.T(testNow))
		}
		svc := ts.newResultsService()
		svc.ReminderBefore = 24 * time.Hour
		if n, err := svc.SendReminders(ctx); err != nil || n != 0 {
			t.Fatalf("too early: %d %v", n, err)
		}
		ts.clock.Advance(7 * time.Hour)
		n1, err := svc.SendReminders(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n2, _ := svc.SendReminders(ctx)
		ts.clock.Advance(time.Hour)
		n3, _ := svc.SendReminders(ctx)
		if n1 < 2 || n2 != 0 || n3 != 0 {
			t.Errorf("reminders queued: %d then %d then %d", n1, n2, n3)
		}
		var payload string
		_ = d.QueryRow(ctx, `SELECT payload FROM jobs WHERE unique_key = ?`, "results.reminder:"+strconv.FormatInt(id, 10)+":"+strconv.FormatInt(a, 10)).Scan(&payload)
		if !strings.Contains(payload, "rappel1@example.test") || !strings.Contains(payload, "/initiatives/plan-gouvernement-ouvert") {
			t.Errorf("reminder mail: %q", payload)
		}
		// The scan job runs it too and queues its next run.
		if err := svc.ScheduleReminderScan(ctx); err != nil {
			t.Fatal(err)
		}
		if err := ts.Jobs.RunUntilIdle(ctx); err != nil {
			t.Fatal(err)
		}
		if n := ts.count(`SELECT COUNT(*) FROM jobs WHERE kind = ? AND state = 'available'`, results.JobReminderScan); n != 1 {
			t.Errorf("next scans queued = %d", n)
		}
		if n := ts.count(`SELECT COUNT(*) FROM jobs WHERE unique_key LIKE ?`, "results.reminder:"+strconv.FormatInt(id, 10)+":%"); n != n1 {
			t.Errorf("reminders after the scan job = %d, want %d", n, n1)
		}
	})
}

// TestSuggestionsModerated: a suggestion and a rating wait for moderation, then count.
func TestSuggestionsModerated(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ts := newTestServer(t, d)
		ts.loadDemo()
		res, body := ts.postForm("/suggestions", url.Values{"topic": {"Qualité de l’air près des écoles"}, "theme": {""}, "rating": {"9"}})
		if res.StatusCode != 400 || !strings.Contains(body, "Choisissez une note de 1 à 5") {
			t.Errorf("bad rating: %d", res.StatusCode)
		}
		if !strings.Contains(body, "Qualité de l’air près des écoles") {
			t.Error("typed topic lost")
		}
		if res, _ := ts.postForm("/suggestions", url.Values{}); res.StatusCode != 400 {
			t.Errorf("empty: %d", res.StatusCode)
		}
		if res, _ := ts.postForm("/suggestions", url.Values{"topic": {"Qualité de l’air près des écoles"}, "rating": {"4"}, "comment": {"Clair."}}); res.StatusCode != 303 {
			t.Fatalf("post: %d", res.StatusCode)
		}
		if _, body := ts.get("/suggestions"); strings.Contains(body, "Qualité de l’air") {
			t.Error("unmoderated suggestion shown")
		}
		admin := ts.sessionFor(ts.createPerson("Plateforme", true))
		staff := ts.sessionFor(ts.createPerson("Gestion", false, participe.Role{BodyID: ts.bodyID("sct"), Role: participe.RoleManager}))
		if res, _ := ts.get("/admin/suggestions", staff); res.StatusCode != 403 {
			t.Errorf("body staff moderates platform suggestions: %d", res.StatusCode)
		}
		res, body = ts.get("/admin/suggestions", admin)
		if res.StatusCode != 200 || !strings.Contains(body, "Qualité de l’air") {
			t.Fatalf("queue: %d", res.StatusCode)
		}
		var id int64
		_ = d.QueryRow(context.Background(), `SELECT id FROM suggestions WHERE topic = ?`, "Qualité de l’air près des écoles").Scan(&id)
		if res, _ := ts.postForm("/admin/suggestions/"+strconv.FormatInt(id, 10), url.Values{"decision": {"approve"}}, admin); res.StatusCode != 303 {
			t.Errorf("approve: %d", res.StatusCode)
		}
		if _, body := ts.get("/suggestions"); !strings.Contains(body, "Qualité de l’air") {
			t.Error("approved suggestion not shown")
		}
		if _, body := ts.get("/tableau-de-bord", admin); !strings.Contains(body, "Suggestions à modérer") {
			t.Error("staff dashboard lacks moderation figures")
		}
		if _, body := ts.get("/tableau-de-bord"); strings.Contains(body, "Suggestions à modérer") {
			t.Error("public dashboard shows moderation figures")
		}
	})
}

// TestResultsBadInput: hostile paths and filters give clear pages, never a 500.
func TestResultsBadInput(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ts := newTestServer(t, d)
		ts.loadDemo()
		for _, c := range []struct {
			path   string
			status int
		}{
			{"/resultats?organisme=%27%3B--", 400},
			{"/resultats?theme=nope&page=-3", 400},
			{"/resultats?page=999999999999", 200},
			{"/initiatives/nope/resultats", 404},
			{"/initiatives/reussite-educative-idees/resultats", 404},
			{"/initiatives/nope/tableau-de-bord", 404},
			{"/suites/0", 404},
			{"/suites/abc", 404},
			{"/suites/99999999", 404},
			{"/initiatives/dialogue-gouvernement-du-futur/resultats/documents/999", 404},
			{"/donnees-ouvertes?page=abc", 200},
		} {
			if res, body := ts.get(c.path); res.StatusCode != c.status {
				t.Errorf("GET %s: %d, want %d: %s", c.path, res.StatusCode, c.status, resSnippet(body))
			}
		}
	})
}

// TestSatisfactionQuestionnaire: one questionnaire page, the survey tool's, offered
// once an initiative closes (the results area's old address redirects to it for good),
// answered once per person, its results public, counted in the dashboards.
func TestSatisfactionQuestionnaire(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ts := newTestServer(t, d)
		ts.loadDemo()
		ctx := context.Background()
		if _, body := ts.get("/initiatives/dialogue-gouvernement-du-futur/tableau-de-bord"); !strings.Contains(body, "sur 5") {
			t.Error("the dialogue's dashboard shows no satisfaction score")
		}
		const slug = "acces-premiere-ligne-idees"
		var iniID int64
		if err := d.QueryRow(ctx, `SELECT id FROM initiatives WHERE slug = ?`, slug).Scan(&iniID); err != nil {
			t.Fatal(err)
		}
		if _, err := ts.newResultsService().EnsureSatisfactionSurvey(ctx, iniID); err != nil {
			t.Fatal(err)
		}
		page := "/initiatives/" + slug + "/questionnaires/satisfaction"
		if got := results.SatisfactionPath(slug); got != page {
			t.Fatalf("SatisfactionPath = %s", got)
		}
		// The old address is a permanent redirect, in both languages; a post goes there too.
		for old, want := range map[string]string{"/initiatives/" + slug + "/satisfaction": page, "/en/initiatives/" + slug + "/satisfaction": "/en" + page} {
			if res, _ := ts.get(old); res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != want {
				t.Errorf("GET %s: %d → %q, want 301 → %s", old, res.StatusCode, res.Header.Get("Location"), want)
			}
		}
		if res, _ := ts.postForm("/initiatives/"+slug+"/satisfaction", url.Values{"overall": {"4"}}); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != page {
			t.Errorf("POST old address: %d → %q", res.StatusCode, res.Header.Get("Location"))
		}
		// The results page offers it, linking to the one page.
		if _, err := d.Exec(ctx, `INSERT INTO initiative_results (initiative_id, summary_fr, summary_en, published_at) VALUES (?, 'Synthèse.', '', ?)
			ON CONFLICT (initiative_id) DO UPDATE SET summary_fr = excluded.summary_fr, published_at = excluded.published_at`, iniID, db.T(testNow)); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Exec(ctx, `UPDATE initiatives SET results_published_at = ? WHERE id = ?`, db.T(testNow), iniID); err != nil {
			t.Fatal(err)
		}
		if res, body := ts.get("/initiatives/" + slug + "/resultats"); res.StatusCode != 200 || !strings.Contains(body, `href="`+page+`"`) || strings.Contains(body, "/"+slug+"/satisfaction\"") {
			t.Errorf("results page: %d, offer linking to %s missing", res.StatusCode, page)
		}
		if _, body := ts.get("/en/initiatives/" + slug + "/resultats"); !strings.Contains(body, `href="/en`+page+`"`) {
			t.Errorf("English results page: offer linking to /en%s missing", page)
		}
		// A visitor is asked to sign in; a participant answers on one page, once.
		if res, body := ts.get(page); res.StatusCode != 200 || !strings.Contains(body, "Connectez-vous pour répondre") {
			t.Errorf("visitor: %d %s", res.StatusCode, resSnippet(body))
		}
		satisfied := ts.createPerson("Satisfaite", false)
		me := ts.sessionFor(satisfied)
		res, body := ts.get(page+"/repondre", me)
		i := strings.Index(body, `name="idem" value="`)
		if res.StatusCode != 200 || i < 0 {
			t.Fatalf("one-page form: %d %s", res.StatusCode, resSnippet(body))
		}
		idem := body[i+19 : i+19+24]
		if res, _ := ts.postForm(page+"/envoyer", url.Values{"complete": {"1"}, "idem": {idem}, "q.overall": {"4"}, "q.again": {"yes"}, "q.comment": {"Clair et utile."}}, me); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("answer: %d", res.StatusCode)
		}
		if n := ts.count(`SELECT COUNT(*) FROM survey_counts sc JOIN surveys s ON s.id = sc.survey_id JOIN initiatives i ON i.id = s.initiative_id
			WHERE i.slug = ? AND s.purpose = 'satisfaction' AND sc.question_key = 'overall' AND sc.option_key = '4'`, slug); n == 0 {
			t.Error("the answer is not counted by the survey tool")
		}
		st, err := ts.newResultsService().Satisfaction(ctx, &participe.Actor{PersonID: satisfied}, slug)
		if err != nil || !st.Answered || !st.Open || st.SurveyID == 0 {
			t.Errorf("satisfaction state after answering: %+v %v", st, err)
		}
		if _, body := ts.get("/initiatives/"+slug+"/resultats", me); strings.Contains(body, `href="`+page+`"`) {
			t.Error("the questionnaire is still offered to a person who answered it")
		}
		if _, body := ts.get("/initiatives/" + slug + "/tableau-de-bord"); !strings.Contains(body, "4 sur 5") {
			t.Error("the initiative's dashboard does not show the score")
		}
		if res, _ := ts.get(page + "/resultats"); res.StatusCode != 200 {
			t.Errorf("public results of the questionnaire: %d", res.StatusCode)
		}
		// Not offered while the initiative is open.
		if _, err := ts.newResultsService().Satisfaction(ctx, nil, "reussite-educative-idees"); !participe.IsCode(err, participe.ENOTFOUND) {
			t.Errorf("open initiative: %v", err)
		}
	})
}
