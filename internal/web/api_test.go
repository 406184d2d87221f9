package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"participe/internal/api"
	"participe/internal/catalog"
	"participe/internal/db"
	"participe/internal/db/dbtest"
	"participe/internal/participe"
	"participe/internal/results"
)

// TestAPIRoutesInOpenAPI checks that every /api/v1 route the router serves is described
// (path and method) in the OpenAPI document, and that the document has no route the
// router lacks.
func TestAPIRoutesInOpenAPI(t *testing.T) {
	doc := api.Document()
	paths := doc["paths"].(map[string]any)
	h := &apiHandlers{}
	served := map[string]bool{}
	for pattern := range h.routes() {
		method, path, _ := strings.Cut(pattern, " ")
		served[strings.ToLower(method)+" "+path] = true
		ops, ok := paths[path].(map[string]any)
		if !ok {
			t.Errorf("route %s is not in the OpenAPI document", pattern)
			continue
		}
		if _, ok := ops[strings.ToLower(method)]; !ok {
			t.Errorf("route %s: method missing in the OpenAPI document", pattern)
		}
	}
	for path, ops := range paths {
		for m := range ops.(map[string]any) {
			if !served[m+" "+path] {
				t.Errorf("OpenAPI documents %s %s but the router does not serve it", m, path)
			}
		}
	}
}

// apiGet fetches an API path and decodes the JSON.
func (ts *testServer) apiGet(path string) (*http.Response, any) {
	ts.t.Helper()
	res, body := ts.get(path)
	var v any
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		ts.t.Fatalf("GET %s: not JSON (%d): %s", path, res.StatusCode, resSnippet(body))
	}
	return res, v
}

// schemaOf returns the response schema of a path/method/status in the document.
func schemaOf(t *testing.T, doc map[string]any, path, method, status string) map[string]any {
	t.Helper()
	op := doc["paths"].(map[string]any)[path].(map[string]any)[method].(map[string]any)
	resp, ok := op["responses"].(map[string]any)[status].(map[string]any)
	if !ok {
		t.Fatalf("%s %s: status %s not documented", method, path, status)
	}
	if ref, ok := resp["$ref"].(string); ok && strings.HasSuffix(ref, "/Problem") {
		return map[string]any{"$ref": "#/components/schemas/Problem"}
	}
	for _, media := range resp["content"].(map[string]any) {
		return media.(map[string]any)["schema"].(map[string]any)
	}
	t.Fatalf("%s %s %s: no schema", method, path, status)
	return nil
}

// TestAPIResponsesMatchOpenAPI calls every read endpoint on the demo data, pages through
// lists with the cursor, and validates each body against the document's schema.
func TestAPIResponsesMatchOpenAPI(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ts := newTestServer(t, d)
		ts.loadDemo()
		doc := api.Document()
		var fu int64
		if err := d.QueryRow(context.Background(), `SELECT MIN(id) FROM follow_ups`).Scan(&fu); err != nil {
			t.Fatal(err)
		}
		slug := "dialogue-gouvernement-du-futur"
		cases := []struct{ url, path string }{
			{"/api/v1/initiatives?limit=5", "/api/v1/initiatives"},
			{"/api/v1/initiatives?status=results&limit=3", "/api/v1/initiatives"},
			{"/api/v1/initiatives?status=open&body=sct", "/api/v1/initiatives"},
			{"/api/v1/initiatives/" + slug, "/api/v1/initiatives/{slug}"},
			{"/api/v1/initiatives/" + slug + "/results", "/api/v1/initiatives/{slug}/results"},
			{"/api/v1/bodies?limit=4", "/api/v1/bodies"},
			{"/api/v1/themes", "/api/v1/themes"},
			{"/api/v1/contributions?initiative=" + slug + "&limit=50", "/api/v1/contributions"},
			{"/api/v1/contributions?initiative=" + slug + "&kind=argument", "/api/v1/contributions"},
			{"/api/v1/answers?initiative=" + slug, "/api/v1/answers"},
			{"/api/v1/results?limit=4", "/api/v1/results"},
			{"/api/v1/follow-ups?limit=7", "/api/v1/follow-ups"},
			{"/api/v1/follow-ups?initiative=" + slug + "&status=in_progress", "/api/v1/follow-ups"},
			{"/api/v1/follow-ups/" + strconv.FormatInt(fu, 10), "/api/v1/follow-ups/{id}"},
		}
		for _, c := range cases {
			next := c.url
			for page := 0; page < 3 && next != ""; page++ {
				res, v := ts.apiGet(next)
				if res.StatusCode != http.StatusOK {
					t.Fatalf("GET %s: %d %v", next, res.StatusCode, v)
				}
				if err := api.Validate(doc, schemaOf(t, doc, c.path, "get", "200"), v); err != nil {
					t.Errorf("GET %s: response does not match OpenAPI: %v", next, err)
				}
				next = ""
				if m, ok := v.(map[string]any); ok {
					if data, ok := m["data"].([]any); ok && page == 0 && strings.Contains(c.url, "limit=") {
						if len(data) == 0 {
							t.Errorf("GET %s: empty list on demo data", c.url)
						}
					}
					if cur, ok := m["next_cursor"].(string); ok {
						u, _ := url.Parse(c.url)
						q := u.Query()
						q.Set("cursor", cur)
						next = u.Path + "?" + q.Encode()
					}
				}
			}
		}
		// Paging bodies one at a time visits every body exactly once.
		seen := map[string]bool{}
		next := "/api/v1/bodies?limit=1"
		for i := 0; i < 100 && next != ""; i++ {
			_, v := ts.apiGet(next)
			m := v.(map[string]any)
			for _, b := range m["data"].([]any) {
				s := b.(map[string]any)["slug"].(string)
				if seen[s] {
					t.Fatalf("body %s returned twice", s)
				}
				seen[s] = true
			}
			next = ""
			if cur, ok := m["next_cursor"].(string); ok {
				next = "/api/v1/bodies?limit=1&cursor=" + url.QueryEscape(cur)
			}
		}
		var nb int
		_ = d.QueryRow(context.Background(), `SELECT COUNT(*) FROM bodies`).Scan(&nb)
		if len(seen) != nb {
			t.Errorf("paged %d bodies, want %d", len(seen), nb)
		}
		// The OpenAPI document itself is served and is JSON.
		res, v := ts.apiGet("/api/v1/openapi.json")
		if res.StatusCode != 200 || v.(map[string]any)["openapi"] != "3.0.3" {
			t.Errorf("openapi.json: %d", res.StatusCode)
		}
	})
}

// TestAPIBadInput: hostile or wrong requests get a clear problem+json, never a 500.
func TestAPIBadInput(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ts := newTestServer(t, d)
		ts.loadDemo()
		doc := api.Document()
		_, v := ts.apiGet("/api/v1/bodies?limit=2")
		cur := v.(map[string]any)["next_cursor"].(string)
		tampered := []byte(cur)
		tampered[3] ^= 1
		payload, sig, _ := strings.Cut(cur, ".")
		cases := []struct {
			url    string
			status int
		}{
			{"/api/v1/bodies?cursor=" + url.QueryEscape(string(tampered)), 400},
			{"/api/v1/bodies?cursor=" + payload + "." + strings.Repeat("A", len(sig)), 400},
			{"/api/v1/bodies?cursor=not-a-cursor", 400},
			{"/api/v1/bodies?cursor=" + strings.Repeat("x", 2000), 400},
			{"/api/v1/themes?cursor=" + url.QueryEscape(cur), 400},      // cursor of another list
			{"/api/v1/initiatives?cursor=" + url.QueryEscape(cur), 400}, // idem
			{"/api/v1/bodies?limit=0", 400},
			{"/api/v1/bodies?limit=1000", 400},
			{"/api/v1/bodies?limit=abc", 400},
			{"/api/v1/bodies?foo=bar", 400},
			{"/api/v1/initiatives?status=whatever", 400},
			{"/api/v1/contributions", 400},
			{"/api/v1/contributions?initiative=dialogue-gouvernement-du-futur&kind=x", 400},
			{"/api/v1/contributions?initiative=nope", 404},
			{"/api/v1/initiatives/nope", 404},
			{"/api/v1/initiatives/nope/results", 404},
			{"/api/v1/follow-ups/abc", 404},
			{"/api/v1/follow-ups/999999", 404},
			{"/api/v1/follow-ups?status=late", 400},
			{"/api/v1/nothing-here", 404},
		}
		for _, c := range cases {
			res, body := ts.get(c.url)
			if res.StatusCode != c.status {
				t.Errorf("GET %s: status %d, want %d: %s", c.url, res.StatusCode, c.status, resSnippet(body))
				continue
			}
			if ct := res.Header.Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("GET %s: content type %q", c.url, ct)
			}
			var p any
			if err := json.Unmarshal([]byte(body), &p); err != nil {
				t.Fatalf("GET %s: %v", c.url, err)
			}
			if err := api.Validate(doc, map[string]any{"$ref": "#/components/schemas/Problem"}, p); err != nil {
				t.Errorf("GET %s: problem does not match schema: %v", c.url, err)
			}
			if strings.Contains(body, "sql") || strings.Contains(body, "SELECT") {
				t.Errorf("GET %s leaks internals: %s", c.url, body)
			}
		}
	})
}

// apiPost posts JSON with a bearer token.
func (ts *testServer) apiPost(path, token, contentType, body string) (*http.Response, map[string]any) {
	ts.t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, out := ts.do(req)
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		ts.t.Fatalf("POST %s: not JSON (%d): %s", path, res.StatusCode, resSnippet(out))
	}
	return res, m
}

// TestAPIWrite covers the write API: token checks, scopes, body scope, strict JSON and
// the audit log.
func TestAPIWrite(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ts := newTestServer(t, d)
		ts.loadDemo()
		sct, mcn := ts.bodyID("sct"), ts.bodyID("mcn")
		adminA := ts.createPerson("AdminSCT", false, participe.Role{BodyID: sct, Role: participe.RoleBodyAdmin})
		adminB := ts.createPerson("AdminMCN", false, participe.Role{BodyID: mcn, Role: participe.RoleBodyAdmin})
		tokens := api.NewTokens(d, ts.Clock)
		actA := &participe.Actor{PersonID: adminA, Roles: []participe.Role{{BodyID: sct, Role: participe.RoleBodyAdmin}}}
		actB := &participe.Actor{PersonID: adminB, Roles: []participe.Role{{BodyID: mcn, Role: participe.RoleBodyAdmin}}}
		_, fuTok, err := tokens.Create(ctx, actA, "127.0.0.1", sct, "Suivi", []string{api.ScopeFollowUpsWrite})
		if err != nil {
			t.Fatal(err)
		}
		_, ansTok, err := tokens.Create(ctx, actA, "127.0.0.1", sct, "Réponses", []string{api.ScopeAnswersWrite})
		if err != nil {
			t.Fatal(err)
		}
		_, tokB, err := tokens.Create(ctx, actB, "127.0.0.1", mcn, "MCN", []string{api.ScopeFollowUpsWrite, api.ScopeAnswersWrite})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := tokens.Create(ctx, actB, "127.0.0.1", sct, "x", []string{api.ScopeAnswersWrite}); !participe.IsCode(err, participe.EFORBIDDEN) {
			t.Errorf("admin of MCN created a token for SCT: %v", err)
		}
		var stored int
		_ = d.QueryRow(ctx, `SELECT COUNT(*) FROM api_tokens WHERE token_hash = ?`, fuTok).Scan(&stored)
		if stored != 0 {
			t.Fatal("token stored in clear")
		}
		// The dialogue belongs to SCT: its follow-ups are SCT's to update.
		var fu int64
		if err := d.QueryRow(ctx, `SELECT MIN(f.id) FROM follow_ups f JOIN initiatives i ON i.id = f.initiative_id WHERE i.slug = 'dialogue-gouvernement-du-futur'`).Scan(&fu); err != nil {
			t.Fatal(err)
		}
		path := "/api/v1/follow-ups/" + strconv.FormatInt(fu, 10) + "/updates"
		good := `{"status":"in_progress","progress":75,"text_fr":"Étape franchie : projet pilote lancé.","text_en":"Milestone: pilot launched."}`
		cases := []struct {
			name, token, ct, body string
			status                int
		}{
			{"no token", "", "application/json", good, 401},
			{"invalid token", "ptk_nope", "application/json", good, 401},
			{"not a token", "abc", "application/json", good, 401},
			{"wrong scope", ansTok, "application/json", good, 403},
			{"other body", tokB, "application/json", good, 403},
			{"malformed", fuTok, "application/json", `{"status":`, 400},
			{"not an object", fuTok, "application/json", `[1,2]`, 400},
			{"unknown field", fuTok, "application/json", `{"progress":5,"text_fr":"x","admin":true}`, 400},
			{"wrong type", fuTok, "application/json", `{"progress":"high","text_fr":"x"}`, 400},
			{"two objects", fuTok, "application/json", good + good, 400},
			{"empty", fuTok, "application/json", ``, 400},
			{"no progress", fuTok, "application/json", `{"text_fr":"x"}`, 400},
			{"bad status", fuTok, "application/json", `{"status":"late","progress":5,"text_fr":"x"}`, 400},
			{"progress out of range", fuTok, "application/json", `{"progress":150,"text_fr":"x"}`, 400},
			{"dropped without reason", fuTok, "application/json", `{"status":"dropped","progress":0,"text_fr":"x"}`, 400},
			{"form body", fuTok, "application/x-www-form-urlencoded", `progress=5`, 415},
			{"ok", fuTok, "application/json", good, 201},
		}
		for _, c := range cases {
			res, m := ts.apiPost(path, c.token, c.ct, c.body)
			if res.StatusCode != c.status {
				t.Errorf("%s: status %d, want %d: %v", c.name, res.StatusCode, c.status, m)
			}
			if c.status >= 400 && res.Header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("%s: content type %q", c.name, res.Header.Get("Content-Type"))
			}
		}
		res, m := ts.apiPost("/api/v1/follow-ups/99999999/updates", fuTok, "application/json", good)
		if res.StatusCode != 404 {
			t.Errorf("unknown follow-up: %d %v", res.StatusCode, m)
		}
		var progress int
		_ = d.QueryRow(ctx, `SELECT progress FROM follow_ups WHERE id = ?`, fu).Scan(&progress)
		if progress != 75 {
			t.Errorf("progress = %d, want 75", progress)
		}
		var audited int
		_ = d.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'results.followup.update' AND details LIKE 'api_token=%'`).Scan(&audited)
		if audited != 1 {
			t.Errorf("audited updates = %d, want 1", audited)
		}
		_ = d.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'api.refused' AND body_id = ?`, mcn).Scan(&audited)
		if audited == 0 {
			t.Error("the refused cross-body write is not audited")
		}
		// The update is public through the API.
		_, v := ts.apiGet("/api/v1/follow-ups/" + strconv.FormatInt(fu, 10))
		if ups := v.(map[string]any)["updates"].([]any); len(ups) == 0 || !strings.Contains(ups[0].(map[string]any)["text"].(map[string]any)["fr"].(string), "projet pilote") {
			t.Errorf("update not visible: %v", v)
		}

		// Official answers: a proposal of the SCT dialogue, answered by SCT's token.
		var prop int64
		if err := d.QueryRow(ctx, `SELECT MIN(p.id) FROM proposals p JOIN initiatives i ON i.id = p.initiative_id WHERE i.slug = 'dialogue-gouvernement-du-futur'`).Scan(&prop); err != nil {
			t.Fatal(err)
		}
		ans := `{"contribution_id":` + strconv.FormatInt(prop, 10) + `,"state":"a_l_etude","text":"Nous analysons cette proposition."}`
		if res, m := ts.apiPost("/api/v1/answers", tokB, "application/json", ans); res.StatusCode != 403 && res.StatusCode != 404 {
			t.Errorf("MCN token answered an SCT proposal: %d %v", res.StatusCode, m)
		}
		if res, m := ts.apiPost("/api/v1/answers", fuTok, "application/json", ans); res.StatusCode != 403 {
			t.Errorf("answer with a follow-ups token: %d %v", res.StatusCode, m)
		}
		if res, m := ts.apiPost("/api/v1/answers", ansTok, "application/json", `{"contribution_id":1,"state":"x","extra":1}`); res.StatusCode != 400 {
			t.Errorf("unknown field: %d %v", res.StatusCode, m)
		}
		if res, m := ts.apiPost("/api/v1/answers", ansTok, "application/json", ans); res.StatusCode != 200 {
			t.Errorf("answer: %d %v", res.StatusCode, m)
		}
		var state string
		_ = d.QueryRow(ctx, `SELECT answer_state FROM proposals WHERE id = ?`, prop).Scan(&state)
		if state != "a_l_etude" {
			t.Errorf("answer state = %q", state)
		}
		// A revoked token no longer works.
		list, _ := tokens.List(ctx, actA, sct)
		for _, tk := range list {
			if err := tokens.Revoke(ctx, actA, "127.0.0.1", sct, tk.ID); err != nil {
				t.Fatal(err)
			}
		}
		if res, _ := ts.apiPost(path, fuTok, "application/json", good); res.StatusCode != 401 {
			t.Errorf("revoked token: %d", res.StatusCode)
		}
	})
}

// TestAPITokensAdminPages: a body admin creates a token in the back office (shown once),
// revokes it; staff of another body cannot see or revoke it.
func TestAPITokensAdminPages(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ts := newTestServer(t, d)
		ts.loadDemo()
		sct, mcn := ts.bodyID("sct"), ts.bodyID("mcn")
		a := ts.sessionFor(ts.createPerson("BossSCT", false, participe.Role{BodyID: sct, Role: participe.RoleBodyAdmin}))
		b := ts.sessionFor(ts.createPerson("BossMCN", false, participe.Role{BodyID: mcn, Role: participe.RoleBodyAdmin}))
		mgr := ts.sessionFor(ts.createPerson("MgrSCT", false, participe.Role{BodyID: sct, Role: participe.RoleManager}))
		res, body := ts.postForm("/admin/jetons-api", url.Values{"organisme": {strconv.FormatInt(sct, 10)}, "name": {"Système de suivi"}, "scopes": {api.ScopeFollowUpsWrite}}, a)
		if res.StatusCode != 200 || !strings.Contains(body, "ptk_") {
			t.Fatalf("create: %d %s", res.StatusCode, resSnippet(body))
		}
		i := strings.Index(body, "ptk_")
		secret := body[i : i+strings.IndexByte(body[i:], '"')]
		_, list := ts.get("/admin/jetons-api?organisme="+strconv.FormatInt(sct, 10), a)
		if strings.Contains(list, secret) || !strings.Contains(list, "Système de suivi") {
			t.Error("the secret is shown again, or the token is not listed")
		}
		if res, _ := ts.postForm("/admin/jetons-api", url.Values{"organisme": {strconv.FormatInt(sct, 10)}, "name": {""}}, a); res.StatusCode != 400 {
			t.Errorf("empty form: %d", res.StatusCode)
		}
		if res, _ := ts.get("/admin/jetons-api?organisme="+strconv.FormatInt(sct, 10), b); res.StatusCode != 403 {
			t.Errorf("MCN admin sees SCT tokens: %d", res.StatusCode)
		}
		if res, _ := ts.get("/admin/jetons-api", mgr); res.StatusCode != 403 {
			t.Errorf("a manager manages tokens: %d", res.StatusCode)
		}
		var id int64
		_ = d.QueryRow(context.Background(), `SELECT id FROM api_tokens WHERE body_id = ?`, sct).Scan(&id)
		if res, _ := ts.postForm("/admin/jetons-api/"+strconv.FormatInt(id, 10)+"/revoquer", url.Values{"organisme": {strconv.FormatInt(sct, 10)}}, b); res.StatusCode != 403 {
			t.Errorf("MCN admin revoked an SCT token: %d", res.StatusCode)
		}
		if res, _ := ts.postForm("/admin/jetons-api/"+strconv.FormatInt(id, 10)+"/revoquer", url.Values{"organisme": {strconv.FormatInt(sct, 10)}}, a); res.StatusCode != 303 {
			t.Errorf("revoke: %d", res.StatusCode)
		}
		if res, _ := ts.apiPost("/api/v1/follow-ups/1/updates", secret, "application/json", `{"progress":1,"text_fr":"x"}`); res.StatusCode != 401 {
			t.Errorf("revoked token still works: %d", res.StatusCode)
		}
	})
}

// TestAPIFollowUpsMatchService: the API's own follow-up query (columns it shows, bodies
// from its lookups) gives exactly what the results service's follow-ups converted by
// api.FollowUpJSON give, on the demo data, page after page.
func TestAPIFollowUpsMatchService(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ts := newTestServer(t, d)
		ts.loadDemo()
		ctx := context.Background()
		res := ts.newResultsService()
		store := api.NewStore(d, ts.clock)
		var after int64 = -1
		seen := 0
		for {
			page, more, err := store.FollowUps(ctx, results.FollowUpFilter{AfterID: after, Limit: 7})
			if err != nil {
				t.Fatal(err)
			}
			for _, got := range page {
				f, err := res.FollowUp(ctx, nil, got.ID)
				if err != nil {
					t.Fatalf("follow-up %d: %v", got.ID, err)
				}
				want := api.FollowUpJSON(*f, ts.clock.Now())
				gb, _ := json.Marshal(got)
				wb, _ := json.Marshal(want)
				if string(gb) != string(wb) {
					t.Errorf("follow-up %d:\n got %s\nwant %s", got.ID, gb, wb)
				}
				after = got.ID
				seen++
			}
			if !more {
				break
			}
		}
		if want := ts.count(`SELECT COUNT(*) FROM follow_ups f JOIN initiatives i ON i.id = f.initiative_id WHERE i.results_published_at IS NOT NULL AND i.results_published_at <= ?`, db.T(testNow)); seen != want || seen == 0 {
			t.Errorf("listed %d follow-ups, want %d", seen, want)
		}
	})
}

// TestAPIInitiativesFromLookups: the initiatives list takes bodies and themes from the
// API's in-memory lookups; on the demo data each item's body and themes are those in
// the database, the filters select what SQL selects, and a catalogue write in this
// process is seen at once (catalog generation).
func TestAPIInitiativesFromLookups(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ts := newTestServer(t, d)
		ts.loadDemo()
		ctx := context.Background()
		store := api.NewStore(d, ts.clock)
		list, more, err := store.Initiatives(ctx, api.InitiativeFilter{Limit: 100})
		if err != nil || more || len(list) == 0 {
			t.Fatalf("list: %d %v %v", len(list), more, err)
		}
		for _, it := range list {
			var body string
			if err := d.QueryRow(ctx, `SELECT b.slug FROM initiatives i JOIN bodies b ON b.id = i.body_id WHERE i.id = ?`, it.ID).Scan(&body); err != nil || body != it.Body.Slug {
				t.Errorf("%s: body %q, want %q", it.Slug, it.Body.Slug, body)
			}
			rows, err := d.Query(ctx, `SELECT t.slug FROM initiative_themes x JOIN themes t ON t.id = x.theme_id WHERE x.initiative_id = ? ORDER BY t.slug`, it.ID)
			if err != nil {
				t.Fatal(err)
			}
			var themes []string
			for rows.Next() {
				var s string
				_ = rows.Scan(&s)
				themes = append(themes, s)
			}
			rows.Close()
			if strings.Join(themes, ",") != strings.Join(it.Themes, ",") {
				t.Errorf("%s: themes %v, want %v", it.Slug, it.Themes, themes)
			}
		}
		byTheme, _, err := store.Initiatives(ctx, api.InitiativeFilter{Theme: "sante", Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if want := ts.count(`SELECT COUNT(*) FROM initiatives i JOIN initiative_themes x ON x.initiative_id = i.id JOIN themes t ON t.id = x.theme_id
			WHERE t.slug = 'sante' AND i.state IN ('published', 'scheduled', 'closed', 'archived') AND i.published_at <= ?`, db.T(testNow)); len(byTheme) != want || want == 0 {
			t.Errorf("theme filter: %d, want %d", len(byTheme), want)
		}
		if none, _, err := store.Initiatives(ctx, api.InitiativeFilter{Theme: "inconnu", Body: "msss", Limit: 10}); err != nil || len(none) != 0 {
			t.Errorf("unknown theme: %d %v", len(none), err)
		}
		// A theme given to an initiative by the catalogue shows at once.
		first := list[0]
		var tid int64
		if err := d.QueryRow(ctx, `SELECT id FROM themes WHERE id NOT IN (SELECT theme_id FROM initiative_themes WHERE initiative_id = ?) ORDER BY id LIMIT 1`, first.ID).Scan(&tid); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Exec(ctx, `INSERT INTO initiative_themes (initiative_id, theme_id) VALUES (?, ?)`, first.ID, tid); err != nil {
			t.Fatal(err)
		}
		catalog.Invalidate()
		again, _, err := store.Initiative(ctx, first.Slug)
		if err != nil || len(again.Themes) != len(first.Themes)+1 {
			t.Errorf("after a catalogue write: themes %v (before %v), %v", again.Themes, first.Themes, err)
		}
	})
}
