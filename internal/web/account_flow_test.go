package web

import (
	"archive/zip"
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"participe/internal/db"
	"participe/internal/db/dbtest"
)

const goodPassword = "velo rouge sous la pluie de mars"

func signUp(t *testing.T, b *browser, email, pseudo, pw string) {
	t.Helper()
	res, body := b.post("/inscription", url.Values{"email": {email}, "pseudonym": {pseudo}, "password": {pw}, "terms": {"1"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/inscription/envoye" {
		t.Fatalf("sign-up: %d %s\n%s", res.StatusCode, res.Header.Get("Location"), snippet(body))
	}
}

// verifyByMail follows the verification link received by email.
func verifyByMail(t *testing.T, ts *testServer, b *browser, smtp interface{}, link string) {
	t.Helper()
	res, body := b.get(link)
	if res.StatusCode != 200 {
		t.Fatalf("verify page: %d", res.StatusCode)
	}
	tok := hiddenRE.FindStringSubmatch(body)
	if tok == nil {
		t.Fatalf("no token on verify page:\n%s", snippet(body))
	}
	res, body = b.post("/inscription/confirmer", url.Values{"jeton": {tok[1]}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("verify: %d\n%s", res.StatusCode, snippet(body))
	}
}

func TestAccountSignUpVerifySignInTOTP(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ts, smtp := newMailTestServer(t, d)
		b := ts.browser()
		if res, body := b.get("/inscription"); res.StatusCode != 200 {
			t.Fatalf("GET /inscription: %d %s", res.StatusCode, snippet(body))
		}
		// A weak password is refused with a helpful message; what was typed stays, never the password.
		res, body := b.post("/inscription", url.Values{"email": {"Alice@Example.test"}, "pseudonym": {"Alice"}, "password": {"motdepasse123"}, "terms": {"1"}})
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("weak password: %d", res.StatusCode)
		}
		mustContain(t, body, "trop courant", `value="Alice@Example.test"`, `value="Alice"`, "<title>Erreur")
		if strings.Contains(body, "motdepasse123") {
			t.Fatal("the password was echoed back")
		}
		// Invalid email and missing consent together.
		_, body = b.post("/inscription", url.Values{"email": {"pas une adresse"}, "pseudonym": {"Alice"}, "password": {goodPassword}})
		mustContain(t, body, "adresse courriel valide", "acceptez les conditions")

		signUp(t, b, "alice@example.test", "Alice", goodPassword)
		// Before verification, sign-in explains what to do.
		_, body = b.post("/connexion", url.Values{"email": {"alice@example.test"}, "password": {goodPassword}})
		mustContain(t, body, "Confirmez d")

		link := ts.lastLink(smtp, "alice@example.test")
		if !strings.HasPrefix(link, "/inscription/confirmer?jeton=") {
			t.Fatalf("verification link: %s", link)
		}
		verifyByMail(t, ts, b, smtp, link)
		// The link is single use.
		_, body = b.get(link)
		tok := hiddenRE.FindStringSubmatch(body)
		res, body = b.post("/inscription/confirmer", url.Values{"jeton": {tok[1]}})
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("reused link: %d", res.StatusCode)
		}
		mustContain(t, body, "déjà été utilisé")

		// Sign-up with a taken address answers the same, and mails the owner.
		b2 := ts.browser()
		signUp(t, b2, "alice@example.test", "Mallory", goodPassword)
		ms := ts.mails(smtp)
		if last := ms[len(ms)-1]; !strings.Contains(last.Subject, "Tentative") {
			t.Fatalf("owner not told: %+v", last)
		}

		// Wrong password: generic message, email kept.
		res, body = b.post("/connexion", url.Values{"email": {"alice@example.test"}, "password": {"pas le bon mot de passe"}})
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("wrong password: %d", res.StatusCode)
		}
		mustContain(t, body, "n&#39;est pas le bon", `value="alice@example.test"`)
		// Open redirect through ?next= is closed.
		res, _ = b.post("/connexion", url.Values{"email": {"alice@example.test"}, "password": {goodPassword}, "next": {"//evil.example/x"}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/mon-espace" {
			t.Fatalf("sign-in: %d %q", res.StatusCode, res.Header.Get("Location"))
		}
		res, body = b.get("/mon-espace")
		if res.StatusCode != 200 {
			t.Fatalf("mon espace: %d", res.StatusCode)
		}
		mustContain(t, body, `value="Alice"`, "Mes contributions", "/mon-espace/suivis")

		// Enrol a second factor.
		_, body = b.get("/mon-espace/securite/2fa")
		m := secretRE.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no secret shown:\n%s", snippet(body))
		}
		secret := m[1]
		mustContain(t, body, `src="data:image/png;base64,`)
		res, _ = b.post("/mon-espace/securite/2fa", url.Values{"code": {"000000"}})
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("wrong enrolment code: %d", res.StatusCode)
		}
		res, body = b.post("/mon-espace/securite/2fa", url.Values{"code": {totpCode(t, secret, ts.clock.Now())}})
		if res.StatusCode != 200 || !strings.Contains(body, "recovery-codes") {
			t.Fatalf("enrol: %d\n%s", res.StatusCode, snippet(body))
		}
		recovery := regexpAll(`<li><code>([a-z0-9]{5}-[a-z0-9]{5})</code></li>`, body)
		if len(recovery) != 10 {
			t.Fatalf("recovery codes: %v", recovery)
		}

		// Sign out, then in again: the code is asked; the code used at enrolment is refused (replay).
		res, _ = b.post("/deconnexion", nil)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign-out: %d", res.StatusCode)
		}
		res, _ = b.post("/connexion", url.Values{"email": {"alice@example.test"}, "password": {goodPassword}, "next": {"/mon-espace/donnees"}})
		if loc := res.Header.Get("Location"); loc != "/connexion/verification" {
			t.Fatalf("2FA not asked: %q", loc)
		}
		if res, _ := b.get("/mon-espace"); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("session open before the second factor: %d", res.StatusCode)
		}
		used := totpCode(t, secret, ts.clock.Now())
		res, body = b.post("/connexion/verification", url.Values{"code": {used}})
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("replayed code accepted: %d", res.StatusCode)
		}
		mustContain(t, body, "déjà été utilisé")
		ts.clock.Advance(30 * time.Second)
		res, _ = b.post("/connexion/verification", url.Values{"code": {totpCode(t, secret, ts.clock.Now())}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/mon-espace/donnees" {
			t.Fatalf("2FA: %d %q", res.StatusCode, res.Header.Get("Location"))
		}

		// A recovery code works once.
		b.post("/deconnexion", nil)
		b.post("/connexion", url.Values{"email": {"alice@example.test"}, "password": {goodPassword}})
		res, _ = b.post("/connexion/verification", url.Values{"code": {strings.ToUpper(recovery[0])}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("recovery code: %d", res.StatusCode)
		}
		b.post("/deconnexion", nil)
		b.post("/connexion", url.Values{"email": {"alice@example.test"}, "password": {goodPassword}})
		if res, _ = b.post("/connexion/verification", url.Values{"code": {recovery[0]}}); res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("reused recovery code: %d", res.StatusCode)
		}
	})
}

func regexpAll(pattern, s string) []string {
	var out []string
	for _, m := range mustRE(pattern).FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestAccountPasswordReset(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ts, smtp := newMailTestServer(t, d)
		b := ts.browser()
		signUpVerified(t, ts, b, smtp, "bob@example.test", "Bob")
		// A second browser is signed in; a reset signs it out.
		other := ts.browser()
		other.post("/connexion", url.Values{"email": {"bob@example.test"}, "password": {goodPassword}})
		if res, _ := other.get("/mon-espace"); res.StatusCode != 200 {
			t.Fatalf("other session: %d", res.StatusCode)
		}

		// Same answer for known and unknown addresses.
		r1, _ := b.post("/mot-de-passe-oublie", url.Values{"email": {"bob@example.test"}})
		r2, _ := b.post("/mot-de-passe-oublie", url.Values{"email": {"nobody@example.test"}})
		if r1.StatusCode != r2.StatusCode || r1.Header.Get("Location") != r2.Header.Get("Location") {
			t.Fatalf("enumeration: %d %q vs %d %q", r1.StatusCode, r1.Header.Get("Location"), r2.StatusCode, r2.Header.Get("Location"))
		}
		for _, m := range ts.mails(smtp) {
			if strings.Contains(m.To, "nobody@") {
				t.Fatal("mail sent to an unknown address")
			}
		}
		link := ts.lastLink(smtp, "bob@example.test")
		if !strings.HasPrefix(link, "/mot-de-passe-oublie/nouveau?jeton=") {
			t.Fatalf("reset link %s", link)
		}
		_, body := b.get(link)
		tok := hiddenRE.FindStringSubmatch(body)[1]
		// Weak new password: error, link still usable.
		res, body := b.post("/mot-de-passe-oublie/nouveau", url.Values{"jeton": {tok}, "password": {"court"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "12 caractères") {
			t.Fatalf("short password: %d", res.StatusCode)
		}
		res, _ = b.post("/mot-de-passe-oublie/nouveau", url.Values{"jeton": {tok}, "password": {"un tout autre mot de passe solide"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("reset: %d", res.StatusCode)
		}
		if res, _ := other.get("/mon-espace"); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("other session survived the reset: %d", res.StatusCode)
		}
		res, body = b.post("/mot-de-passe-oublie/nouveau", url.Values{"jeton": {tok}, "password": {"encore un autre mot de passe"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "déjà été utilisé") {
			t.Fatalf("reused reset link: %d", res.StatusCode)
		}
		// An expired link is refused.
		b.post("/mot-de-passe-oublie", url.Values{"email": {"bob@example.test"}})
		link = ts.lastLink(smtp, "bob@example.test")
		ts.clock.Advance(2 * time.Hour)
		res, body = b.get(link)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "expiré") {
			t.Fatalf("expired link: %d", res.StatusCode)
		}
		res, _ = b.post("/connexion", url.Values{"email": {"bob@example.test"}, "password": {"un tout autre mot de passe solide"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign in with the new password: %d", res.StatusCode)
		}
	})
}

func TestAccountLockoutAndRateLimit(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ts, smtp := newMailTestServer(t, d)
		b := ts.browser()
		signUpVerified(t, ts, b, smtp, "carole@example.test", "Carole")
		for i := 0; i < 5; i++ {
			b.post("/connexion", url.Values{"email": {"carole@example.test"}, "password": {"mauvais mot de passe " + string(rune('a'+i))}})
		}
		res, body := b.post("/connexion", url.Values{"email": {"carole@example.test"}, "password": {goodPassword}})
		if res.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "Trop d") {
			t.Fatalf("lockout: %d", res.StatusCode)
		}
		ts.clock.Advance(2 * time.Minute)
		if res, _ = b.post("/connexion", url.Values{"email": {"carole@example.test"}, "password": {goodPassword}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("after the lock: %d", res.StatusCode)
		}
		// Per-account limit also applies to unknown addresses (same behaviour).
		var last int
		for i := 0; i < 12; i++ {
			r, _ := b.post("/connexion", url.Values{"email": {"inconnu@example.test"}, "password": {"nimporte quoi du tout"}})
			last = r.StatusCode
		}
		if last != http.StatusTooManyRequests {
			t.Fatalf("rate limit: %d", last)
		}
	})
}

func TestAccountCSRFRefused(t *testing.T) {
	ts := newTestServer(t, dbtest.SQLite(t))
	for _, path := range []string{"/inscription", "/connexion", "/mot-de-passe-oublie", "/mon-espace", "/deconnexion", "/admin/themes/nouveau"} {
		req, _ := http.NewRequest(http.MethodPost, path, strings.NewReader("email=a%40b.test&password=x"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		res, _ := ts.do(req)
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("cross-site POST %s: %d, want 403", path, res.StatusCode)
		}
		req, _ = http.NewRequest(http.MethodPost, "http://participe.test"+path, strings.NewReader("email=a%40b.test"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", "https://evil.example")
		if res, _ := ts.do(req); res.StatusCode != http.StatusForbidden {
			t.Errorf("foreign Origin POST %s: %d, want 403", path, res.StatusCode)
		}
	}
}

func TestAccountOversizedForm(t *testing.T) {
	ts := newTestServer(t, dbtest.SQLite(t))
	big := strings.Repeat("a", int(ts.Cfg.MaxBodyBytes)+10)
	res, body := ts.postForm("/connexion", url.Values{"email": {"x@y.test"}, "password": {big}})
	if res.StatusCode >= 500 {
		t.Fatalf("oversized form: %d", res.StatusCode)
	}
	if !strings.Contains(body, "trop volumineux") {
		t.Fatalf("no message:\n%s", snippet(body))
	}
}

func TestAccountDataExportAndDelete(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ts, smtp := newMailTestServer(t, d)
		b := ts.browser()
		signUpVerified(t, ts, b, smtp, "dany@example.test", "Dany")
		b.post("/connexion", url.Values{"email": {"dany@example.test"}, "password": {goodPassword}})
		if _, err := d.Exec(context.Background(), `INSERT INTO regions (code, name_fr, name_en) VALUES ('06', 'Montréal', 'Montréal')`); err != nil {
			t.Fatal(err)
		}
		if res, body := b.post("/mon-espace", url.Values{"pseudonym": {"Dany B."}, "region": {"06"}, "age_group": {"25-34"}, "locale": {"fr"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("profile: %d\n%s", res.StatusCode, snippet(body))
		}
		b.post("/mon-espace", url.Values{"pseudonym": {"Dany B."}, "region": {"06"}, "age_group": {"25-34"}, "locale": {"fr"}})
		b.post("/mon-espace/organisations", url.Values{"name": {"Coop du quartier"}, "kind": {"association"}})
		_, body := b.get("/mon-espace/donnees")
		mustContain(t, body, "2026-11", "Conditions d")

		res, zbody := b.get("/mon-espace/donnees/export")
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/zip" {
			t.Fatalf("export: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
		zr, err := zip.NewReader(bytes.NewReader([]byte(zbody)), int64(len(zbody)))
		if err != nil {
			t.Fatal(err)
		}
		files := map[string]string{}
		for _, f := range zr.File {
			rc, _ := f.Open()
			var buf bytes.Buffer
			_, _ = buf.ReadFrom(rc)
			rc.Close()
			files[f.Name] = buf.String()
		}
		for _, want := range []string{"profile.json", "consents.json", "person_sessions.json", "organisation_members.json", "staff_roles.json"} {
			if _, ok := files[want]; !ok {
				t.Errorf("export lacks %s (has %v)", want, keys(files))
			}
		}
		mustContain(t, files["profile.json"], "dany@example.test", `"age_group": "25-34"`)
		for name, content := range files {
			if strings.Contains(content, "argon2id") || strings.Contains(content, "token_hash") {
				t.Errorf("%s leaks a secret", name)
			}
		}

		// Deleting needs the password and the confirmation.
		res, _ = b.post("/mon-espace/supprimer", url.Values{"password": {goodPassword}})
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("delete without confirmation: %d", res.StatusCode)
		}
		res, _ = b.post("/mon-espace/supprimer", url.Values{"password": {goodPassword}, "confirm": {"1"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("delete: %d", res.StatusCode)
		}
		var email *string
		var pseudo string
		if err := d.QueryRow(context.Background(), `SELECT email, pseudonym FROM people WHERE pseudonym = ?`, "Personne participante anonyme").Scan(&email, &pseudo); err != nil {
			t.Fatal(err)
		}
		if email != nil {
			t.Fatalf("email kept: %v", *email)
		}
		if res, _ := b.get("/mon-espace"); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("still signed in after deletion: %d", res.StatusCode)
		}
		res, _ = b.post("/connexion", url.Values{"email": {"dany@example.test"}, "password": {goodPassword}})
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("deleted account signs in: %d", res.StatusCode)
		}
	})
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
