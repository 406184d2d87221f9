package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"participe/internal/db"
	"participe/internal/db/dbtest"
	"participe/internal/participe"
)

func TestRetentionPage(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ts := newTestServer(t, d)
		ctx := context.Background()
		var bodyA, bodyB int64
		for slug, id := range map[string]*int64{"org-a": &bodyA, "org-b": &bodyB} {
			err := d.Write(ctx, func(tx *db.Tx) error {
				var err error
				*id, err = tx.InsertID(ctx, `INSERT INTO bodies (slug, name_fr, name_en) VALUES (?, ?, ?) RETURNING id`, slug, "Organisme "+slug, "Body "+slug)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		admin := ts.sessionFor(ts.createPerson("AdminA", false, participe.Role{BodyID: bodyA, Role: participe.RoleBodyAdmin}))
		manager := ts.sessionFor(ts.createPerson("GestionA", false, participe.Role{BodyID: bodyA, Role: participe.RoleManager}))
		other := ts.sessionFor(ts.createPerson("AdminB", false, participe.Role{BodyID: bodyB, Role: participe.RoleBodyAdmin}))
		path := "/admin/organismes/" + strconv.FormatInt(bodyA, 10) + "/conservation"

		// Staff without a second factor in this session are sent to type their code.
		noMFA := func() *http.Cookie {
			id := ts.createPerson("SansCode", false, participe.Role{BodyID: bodyA, Role: participe.RoleBodyAdmin})
			h := ts.Sessions.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if err := ts.SignIn(r.Context(), id, false); err != nil {
					t.Fatal(err)
				}
			}))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
			return rec.Result().Cookies()[0]
		}()
		if res, _ := ts.get(path, noMFA); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("staff without second factor: %d", res.StatusCode)
		}
		if res, _ := ts.postForm(path, url.Values{"audit_log": {"1"}}, noMFA); res.StatusCode != http.StatusForbidden {
			t.Fatalf("staff without second factor saves: %d", res.StatusCode)
		}

		res, body := ts.get(path, admin)
		if res.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("back-office page cacheable")
		}
		if res.StatusCode != http.StatusOK || !strings.Contains(body, "Plan de conservation") || !strings.Contains(body, "Organisme org-a") ||
			!strings.Contains(body, "Renseignements personnels") || !strings.Contains(body, `name="audit_log"`) {
			t.Fatalf("admin: %d\n%s", res.StatusCode, body)
		}
		if !strings.Contains(body, "730\u00a0jours") && !strings.Contains(body, "730 jours") {
			t.Errorf("default period not shown")
		}
		res, body = ts.get(path, manager)
		if res.StatusCode != http.StatusOK || strings.Contains(body, `name="audit_log"`) {
			t.Fatalf("manager sees the plan, without the form: %d", res.StatusCode)
		}
		if res, _ = ts.get(path, other); res.StatusCode != http.StatusForbidden {
			t.Fatalf("admin of another body: %d", res.StatusCode)
		}
		if res, _ = ts.get(path); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("visitor: %d", res.StatusCode)
		}
		if res, _ = ts.get("/admin/organismes/abc/conservation", admin); res.StatusCode != http.StatusNotFound {
			t.Fatalf("bad id: %d", res.StatusCode)
		}
		if res, body = ts.get("/en"+path, admin); res.StatusCode != http.StatusOK || !strings.Contains(body, "Records retention plan") {
			t.Fatalf("English: %d", res.StatusCode)
		}

		// A bad value: the form comes back with the error and what was typed.
		form := url.Values{"personal_data": {"365"}, "contributions": {"0"}, "moderation_log": {"-4"}, "audit_log": {"2555"}}
		res, body = ts.postForm(path, form, admin)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "entre 0 et 36") || !strings.Contains(body, `value="-4"`) {
			t.Fatalf("bad value: %d\n%s", res.StatusCode, body)
		}
		if res, _ = ts.postForm(path, form, manager); res.StatusCode != http.StatusForbidden {
			t.Fatalf("manager saves: %d", res.StatusCode)
		}
		form.Set("moderation_log", "90")
		if res, _ = ts.postForm(path, form, other); res.StatusCode != http.StatusForbidden {
			t.Fatalf("admin of B saves A's plan: %d", res.StatusCode)
		}
		if res, _ = ts.postForm(path, form, admin); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d", res.StatusCode)
		}
		var days int
		if err := d.QueryRow(ctx, `SELECT days FROM retention_policies WHERE body_id = ? AND kind = 'moderation_log'`, bodyA).Scan(&days); err != nil || days != 90 {
			t.Fatalf("saved %d %v", days, err)
		}
		if _, body = ts.get(path, admin); !strings.Contains(body, "90\u00a0jours") && !strings.Contains(body, "90 jours") {
			t.Errorf("new period not shown")
		}
	})
}
