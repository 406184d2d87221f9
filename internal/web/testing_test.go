package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"participe/internal/config"
	"participe/internal/db"
	"participe/internal/db/dbtest"
	"participe/internal/demo"
	"participe/internal/participe"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// testNow is the fixed time of web tests: Monday 23 November 2026, 9 h 30 in Québec.
var testNow = time.Date(2026, 11, 23, 14, 30, 0, 0, time.UTC)

// testServer is the real server (real router, middleware, templates) on a real database.
type testServer struct {
	*Server
	t     testing.TB
	clock *participe.FixedClock
}

func newTestServer(t testing.TB, d *db.DB) *testServer {
	t.Helper()
	cfg := config.Default()
	cfg.Env = "development"
	clock := participe.NewFixedClock(testNow)
	s, err := New(Deps{Cfg: cfg, DB: d, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Clock: clock})
	if err != nil {
		t.Fatalf("new server: %v", err)
	}
	return &testServer{Server: s, t: t, clock: clock}
}

// loadDemo loads the whole demo data set (idempotent) at the test clock's time.
func (ts *testServer) loadDemo() {
	ts.t.Helper()
	if _, err := demo.Load(context.Background(), ts.DB, ts.clock, ts.Jobs); err != nil {
		ts.t.Fatalf("demo: %v", err)
	}
}

// do sends a request through the whole handler chain and returns status and body.
func (ts *testServer) do(req *http.Request) (*http.Response, string) {
	ts.t.Helper()
	rec := httptest.NewRecorder()
	ts.ServeHTTP(rec, req)
	res := rec.Result()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

// get fetches path, optionally with cookies.
func (ts *testServer) get(path string, cookies ...*http.Cookie) (*http.Response, string) {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for _, c := range cookies {
		req.AddCookie(c)
	}
	return ts.do(req)
}

// postForm posts a form as a same-origin browser would.
func (ts *testServer) postForm(path string, form url.Values, cookies ...*http.Cookie) (*http.Response, string) {
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	for _, c := range cookies {
		req.AddCookie(c)
	}
	return ts.do(req)
}

// sessionFor returns a session cookie signed in as personID (second factor passed).
func (ts *testServer) sessionFor(personID int64) *http.Cookie {
	ts.t.Helper()
	h := ts.Sessions.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := ts.SignIn(r.Context(), personID, true); err != nil {
			ts.t.Fatalf("sign in: %v", err)
		}
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	for _, c := range rec.Result().Cookies() {
		if c.Name == ts.Sessions.Cookie.Name {
			return c
		}
	}
	ts.t.Fatal("no session cookie")
	return nil
}

// createPerson inserts a participant (and staff roles) directly, returning the id.
func (ts *testServer) createPerson(pseudonym string, platformAdmin bool, roles ...participe.Role) int64 {
	ts.t.Helper()
	ctx := context.Background()
	var id int64
	err := ts.DB.Write(ctx, func(tx *db.Tx) error {
		var err error
		id, err = tx.InsertID(ctx, `INSERT INTO people (email, pseudonym, email_verified_at, platform_admin, created_at)
			VALUES (?, ?, ?, ?, ?) RETURNING id`, strings.ToLower(pseudonym)+"@example.test", pseudonym, db.T(testNow), platformAdmin, db.T(testNow))
		if err != nil {
			return err
		}
		for _, r := range roles {
			if _, err := tx.Exec(ctx, `INSERT INTO staff_roles (person_id, body_id, role, granted_at) VALUES (?, ?, ?, ?)`, id, r.BodyID, r.Role, db.T(testNow)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		ts.t.Fatalf("create person: %v", err)
	}
	return id
}

// bodyID returns the id of a body by slug (after loadDemo).
func (ts *testServer) bodyID(slug string) int64 {
	ts.t.Helper()
	var id int64
	if err := ts.DB.QueryRow(context.Background(), `SELECT id FROM bodies WHERE slug = ?`, slug).Scan(&id); err != nil {
		ts.t.Fatalf("body %s: %v", slug, err)
	}
	return id
}
