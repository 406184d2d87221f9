package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"participe/internal/db"
	"participe/internal/db/dbtest"
	"participe/internal/participe"
)

// propFixture is a body with an open initiative using the proposals tool, plus a second
// body whose staff must be refused everywhere.
type propFixture struct {
	ts             *testServer
	bodyA, bodyB   int64
	initID         int64
	closedID       int64
	slug           string
	themeID        int64
	participant    int64
	other          int64
	manager        int64
	analyst        int64
	moderator      int64
	outsider       int64
	proposalID     int64
	closedProposal int64
}

func newPropFixture(t *testing.T, d *db.DB) *propFixture {
	t.Helper()
	return newPropFixtureOn(t, d, newTestServer(t, d))
}

func newPropFixtureOn(t *testing.T, d *db.DB, ts *testServer) *propFixture {
	t.Helper()
	f := &propFixture{ts: ts, slug: "idees-test"}
	ctx := context.Background()
	err := d.Write(ctx, func(tx *db.Tx) error {
		var err error
		if f.bodyA, err = tx.InsertID(ctx, `INSERT INTO bodies (slug, name_fr, name_en) VALUES ('corps-a', 'Organisme A', 'Body A') RETURNING id`); err != nil {
			return err
		}
		if f.bodyB, err = tx.InsertID(ctx, `INSERT INTO bodies (slug, name_fr) VALUES ('corps-b', 'Organisme B') RETURNING id`); err != nil {
			return err
		}
		mk := func(slug string, start, end int) (int64, error) {
			id, err := tx.InsertID(ctx, `INSERT INTO initiatives (slug, body_id, state, title_fr, title_en, starts_at, ends_at, published_at, created_at, updated_at)
				VALUES (?, ?, 'published', ?, ?, ?, ?, ?, ?, ?) RETURNING id`, slug, f.bodyA, "Initiative "+slug, "Initiative EN "+slug,
				db.T(testNow.AddDate(0, 0, start)), db.T(testNow.AddDate(0, 0, end)), db.T(testNow.AddDate(0, 0, start-1)), db.T(testNow), db.T(testNow))
			if err != nil {
				return 0, err
			}
			_, err = tx.Exec(ctx, `INSERT INTO initiative_tools (initiative_id, tool) VALUES (?, 'proposals')`, id)
			return id, err
		}
		if f.initID, err = mk(f.slug, -5, 20); err != nil {
			return err
		}
		if f.closedID, err = mk("idees-fermees", -60, -30); err != nil {
			return err
		}
		f.themeID, err = tx.InsertID(ctx, `INSERT INTO proposal_themes (initiative_id, key, name_fr, name_en) VALUES (?, 'sante', 'Santé', 'Health') RETURNING id`, f.initID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	f.participant = ts.createPerson("Camille", false)
	f.other = ts.createPerson("Dominique", false)
	f.manager = ts.createPerson("Gestionnaire", false, participe.Role{BodyID: f.bodyA, Role: participe.RoleManager})
	f.analyst = ts.createPerson("Analyste", false, participe.Role{BodyID: f.bodyA, Role: participe.RoleAnalyst})
	f.moderator = ts.createPerson("Moderatrice", false, participe.Role{BodyID: f.bodyA, Role: participe.RoleModerator})
	f.outsider = ts.createPerson("Externe", false, participe.Role{BodyID: f.bodyB, Role: participe.RoleBodyAdmin})
	// A proposal in each initiative (the closed one entered directly).
	res, _ := ts.postForm("/initiatives/"+f.slug+"/propositions", url.Values{"title": {"Des bancs dans les parcs"}, "body": {"Plus de **bancs**."}, "theme": {fmt.Sprint(f.themeID)}}, ts.sessionFor(f.participant))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("fixture proposal: %d", res.StatusCode)
	}
	_ = d.QueryRow(ctx, `SELECT MAX(id) FROM proposals WHERE initiative_id = ?`, f.initID).Scan(&f.proposalID)
	err = d.Write(ctx, func(tx *db.Tx) error {
		id, err := tx.InsertID(ctx, `INSERT INTO contributions (initiative_id, tool, kind, author_id, channel, status, created_at, updated_at)
			VALUES (?, 'proposals', 'proposal', ?, 'web', 'published', ?, ?) RETURNING id`, f.closedID, f.participant, db.T(testNow), db.T(testNow))
		if err != nil {
			return err
		}
		f.closedProposal = id
		_, err = tx.Exec(ctx, `INSERT INTO proposals (id, initiative_id, title, body, created_at) VALUES (?, ?, 'Ancienne idée', 'x', ?)`, id, f.closedID, db.T(testNow))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestProposalsPublicFlow(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		f := newPropFixture(t, d)
		ts := f.ts
		base := "/initiatives/" + f.slug + "/propositions"
		pURL := fmt.Sprintf("%s/%d", base, f.proposalID)
		me, other := ts.sessionFor(f.participant), ts.sessionFor(f.other)

		for _, path := range []string{base, "/en" + base, base + "?tri=hasard&theme=" + fmt.Sprint(f.themeID), base + "?tri=montantes&reponse=sans-reponse&page=3",
			base + "?tri=%3Cscript%3E&page=-4&theme=x", pURL, "/en" + pURL, pURL + "/commentaires?apres=00000001"} {
			res, body := ts.get(path)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("GET %s = %d", path, res.StatusCode)
			}
			if strings.Contains(body, "[proposals.") || strings.Contains(body, "[contrib.") {
				t.Errorf("GET %s shows a missing message key", path)
			}
		}
		_, body := ts.get(base)
		if !strings.Contains(body, "Des bancs dans les parcs") || !strings.Contains(body, "/code-de-conduite") {
			t.Error("list misses the proposal or the code of conduct link")
		}
		res, _ := ts.get(base + "?tri=hasard")
		if len(res.Cookies()) == 0 {
			t.Error("no random-order seed cookie")
		}
		// Visitors are sent to sign in; unknown things are 404; bad cursors 400.
		if res, _ := ts.get(base + "/nouvelle"); res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "/connexion") {
			t.Errorf("visitor new form: %d", res.StatusCode)
		}
		for path, want := range map[string]int{base + "/999999": 404, "/initiatives/inconnue/propositions": 404, base + "/abc": 404, pURL + "/commentaires?apres=%27%3B--": 400} {
			if res, _ := ts.get(path); res.StatusCode != want {
				t.Errorf("GET %s = %d, want %d", path, res.StatusCode, want)
			}
		}
		// Submitting with errors keeps what was typed and titles the page "Erreur".
		res, body = ts.postForm(base, url.Values{"title": {"<b>x"}, "body": {""}, "theme": {"999"}}, me)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "<title>Erreur") || !strings.Contains(body, "&lt;b&gt;x") {
			t.Errorf("invalid submit: %d", res.StatusCode)
		}
		res, _ = ts.postForm(base, url.Values{"title": {"<script>alert(1)</script> Idée"}, "body": {"<img src=x onerror=alert(1)>\n\n[lien](javascript:alert(1)) **ok**"}, "theme": {fmt.Sprint(f.themeID)}}, me)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("submit: %d", res.StatusCode)
		}
		_, body = ts.get(res.Header.Get("Location"), me)
		if strings.Contains(body, "<script>alert") || strings.Contains(body, "onerror") || strings.Contains(body, "javascript:") || !strings.Contains(body, "<strong>ok</strong>") {
			t.Error("user HTML is not inert")
		}
		// Votes: double votes are harmless, counts right.
		for i := 0; i < 2; i++ {
			if res, _ := ts.postForm(pURL+"/vote", url.Values{"value": {"1"}}, other); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("vote: %d", res.StatusCode)
			}
		}
		if res, _ := ts.postForm(pURL+"/vote", url.Values{"value": {"-1"}}, me); res.StatusCode != http.StatusSeeOther {
			t.Fatal("vote against")
		}
		if res, _ := ts.postForm(pURL+"/vote", url.Values{"value": {"banane"}}, me); res.StatusCode != http.StatusBadRequest {
			t.Errorf("bad vote value: %d", res.StatusCode)
		}
		var vf, va int
		_ = d.QueryRow(context.Background(), `SELECT votes_for, votes_against FROM proposals WHERE id = ?`, f.proposalID).Scan(&vf, &va)
		if vf != 1 || va != 1 {
			t.Errorf("counts %d/%d", vf, va)
		}
		if res, _ := ts.postForm(pURL+"/vote", url.Values{"value": {"1"}}); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("anonymous vote: %d", res.StatusCode)
		}
		// Closed initiative: votes and comments refused with a message, not a 500.
		closed := fmt.Sprintf("/initiatives/idees-fermees/propositions/%d", f.closedProposal)
		res, body = ts.postForm(closed+"/vote", url.Values{"value": {"1"}}, other)
		if res.StatusCode != http.StatusConflict || !strings.Contains(body, "fermée") {
			t.Errorf("vote after closing: %d", res.StatusCode)
		}
		if res, _ := ts.postForm(closed+"/commentaires", url.Values{"text": {"Bonjour"}}, other); res.StatusCode != http.StatusConflict {
			t.Errorf("comment after closing: %d", res.StatusCode)
		}
		// Arguments, comments and a reply; a too long comment keeps the text.
		if res, _ := ts.postForm(pURL+"/arguments", url.Values{"side": {"for"}, "text": {"Utile pour les aînés"}}, other); res.StatusCode != http.StatusSeeOther {
			t.Errorf("argument: %d", res.StatusCode)
		}
		res, _ = ts.postForm(pURL+"/commentaires", url.Values{"text": {"Bonne idée"}}, me)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("comment: %d", res.StatusCode)
		}
		var cid int64
		_ = d.QueryRow(context.Background(), `SELECT MAX(id) FROM comments WHERE proposal_id = ?`, f.proposalID).Scan(&cid)
		if res, _ := ts.postForm(pURL+"/commentaires", url.Values{"text": {"D'accord avec vous"}, "parent": {fmt.Sprint(cid)}}, other); res.StatusCode != http.StatusSeeOther {
			t.Errorf("reply: %d", res.StatusCode)
		}
		long := strings.Repeat("a", 3001)
		res, body = ts.postForm(pURL+"/commentaires", url.Values{"text": {long}}, me)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, long) {
			t.Errorf("long comment: %d", res.StatusCode)
		}
		// The reply notified the comment's author (after the job ran).
		if err := ts.Jobs.RunUntilIdle(context.Background()); err != nil {
			t.Log(err)
		}
		_, body = ts.get("/mon-espace/notifications", me)
		if !strings.Contains(body, "Nouvelle réponse à votre commentaire") {
			t.Error("reply notification missing from the centre")
		}
		if ts.UnreadCount(context.Background(), f.participant) < 1 {
			t.Error("unread count")
		}
		// Reports: not one's own; the reporter sees the state.
		if res, _ := ts.postForm(fmt.Sprintf("/contributions/%d/signaler", cid), url.Values{"reason": {"spam"}}, me); res.StatusCode != http.StatusConflict {
			t.Errorf("own report: %d", res.StatusCode)
		}
		if res, _ := ts.get(fmt.Sprintf("/contributions/%d/signaler", cid), other); res.StatusCode != http.StatusOK {
			t.Errorf("report form: %d", res.StatusCode)
		}
		if res, _ := ts.postForm(fmt.Sprintf("/contributions/%d/signaler", cid), url.Values{"reason": {"spam"}, "text": {"pub"}}, other); res.StatusCode != http.StatusSeeOther {
			t.Errorf("report: %d", res.StatusCode)
		}
		_, body = ts.get("/mon-espace/signalements", other)
		if !strings.Contains(body, "Bonne idée") || !strings.Contains(body, "En cours d’examen") {
			t.Error("my reports page")
		}
		// Follow, preferences.
		if res, _ := ts.postForm("/suivre", url.Values{"target": {"initiative"}, "id": {fmt.Sprint(f.initID)}, "next": {base}}, other); res.StatusCode != http.StatusSeeOther {
			t.Errorf("follow: %d", res.StatusCode)
		}
		if res, _ := ts.postForm("/suivre", url.Values{"target": {"nothing"}, "id": {"1"}}, other); res.StatusCode != http.StatusBadRequest {
			t.Errorf("follow bad target: %d", res.StatusCode)
		}
		if res, _ := ts.postForm("/mon-espace/notifications/preferences", url.Values{"email_mode": {"digest"}}, other); res.StatusCode != http.StatusSeeOther {
			t.Errorf("prefs: %d", res.StatusCode)
		}
		if res, _ := ts.postForm("/mon-espace/notifications/preferences", url.Values{"email_mode": {"jamais"}}, other); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("bad prefs: %d", res.StatusCode)
		}
		_, body = ts.get("/mon-espace/notifications/preferences", other)
		if !strings.Contains(body, "Initiative "+f.slug) {
			t.Error("follows list")
		}
		for _, path := range []string{"/mon-espace/notifications", "/en/mon-espace/notifications/preferences", "/en/mon-espace/signalements", pURL} {
			if res, _ := ts.get(path, other); res.StatusCode != http.StatusOK {
				t.Errorf("GET %s signed in = %d", path, res.StatusCode)
			}
		}
	})
}

// Every back-office route of the area: allowed for the body's staff, refused (403) to
// staff of another body and to participants, and visitors sent to sign in.
func TestProposalsAdminAuthorization(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		f := newPropFixture(t, d)
		ts := f.ts
		var cid int64
		_ = d.QueryRow(context.Background(), `SELECT MAX(id) FROM contributions`).Scan(&cid)
		admin := fmt.Sprintf("/admin/initiatives/%d/propositions", f.initID)
		type route struct {
			method, path string
			form         url.Values
			allowed      int64
			ok           int
		}
		routes := []route{
			{"GET", admin, nil, f.manager, 200},
			{"GET", admin, nil, f.analyst, 200},
			{"GET", admin, nil, f.moderator, 200},
			{"POST", admin + "/parametres", url.Values{"who": {"participants"}, "vote_type": {"support"}, "voting_open": {"1"}, "max_length": {"3000"}, "threshold": {"2"}, "themes": {"sante | Santé | Health\nemploi | Emploi | Jobs"}, "states": {""}}, f.manager, 303},
			{"GET", admin + "/saisie", nil, f.analyst, 200},
			{"POST", admin + "/saisie", url.Values{"kind": {"proposal"}, "channel": {"paper"}, "on_behalf": {"Mme Tremblay"}, "title": {"Reçue par la poste"}, "body": {"Texte manuscrit"}, "theme": {fmt.Sprint(f.themeID)}}, f.analyst, 303},
			{"POST", admin + "/saisie", url.Values{"kind": {"proposal"}, "official": {"1"}, "title": {"Proposition du ministère"}, "body": {"Texte officiel"}, "theme": {fmt.Sprint(f.themeID)}}, f.manager, 303},
			{"POST", fmt.Sprintf("%s/%d/reponse", admin, f.proposalID), url.Values{"state": {"a_l_etude"}, "text": {"Nous analysons."}, "publish": {"0"}}, f.analyst, 303},
			{"POST", admin + "/reponses/publier", url.Values{"all": {"1"}}, f.analyst, 303},
			{"GET", fmt.Sprintf("/admin/initiatives/%d/moderation", f.initID), nil, f.moderator, 200},
			{"GET", "/admin/moderation", nil, f.moderator, 200},
			{"POST", fmt.Sprintf("/admin/moderation/%d/masquer", cid), url.Values{"reason": {"Hors sujet"}}, f.moderator, 303},
			{"POST", fmt.Sprintf("/admin/moderation/%d/retablir", cid), nil, f.moderator, 303},
			{"POST", fmt.Sprintf("/admin/moderation/%d/bloquer", cid), url.Values{"on": {"1"}}, f.moderator, 303},
		}
		do := func(rt route, person int64) *http.Response {
			var cookies []*http.Cookie
			if person != 0 {
				cookies = append(cookies, ts.sessionFor(person))
			}
			if rt.method == "GET" {
				res, _ := ts.get(rt.path, cookies...)
				return res
			}
			res, _ := ts.postForm(rt.path, rt.form, cookies...)
			return res
		}
		for _, rt := range routes {
			if rt.path == "/admin/moderation" {
				// The platform-wide queue answers every moderator with their own bodies only.
				res, body := ts.get(rt.path, ts.sessionFor(f.outsider))
				if res.StatusCode != http.StatusOK || strings.Contains(body, "Des bancs") || strings.Contains(body, "admin/moderation/") {
					t.Errorf("outsider's queue = %d or leaks body A's contributions", res.StatusCode)
				}
			} else if res := do(rt, f.outsider); res.StatusCode != http.StatusForbidden {
				t.Errorf("%s %s by staff of another body = %d, want 403", rt.method, rt.path, res.StatusCode)
			}
			if res := do(rt, f.participant); res.StatusCode != http.StatusForbidden {
				t.Errorf("%s %s by a participant = %d, want 403", rt.method, rt.path, res.StatusCode)
			}
			want := http.StatusUnauthorized
			if rt.method == "GET" {
				want = http.StatusSeeOther
			}
			if res := do(rt, 0); res.StatusCode != want {
				t.Errorf("%s %s by a visitor = %d, want %d", rt.method, rt.path, res.StatusCode, want)
			}
			if res := do(rt, rt.allowed); res.StatusCode != rt.ok {
				t.Errorf("%s %s by its staff = %d, want %d", rt.method, rt.path, res.StatusCode, rt.ok)
			}
		}
		// A moderator cannot answer; an analyst cannot change settings or hide.
		if res := do(route{"POST", admin + "/parametres", routes[3].form, 0, 0}, f.analyst); res.StatusCode != http.StatusForbidden {
			t.Errorf("analyst settings = %d", res.StatusCode)
		}
		if res := do(route{"POST", fmt.Sprintf("%s/%d/reponse", admin, f.proposalID), routes[7].form, 0, 0}, f.moderator); res.StatusCode != http.StatusForbidden {
			t.Errorf("moderator answer = %d", res.StatusCode)
		}
		if res := do(route{"POST", fmt.Sprintf("/admin/moderation/%d/masquer", cid), url.Values{"reason": {"x"}}, 0, 0}, f.analyst); res.StatusCode != http.StatusForbidden {
			t.Errorf("analyst hide = %d", res.StatusCode)
		}
		// What the allowed calls did.
		ctx := context.Background()
		var n int
		_ = d.QueryRow(ctx, `SELECT COUNT(*) FROM contributions WHERE initiative_id = ? AND channel = 'paper' AND on_behalf_name = 'Mme Tremblay' AND entered_by = ?`, f.initID, f.analyst).Scan(&n)
		if n != 1 {
			t.Errorf("paper entry rows %d", n)
		}
		_ = d.QueryRow(ctx, `SELECT COUNT(*) FROM proposals WHERE initiative_id = ? AND official = ?`, f.initID, true).Scan(&n)
		if n != 1 {
			t.Errorf("official proposals %d", n)
		}
		_ = d.QueryRow(ctx, `SELECT COUNT(*) FROM proposals WHERE id = ? AND answer_state = 'a_l_etude'`, f.proposalID).Scan(&n)
		if n != 1 {
			t.Errorf("bulk-published answer missing")
		}
		_ = d.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE body_id = ? AND action LIKE 'moderation.%'`, f.bodyA).Scan(&n)
		if n != 3 {
			t.Errorf("moderation audit rows %d, want 3", n)
		}
		// The staff entry shows its channel on the public page; the settings apply.
		_, body := ts.get("/initiatives/" + f.slug + "/propositions?tri=recentes")
		if !strings.Contains(body, "Papier") || !strings.Contains(body, "Mme Tremblay") || !strings.Contains(body, "Proposition officielle") {
			t.Error("channel or official mark not shown on the list")
		}
		if !strings.Contains(body, "Emploi") {
			t.Error("new theme not in the filter")
		}
		// Bad settings input: message and typed values kept, never a 500.
		res, body := ts.postForm(admin+"/parametres", url.Values{"who": {"robots"}, "vote_type": {"x"}, "max_length": {"-1"}, "threshold": {"abc"}, "opens_at": {"2026-13-45"}, "themes": {"x"}}, ts.sessionFor(f.manager))
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Erreur") {
			t.Errorf("bad settings = %d", res.StatusCode)
		}
	})
}

func TestProposalsDemoDialogue(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ts := newTestServer(t, d)
		ts.loadDemo()
		ts.loadDemo() // idempotent
		ctx := context.Background()
		var initID int64
		if err := d.QueryRow(ctx, `SELECT id FROM initiatives WHERE slug = 'dialogue-gouvernement-du-futur'`).Scan(&initID); err != nil {
			t.Fatal(err)
		}
		count := func(q string) int {
			var n int
			if err := d.QueryRow(ctx, q, initID).Scan(&n); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return n
		}
		checks := map[string]int{
			`SELECT COUNT(*) FROM proposal_themes WHERE initiative_id = ?`:                                                 10,
			`SELECT COUNT(*) FROM proposals WHERE initiative_id = ?`:                                                       32,
			`SELECT COUNT(*) FROM proposals WHERE initiative_id = ? AND official = true`:                                   4,
			`SELECT COUNT(*) FROM proposal_arguments a JOIN proposals p ON p.id = a.proposal_id WHERE p.initiative_id = ?`: 117,
			`SELECT COUNT(*) FROM proposal_votes v JOIN proposals p ON p.id = v.proposal_id WHERE p.initiative_id = ?`:     621,
			`SELECT COALESCE(SUM(votes_for + votes_against), 0) FROM proposals WHERE initiative_id = ?`:                    621,
		}
		for q, want := range checks {
			if got := count(q); got != want {
				t.Errorf("%s = %d, want %d", q, got, want)
			}
		}
		res, body := ts.get("/initiatives/dialogue-gouvernement-du-futur/propositions")
		if res.StatusCode != 200 || !strings.Contains(body, "Connexion aux services gouvernementaux") {
			t.Fatalf("dialogue list = %d", res.StatusCode)
		}
		var pid int64
		_ = d.QueryRow(ctx, `SELECT id FROM proposals WHERE initiative_id = ? AND key = 'connexion-services'`, initID).Scan(&pid)
		res, body = ts.get(fmt.Sprintf("/en/initiatives/dialogue-gouvernement-du-futur/propositions/%d", pid))
		if res.StatusCode != 200 || !strings.Contains(body, "Connecting to government services") || !strings.Contains(body, "MarieLavoie") {
			t.Errorf("dialogue proposal page (en) = %d", res.StatusCode)
		}
	})
}

// Moderation and official answers end to end, with the notifications read from a real
// SMTP server: the author of a hidden comment, the author of an answered proposal and a
// follower each get an email in French with the public link.
func TestProposalsNotificationsBySMTP(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ts, smtp := newMailTestServer(t, d)
		f := newPropFixtureOn(t, d, ts)
		ctx := context.Background()
		pURL := fmt.Sprintf("/initiatives/%s/propositions/%d", f.slug, f.proposalID)
		me, other := ts.sessionFor(f.participant), ts.sessionFor(f.other)
		if res, _ := ts.postForm("/suivre", url.Values{"target": {"proposal"}, "id": {fmt.Sprint(f.proposalID)}}, other); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("follow: %d", res.StatusCode)
		}
		if res, _ := ts.postForm(pURL+"/commentaires", url.Values{"text": {"Achetez mes produits !"}}, me); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("comment: %d", res.StatusCode)
		}
		var cid int64
		_ = d.QueryRow(ctx, `SELECT MAX(id) FROM comments`).Scan(&cid)
		if res, _ := ts.postForm(fmt.Sprintf("/admin/moderation/%d/masquer", cid), url.Values{"reason": {"Publicité"}}, ts.sessionFor(f.moderator)); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("hide: %d", res.StatusCode)
		}
		_, body := ts.get(pURL)
		if !strings.Contains(body, "Retiré par la modération") || !strings.Contains(body, "Publicité") || strings.Contains(body, "Achetez mes produits") {
			t.Error("hidden comment not replaced by the moderation notice")
		}
		admin := fmt.Sprintf("/admin/initiatives/%d/propositions", f.initID)
		if res, _ := ts.postForm(fmt.Sprintf("%s/%d/reponse", admin, f.proposalID), url.Values{"state": {"retenue"}, "text": {"Des bancs seront installés."}, "publish": {"1"}}, ts.sessionFor(f.analyst)); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("answer: %d", res.StatusCode)
		}
		got := map[string]string{}
		for _, m := range ts.mails(smtp) {
			got[strings.Trim(m.To, "<>")] += m.Subject + "\n" + m.Body + "\n"
		}
		mine, theirs := got["camille@example.test"], got["dominique@example.test"]
		for _, want := range []string{"Publicité", "Réponse officielle", "Retenue", "http://participe.test" + pURL} {
			if !strings.Contains(mine, want) {
				t.Errorf("author's mail lacks %q:\n%s", want, mine)
			}
		}
		if !strings.Contains(theirs, "Réponse officielle") || strings.Contains(theirs, "Publicité") {
			t.Errorf("follower's mail:\n%s", theirs)
		}
		// The in-app centre has them too, and the badge counts them.
		_, body = ts.get("/mon-espace/notifications", me)
		if !strings.Contains(body, "Réponse officielle") || ts.UnreadCount(ctx, f.participant) != 2 {
			t.Errorf("centre / unread count %d", ts.UnreadCount(ctx, f.participant))
		}
		if res, _ := ts.postForm("/mon-espace/notifications/lues", url.Values{}, me); res.StatusCode != http.StatusSeeOther || ts.UnreadCount(ctx, f.participant) != 0 {
			t.Error("mark all read")
		}
	})
}

// A member contributes in the name of their organisation; a non-member cannot.
func TestProposalsOnBehalfOfOrganisation(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		f := newPropFixture(t, d)
		ts := f.ts
		ctx := context.Background()
		var org int64
		err := d.Write(ctx, func(tx *db.Tx) error {
			var err error
			org, err = tx.InsertID(ctx, `INSERT INTO organisations (name, kind, created_at) VALUES ('Vélo Québec', 'association', ?) RETURNING id`, db.T(testNow))
			if err != nil {
				return err
			}
			_, err = tx.Exec(ctx, `INSERT INTO organisation_members (organisation_id, person_id, role, status, created_at) VALUES (?, ?, 'admin', 'active', ?)`,
				org, f.participant, db.T(testNow))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		base := "/initiatives/" + f.slug + "/propositions"
		_, body := ts.get(base+"/nouvelle", ts.sessionFor(f.participant))
		if !strings.Contains(body, "Contribuer au nom de") || !strings.Contains(body, "Vélo Québec") {
			t.Error("the form does not offer the organisation")
		}
		form := url.Values{"title": {"Des supports à vélo"}, "body": {"Partout."}, "theme": {fmt.Sprint(f.themeID)}, "organisation": {fmt.Sprint(org)}}
		if res, body := ts.postForm(base, form, ts.sessionFor(f.other)); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "membre actif") {
			t.Errorf("non-member in the organisation's name = %d", res.StatusCode)
		}
		res, _ := ts.postForm(base, form, ts.sessionFor(f.participant))
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("member = %d", res.StatusCode)
		}
		_, body = ts.get(res.Header.Get("Location"))
		if !strings.Contains(body, "au nom de Vélo Québec") {
			t.Error("the proposal does not show the organisation")
		}
	})
}
