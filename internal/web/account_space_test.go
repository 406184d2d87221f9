package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"participe/internal/account"
	"participe/internal/db"
	"participe/internal/db/dbtest"
)

func TestAccountEmailChangeSessionsAndOrganisations(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ts, smtp := newMailTestServer(t, d)
		ctx := context.Background()
		b := ts.browser()
		signUpVerified(t, ts, b, smtp, "kim@example.test", "Kim")
		b.post("/connexion", url.Values{"email": {"kim@example.test"}, "password": {goodPassword}})
		other := ts.browser()
		other.post("/connexion", url.Values{"email": {"kim@example.test"}, "password": {goodPassword}})

		// Sessions are listed; "sign out everywhere else" ends the other browser only.
		_, page := b.get("/mon-espace/securite")
		if strings.Count(page, "<tr><td>") < 2 || !strings.Contains(page, "cette session") {
			t.Fatalf("sessions list:\n%s", snippet(page))
		}
		// The "Mon espace" menu marks the page shown.
		mustContain(t, page, `class="space-nav"`, `<a href="/mon-espace/securite" aria-current="page">`, `<a href="/mon-espace/donnees">`)
		if res, _ := b.post("/mon-espace/securite/sessions", nil); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign out others: %d", res.StatusCode)
		}
		if res, _ := other.get("/mon-espace"); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("other browser still signed in: %d", res.StatusCode)
		}
		if res, _ := b.get("/mon-espace"); res.StatusCode != 200 {
			t.Fatalf("this browser signed out: %d", res.StatusCode)
		}

		// Changing the address needs the password and a link sent to the new address.
		res, page := b.post("/mon-espace/courriel", url.Values{"email": {"kim.nouveau@example.test"}, "current_password": {"pas le bon"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `value="kim.nouveau@example.test"`) {
			t.Fatalf("wrong password: %d", res.StatusCode)
		}
		b.post("/mon-espace/courriel", url.Values{"email": {"kim.nouveau@example.test"}, "current_password": {goodPassword}})
		ms := ts.mails(smtp)
		notice := false
		for _, m := range ms {
			notice = notice || (strings.Contains(m.To, "kim@example.test") && strings.Contains(m.Body, "kim.nouveau@example.test"))
		}
		if !notice {
			t.Fatal("the old address was not told")
		}
		link := ts.lastLink(smtp, "kim.nouveau@example.test")
		_, page = b.get(link)
		tok := hiddenRE.FindStringSubmatch(page)[1]
		if res, _ := b.post("/mon-espace/courriel/confirmer", url.Values{"jeton": {tok}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("confirm: %d", res.StatusCode)
		}
		var email string
		_ = d.QueryRow(ctx, `SELECT email FROM people WHERE pseudonym = 'Kim'`).Scan(&email)
		if email != "kim.nouveau@example.test" {
			t.Fatalf("email now %q", email)
		}

		// Organisations: create, another person asks to join, the creator approves; the
		// contribution forms then see it through account.Organisations.
		b.post("/mon-espace/organisations", url.Values{"name": {"Chambre de commerce de Lévis"}, "kind": {"entreprise"}})
		res, page = b.post("/mon-espace/organisations", url.Values{"name": {"chambre de commerce de lévis"}, "kind": {"entreprise"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "porte déjà ce nom") {
			t.Fatalf("duplicate organisation: %d", res.StatusCode)
		}
		var orgID int64
		_ = d.QueryRow(ctx, `SELECT id FROM organisations`).Scan(&orgID)
		luc := ts.browser()
		signUpVerified(t, ts, luc, smtp, "luc@example.test", "Luc")
		luc.post("/connexion", url.Values{"email": {"luc@example.test"}, "password": {goodPassword}})
		_, page = luc.get("/mon-espace/organisations?q=commerce")
		mustContain(t, page, "Chambre de commerce de Lévis", "Demander à rejoindre")
		luc.post("/mon-espace/organisations/rejoindre", url.Values{"organisation": {itoa64(orgID)}})
		var lucID int64
		_ = d.QueryRow(ctx, `SELECT id FROM people WHERE pseudonym = 'Luc'`).Scan(&lucID)
		if orgs, _ := account.Organisations(ctx, d, lucID); len(orgs) != 0 {
			t.Fatal("pending member can contribute in the organisation's name")
		}
		// Luc cannot approve himself.
		if res, _ := luc.post("/mon-espace/organisations/decision", url.Values{"organisation": {itoa64(orgID)}, "person": {itoa64(lucID)}, "decision": {"approve"}}); res.StatusCode != http.StatusNotFound {
			t.Fatalf("self-approval: %d", res.StatusCode)
		}
		_, page = b.get("/mon-espace/organisations")
		mustContain(t, page, "Luc", "Accepter")
		b.post("/mon-espace/organisations/decision", url.Values{"organisation": {itoa64(orgID)}, "person": {itoa64(lucID)}, "decision": {"approve"}})
		orgs, err := account.Organisations(ctx, d, lucID)
		if err != nil || len(orgs) != 1 || orgs[0].Name != "Chambre de commerce de Lévis" {
			t.Fatalf("organisations of Luc: %+v %v", orgs, err)
		}
	})
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

// The language chosen in the profile is where "Mon espace" opens after sign-in.
func TestAccountLanguagePreference(t *testing.T) {
	ts, smtp := newMailTestServer(t, dbtest.SQLite(t))
	b := ts.browser()
	signUpVerified(t, ts, b, smtp, "emma@example.test", "Emma")
	b.post("/connexion", url.Values{"email": {"emma@example.test"}, "password": {goodPassword}})
	if res, _ := b.post("/mon-espace", url.Values{"pseudonym": {"Emma"}, "locale": {"en"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("profile: %d", res.StatusCode)
	}
	b.post("/deconnexion", nil)
	res, _ := b.post("/connexion", url.Values{"email": {"emma@example.test"}, "password": {goodPassword}})
	if loc := res.Header.Get("Location"); loc != "/en/mon-espace" {
		t.Fatalf("after sign-in: %q", loc)
	}
	_, page := b.get("/en/mon-espace")
	mustContain(t, page, "My data", `lang="en-CA"`)
}
