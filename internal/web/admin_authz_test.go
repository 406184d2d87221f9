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

// Actors of the authorization test. Body A is the body under test; staff of body B
// must be refused everything of body A.
const (
	actAnon        = "anonymous"
	actParticipant = "participant"
	actABodyAdmin  = "a_body_admin"
	actAManager    = "a_manager"
	actAModerator  = "a_moderator"
	actAAnalyst    = "a_analyst"
	actBBodyAdmin  = "b_body_admin"
	actPlatform    = "platform"
)

var allActors = []string{actAnon, actParticipant, actABodyAdmin, actAManager, actAModerator, actAAnalyst, actBBodyAdmin, actPlatform}

// Role sets used by the table.
var (
	allStaff     = []string{actABodyAdmin, actAManager, actAModerator, actAAnalyst, actBBodyAdmin, actPlatform}
	staffOfA     = []string{actABodyAdmin, actAManager, actAModerator, actAAnalyst, actPlatform}
	adminsOfA    = []string{actABodyAdmin, actPlatform}
	managersOfA  = []string{actABodyAdmin, actAManager, actPlatform}
	platformOnly = []string{actPlatform}
)

// adminRouteCase is one back-office route and who may use it. Paths may contain
// {bodyA}, {bodyB}, {initA}, {initB}, {theme} and {target} (a staff member of body A).
type adminRouteCase struct {
	Method string
	Path   string
	Form   url.Values
	Allow  []string
}

// adminRouteCases lists EVERY /admin route. Other areas add theirs from their own
// test files: func init() { adminRouteCases = append(adminRouteCases, adminRouteCase{…}) }.
var adminRouteCases = []adminRouteCase{
	{"GET", "/admin", nil, allStaff},
	{"GET", "/en/admin", nil, allStaff},
	{"GET", "/admin/organismes/nouveau", nil, platformOnly},
	{"POST", "/admin/organismes/nouveau", url.Values{"slug": {"organisme-{actor}"}, "name_fr": {"Nouvel organisme"}, "kind": {"organisme"}}, platformOnly},
	{"GET", "/admin/organismes/{bodyA}", nil, staffOfA},
	{"GET", "/admin/organismes/{bodyA}?etat=draft&page=2", nil, staffOfA},
	{"GET", "/admin/organismes/{bodyA}/modifier", nil, adminsOfA},
	{"POST", "/admin/organismes/{bodyA}/modifier", url.Values{"slug": {"corps-a"}, "name_fr": {"Organisme A"}, "kind": {"ministere"}}, adminsOfA},
	{"GET", "/admin/organismes/{bodyA}/personnel", nil, adminsOfA},
	{"POST", "/admin/organismes/{bodyA}/personnel/inviter", url.Values{"email": {"nouvelle@example.test"}, "role": {"analyst"}}, adminsOfA},
	{"POST", "/admin/organismes/{bodyA}/personnel/roles", url.Values{"person": {"{target}"}, "role": {"analyst"}}, adminsOfA},
	{"POST", "/admin/organismes/{bodyA}/personnel/retirer", url.Values{"person": {"{target}"}, "role": {"moderator"}}, adminsOfA},
	{"GET", "/admin/organismes/{bodyA}/initiatives/nouvelle", nil, managersOfA},
	{"POST", "/admin/organismes/{bodyA}/initiatives/nouvelle", initiativeForm("nouvelle-{actor}"), managersOfA},
	{"GET", "/admin/initiatives/{initA}", nil, managersOfA},
	{"POST", "/admin/initiatives/{initA}", initiativeForm("initiative-a"), managersOfA},
	{"GET", "/admin/initiatives/{initA}/apercu", nil, staffOfA},
	{"POST", "/admin/initiatives/{initA}/etat", url.Values{"state": {"published"}}, managersOfA},
	{"GET", "/admin/themes", nil, platformOnly},
	{"GET", "/admin/themes/nouveau", nil, platformOnly},
	{"POST", "/admin/themes/nouveau", url.Values{"slug": {"theme-{actor}"}, "name_fr": {"Nouveau thème"}}, platformOnly},
	{"GET", "/admin/themes/{theme}", nil, platformOnly},
	{"POST", "/admin/themes/{theme}", url.Values{"slug": {"theme-a"}, "name_fr": {"Thème A"}}, platformOnly},
	{"GET", "/admin/journal", nil, []string{actABodyAdmin, actBBodyAdmin, actPlatform}},
	{"GET", "/admin/journal?organisme={bodyA}", nil, adminsOfA},
	{"GET", "/en/admin/journal?organisme={bodyA}&action=initiative.update", nil, adminsOfA},
}

func initiativeForm(slug string) url.Values {
	return url.Values{"slug": {slug}, "title_fr": {"Initiative de test"}, "summary_fr": {"Résumé"}, "kind": {"consultation"},
		"starts_at": {"2026-12-01T09:00"}, "ends_at": {"2027-01-15T17:00"}, "modes": {"online", "paper"},
		"mode-paper-address": {"875, Grande Allée Est, Québec"}}
}

// authzFixture creates bodies A and B, an initiative in each, a theme and one person
// per actor; it returns the placeholder values and each actor's person id.
func authzFixture(t *testing.T, ts *testServer) (map[string]string, map[string]int64) {
	t.Helper()
	ctx := context.Background()
	vals := map[string]string{}
	var bodyA, bodyB, theme int64
	err := ts.DB.Write(ctx, func(tx *db.Tx) error {
		var err error
		if bodyA, err = tx.InsertID(ctx, `INSERT INTO bodies (slug, name_fr, kind) VALUES ('corps-a', 'Organisme A', 'ministere') RETURNING id`); err != nil {
			return err
		}
		if bodyB, err = tx.InsertID(ctx, `INSERT INTO bodies (slug, name_fr, kind) VALUES ('corps-b', 'Organisme B', 'ministere') RETURNING id`); err != nil {
			return err
		}
		if theme, err = tx.InsertID(ctx, `INSERT INTO themes (slug, name_fr) VALUES ('theme-a', 'Thème A') RETURNING id`); err != nil {
			return err
		}
		for _, x := range []struct {
			body int64
			slug string
		}{{bodyA, "initiative-a"}, {bodyB, "initiative-b"}} {
			i := &catalog.Initiative{Slug: x.slug, BodyID: x.body, Kind: "consultation", State: catalog.StateDraft, TitleFR: x.slug,
				SummaryFR: "Résumé", StartsAt: testNow.Add(24 * time.Hour), EndsAt: testNow.Add(30 * 24 * time.Hour), CreatedAt: testNow, UpdatedAt: testNow}
			if err := catalog.SaveInitiative(ctx, tx, i); err != nil {
				return err
			}
			vals["{init"+strings.ToUpper(x.slug[len(x.slug)-1:])+"}"] = strconv.FormatInt(i.ID, 10)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	vals["{bodyA}"], vals["{bodyB}"], vals["{theme}"] = strconv.FormatInt(bodyA, 10), strconv.FormatInt(bodyB, 10), strconv.FormatInt(theme, 10)
	ids := map[string]int64{
		actParticipant: ts.createPerson("Participante", false),
		actABodyAdmin:  ts.createPerson("AdminA", false, participe.Role{BodyID: bodyA, Role: participe.RoleBodyAdmin}),
		actAManager:    ts.createPerson("GestionA", false, participe.Role{BodyID: bodyA, Role: participe.RoleManager}),
		actAModerator:  ts.createPerson("ModerationA", false, participe.Role{BodyID: bodyA, Role: participe.RoleModerator}),
		actAAnalyst:    ts.createPerson("AnalyseA", false, participe.Role{BodyID: bodyA, Role: participe.RoleAnalyst}),
		actBBodyAdmin:  ts.createPerson("AdminB", false, participe.Role{BodyID: bodyB, Role: participe.RoleBodyAdmin}),
		actPlatform:    ts.createPerson("Plateforme", true),
	}
	vals["{target}"] = strconv.FormatInt(ts.createPerson("Cible", false, participe.Role{BodyID: bodyA, Role: participe.RoleManager}), 10)
	return vals, ids
}

func expand(s string, vals map[string]string) string {
	for k, v := range vals {
		s = strings.ReplaceAll(s, k, v)
	}
	return s
}

// TestAdminAuthorization runs every back-office route as every kind of actor and
// checks that exactly the allowed ones get through (both engines).
func TestAdminAuthorization(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ts := newTestServer(t, d)
		vals, ids := authzFixture(t, ts)
		cookies := map[string]*http.Cookie{}
		for _, a := range allActors {
			if a != actAnon {
				cookies[a] = ts.sessionFor(ids[a])
			}
		}
		for _, rc := range adminRouteCases {
			for _, actor := range allActors {
				// Revoking needs the role to be there each time.
				if strings.HasSuffix(rc.Path, "/retirer") {
					_, _ = d.Exec(context.Background(), `INSERT INTO staff_roles (person_id, body_id, role, granted_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
						vals["{target}"], vals["{bodyA}"], "moderator", db.T(testNow))
				}
				vals["{actor}"] = strings.ReplaceAll(actor, "_", "-")
				path := expand(rc.Path, vals)
				var res *http.Response
				var body string
				var cs []*http.Cookie
				if c := cookies[actor]; c != nil {
					cs = append(cs, c)
				}
				if rc.Method == http.MethodGet {
					res, body = ts.get(path, cs...)
				} else {
					form := url.Values{}
					for k, vs := range rc.Form {
						for _, v := range vs {
							form.Add(k, expand(v, vals))
						}
					}
					res, body = ts.postForm(path, form, cs...)
				}
				allowed := containsString(rc.Allow, actor)
				st := res.StatusCode
				loc := res.Header.Get("Location")
				got := st < 400 && !strings.Contains(loc, "/connexion")
				if st >= 500 {
					t.Errorf("%s %s as %s: %d (server error)\n%s", rc.Method, path, actor, st, snippet(body))
					continue
				}
				if allowed != got {
					t.Errorf("%s %s as %s: status %d %q, allowed=%v", rc.Method, path, actor, st, loc, allowed)
				}
				if !allowed {
					want := map[int]bool{http.StatusForbidden: true, http.StatusNotFound: true}
					if actor == actAnon {
						want = map[int]bool{http.StatusSeeOther: rc.Method == http.MethodGet, http.StatusUnauthorized: rc.Method != http.MethodGet}
					}
					if !want[st] {
						t.Errorf("%s %s as %s: denied with %d, want 403/404 (anonymous: sign-in)", rc.Method, path, actor, st)
					}
				}
			}
		}
		// Body B's initiative is never reachable by staff of body A, whatever the role.
		for _, actor := range []string{actABodyAdmin, actAManager, actAModerator, actAAnalyst} {
			for _, p := range []string{"/admin/initiatives/{initB}", "/admin/initiatives/{initB}/apercu", "/admin/organismes/{bodyB}", "/admin/organismes/{bodyB}/personnel", "/admin/journal?organisme={bodyB}"} {
				res, _ := ts.get(expand(p, vals), cookies[actor])
				if res.StatusCode != http.StatusForbidden && res.StatusCode != http.StatusNotFound {
					t.Errorf("GET %s as %s: %d, want 403", p, actor, res.StatusCode)
				}
			}
			res, _ := ts.postForm(expand("/admin/initiatives/{initB}/etat", vals), url.Values{"state": {"published"}}, cookies[actor])
			if res.StatusCode != http.StatusForbidden {
				t.Errorf("publish B's initiative as %s: %d", actor, res.StatusCode)
			}
		}
		// Every allowed write was audited, and none of B's rows are in A's journal.
		var n int
		if err := d.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE body_id = ?`, vals["{bodyB}"]).Scan(&n); err != nil || n != 0 {
			t.Errorf("body B audit entries: %d %v", n, err)
		}
		if err := d.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE action = 'initiative.state' AND ip <> ''`).Scan(&n); err != nil || n == 0 {
			t.Errorf("state changes not audited with IP: %d %v", n, err)
		}
	})
}
