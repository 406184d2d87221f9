package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"participe/internal/catalog"
	"participe/internal/db"
	"participe/internal/db/dbtest"
	"participe/internal/participe"
)

// Staff must pass a second factor before any back-office page.
func TestAdminRequiresSecondFactor(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ts, smtp := newMailTestServer(t, d)
		bodyID := insertID(t, d, `INSERT INTO bodies (slug, name_fr, kind) VALUES ('corps', 'Organisme', 'ministere') RETURNING id`)
		b := ts.browser()
		signUpVerified(t, ts, b, smtp, "gina@example.test", "Gina")
		var id int64
		_ = d.QueryRow(context.Background(), `SELECT id FROM people WHERE email = ?`, "gina@example.test").Scan(&id)
		if _, err := d.Exec(context.Background(), `INSERT INTO staff_roles (person_id, body_id, role) VALUES (?, ?, ?)`, id, bodyID, participe.RoleManager); err != nil {
			t.Fatal(err)
		}
		res, _ := b.post("/connexion", url.Values{"email": {"gina@example.test"}, "password": {goodPassword}, "next": {"/admin"}})
		if loc := res.Header.Get("Location"); loc != "/mon-espace/securite/2fa" {
			t.Fatalf("staff without 2FA sent to %q", loc)
		}
		res, _ = b.get("/admin")
		if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != "/mon-espace/securite/2fa" {
			t.Fatalf("/admin without 2FA: %d %q", res.StatusCode, loc)
		}
		if res, _ := b.post("/admin/initiatives/1/etat", url.Values{"state": {"published"}}); res.StatusCode != http.StatusForbidden {
			t.Fatalf("POST without 2FA: %d", res.StatusCode)
		}
		_, body := b.get("/mon-espace/securite/2fa")
		mustContain(t, body, "Les membres du personnel doivent")
		secret := secretRE.FindStringSubmatch(body)[1]
		b.post("/mon-espace/securite/2fa", url.Values{"code": {totpCode(t, secret, ts.clock.Now())}})
		if res, _ := b.get("/admin"); res.StatusCode != 200 {
			t.Fatalf("/admin after enrolment: %d", res.StatusCode)
		}
		// A new session must type the code before /admin, then comes back to it.
		b2 := ts.browser()
		res, _ = b2.post("/connexion", url.Values{"email": {"gina@example.test"}, "password": {goodPassword}, "next": {"/admin/organismes/" + strconv.FormatInt(bodyID, 10)}})
		if res.Header.Get("Location") != "/connexion/verification" {
			t.Fatalf("no code asked: %q", res.Header.Get("Location"))
		}
		ts.clock.Advance(31 * time.Second)
		res, _ = b2.post("/connexion/verification", url.Values{"code": {totpCode(t, secret, ts.clock.Now())}})
		if res.Header.Get("Location") != "/admin/organismes/"+strconv.FormatInt(bodyID, 10) {
			t.Fatalf("after code: %q", res.Header.Get("Location"))
		}
		// Staff cannot turn the second factor off.
		ts.clock.Advance(31 * time.Second)
		res, _ = b2.post("/mon-espace/securite/2fa/desactiver", url.Values{"code": {totpCode(t, secret, ts.clock.Now())}})
		if res.StatusCode != http.StatusForbidden {
			t.Fatalf("staff disabled 2FA: %d", res.StatusCode)
		}
	})
}

// A body admin invites a person by email; the person signs up, follows the link and
// gets the role; the journal shows both actions.
func TestAdminInvitationAndInitiative(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ts, smtp := newMailTestServer(t, d)
		ctx := context.Background()
		var bodyID, themeID int64
		bodyID = insertID(t, d, `INSERT INTO bodies (slug, name_fr, kind) VALUES ('sct', 'Secrétariat du Conseil du trésor', 'ministere') RETURNING id`)
		themeID = insertID(t, d, `INSERT INTO themes (slug, name_fr) VALUES ('gouvernance', 'Gouvernance') RETURNING id`)
		_, _ = d.Exec(ctx, `INSERT INTO regions (code, name_fr, name_en) VALUES ('03', 'Capitale-Nationale', 'Capitale-Nationale')`)
		admin := ts.createPerson("AdminSCT", false, participe.Role{BodyID: bodyID, Role: participe.RoleBodyAdmin})
		ac := ts.sessionFor(admin)
		body := strconv.FormatInt(bodyID, 10)
		res, page := ts.postForm("/admin/organismes/"+body+"/personnel/inviter", url.Values{"email": {"pas-une-adresse"}, "role": {"manager"}}, ac)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `value="pas-une-adresse"`) {
			t.Fatalf("bad invite: %d", res.StatusCode)
		}
		res, _ = ts.postForm("/admin/organismes/"+body+"/personnel/inviter", url.Values{"email": {"henri@example.test"}, "role": {"manager"}}, ac)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("invite: %d", res.StatusCode)
		}
		invite := ts.lastLink(smtp, "henri@example.test")
		if !strings.HasPrefix(invite, "/invitation?jeton=") {
			t.Fatalf("invitation link %s", invite)
		}
		b := ts.browser()
		_, page = b.get(invite)
		mustContain(t, page, "Secrétariat du Conseil du trésor", "Responsable d")
		signUpVerified(t, ts, b, smtp, "henri@example.test", "Henri")
		b.post("/connexion", url.Values{"email": {"henri@example.test"}, "password": {goodPassword}})
		tok := hiddenRE.FindStringSubmatch(func() string { _, p := b.get(invite); return p }())[1]
		res, _ = b.post("/invitation", url.Values{"jeton": {tok}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("accept: %d", res.StatusCode)
		}
		if res, _ = b.post("/invitation", url.Values{"jeton": {tok}}); res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("invitation reused: %d", res.StatusCode)
		}
		var henri int64
		_ = d.QueryRow(ctx, `SELECT person_id FROM staff_roles WHERE role = 'manager' AND body_id = ?`, bodyID).Scan(&henri)
		if henri == 0 {
			t.Fatal("role not granted")
		}

		// The manager creates an initiative with every fiche field; bad dates keep what was typed.
		mc := ts.sessionFor(henri)
		form := url.Values{"title_fr": {"Vers le gouvernement du futur"}, "title_en": {"Towards the government of the future"},
			"summary_fr": {"Dialogue sur l'avenir des services publics"}, "summary_en": {"A dialogue on public services"},
			"kind": {"consultation"}, "starts_at": {"2026-12-01T09:00"}, "ends_at": {"2026-11-01T09:00"},
			"description_fr": {"Une **description**"}, "how_fr": {"Comment"}, "use_fr": {"Usage"}, "accessibility_fr": {"Sous-titres"},
			"partners_fr": {"ENAP"}, "contact_name": {"Julie"}, "contact_email": {"julie@sct.test"}, "contact_phone": {"418 555-0000"},
			"themes": {strconv.FormatInt(themeID, 10)}, "regions": {"03"}, "audiences": {"population", "jeunes"},
			"modes": {"online", "in_person"}, "mode-in_person-address": {"875, Grande Allée Est"}, "mode-in_person-details_fr": {"Salle 1"}}
		res, page = ts.postForm("/admin/organismes/"+body+"/initiatives/nouvelle", form, mc)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("dates in the wrong order: %d", res.StatusCode)
		}
		mustContain(t, page, "La fin doit venir après le début", `value="2026-11-01T09:00"`, "Vers le gouvernement du futur", "875, Grande Allée Est")
		form.Set("ends_at", "2027-01-31T17:00")
		res, _ = ts.postForm("/admin/organismes/"+body+"/initiatives/nouvelle", form, mc)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create: %d", res.StatusCode)
		}
		loc := res.Header.Get("Location")
		id, _ := strconv.ParseInt(strings.TrimPrefix(loc, "/admin/initiatives/"), 10, 64)
		cat := catalog.New(d, ts.clock)
		i, err := cat.InitiativeByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if i.State != catalog.StateDraft || i.Slug != "vers-le-gouvernement-du-futur" || len(i.Themes) != 1 || len(i.Regions) != 1 ||
			len(i.Audiences) != 2 || len(i.Modes) != 2 || i.ContactEmail != "julie@sct.test" || i.StartsAt.Hour() != 14 {
			t.Fatalf("saved initiative: %+v", i)
		}
		if _, err := cat.Initiative(ctx, i.Slug); err == nil {
			t.Fatal("a draft is public")
		}
		_, page = ts.get("/admin/initiatives/"+strconv.FormatInt(id, 10)+"/apercu", mc)
		mustContain(t, page, "Vers le gouvernement du futur", "<strong>description</strong>", "875, Grande Allée Est")
		// Scheduling needs a future date; publishing makes it public.
		res, _ = ts.postForm(loc+"/etat", url.Values{"state": {"scheduled"}, "publish_at": {"2020-01-01T00:00"}}, mc)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("schedule in the past: %d", res.StatusCode)
		}
		res, _ = ts.postForm(loc+"/etat", url.Values{"state": {"published"}}, mc)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("publish: %d", res.StatusCode)
		}
		if _, err := cat.Initiative(ctx, i.Slug); err != nil {
			t.Fatalf("published initiative not public: %v", err)
		}
		// The body list filters by state.
		_, page = ts.get("/admin/organismes/"+body+"?etat=draft", mc)
		mustContain(t, page, "Aucune initiative")
		_, page = ts.get("/admin/organismes/"+body+"?etat=published", mc)
		mustContain(t, page, "Vers le gouvernement du futur")

		// The journal shows who did what; managers cannot read it.
		_, page = ts.get("/admin/journal", ac)
		mustContain(t, page, "staff.invite", "staff.accept", "initiative.create", "initiative.state", "Henri")
		if res, _ := ts.get("/admin/journal", mc); res.StatusCode != http.StatusForbidden {
			t.Fatalf("manager reads the journal: %d", res.StatusCode)
		}
		// The journal cannot be changed: no route writes to it.
		for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete} {
			req, _ := http.NewRequest(m, "/admin/journal", nil)
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			req.AddCookie(ac)
			if res, _ := ts.do(req); res.StatusCode < 400 {
				t.Fatalf("%s /admin/journal: %d", m, res.StatusCode)
			}
		}
	})
}

func insertID(t *testing.T, d *db.DB, q string, args ...any) int64 {
	t.Helper()
	var id int64
	err := d.Write(context.Background(), func(tx *db.Tx) error {
		var err error
		id, err = tx.InsertID(context.Background(), q, args...)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}
