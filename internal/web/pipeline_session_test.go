package web

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"

	"participe/internal/db"
	"participe/internal/db/dbtest"
	"participe/internal/participe"
)

// sessionRow reads a session's stored data and expiry.
func sessionRow(t *testing.T, d *db.DB, token string) ([]byte, int64) {
	t.Helper()
	var data []byte
	var exp int64
	if err := d.QueryRow(context.Background(), `SELECT data, expiry FROM sessions WHERE token = ?`, token).Scan(&data, &exp); err != nil {
		t.Fatalf("session row: %v", err)
	}
	return data, exp
}

// storeClock makes the session store's clock controllable, starting at real time (scs
// sets the absolute deadline from real time).
func storeClock(ts *testServer) func(time.Duration) time.Time {
	now := time.Now()
	ts.Sessions.Store.(*dbStore).now = func() time.Time { return now }
	return func(d time.Duration) time.Time { now = now.Add(d); return now }
}

func hasSetCookie(res *http.Response) bool { return len(res.Header.Values("Set-Cookie")) > 0 }

// TestSessionNotRewrittenOnGET: a signed-in GET does not write the session row while the
// stored expiry is within refreshStep of what the idle timeout asks; after that, one
// request moves the expiry (not the data) forward.
func TestSessionNotRewrittenOnGET(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ts := newTestServer(t, d)
		advance := storeClock(ts)
		idle := ts.Cfg.SessionIdle
		step := time.Duration(refreshStep(idle)) * time.Second
		me := ts.createPerson("Pipeline", false)
		c := ts.sessionFor(me)
		data0, exp0 := sessionRow(t, d, c.Value)

		for i := 0; i < 5; i++ {
			advance(step / 10)
			res, body := ts.get("/mon-espace", c)
			if res.StatusCode != http.StatusOK || !bytes.Contains([]byte(body), []byte("Pipeline")) {
				t.Fatalf("signed-in page: %d", res.StatusCode)
			}
			if hasSetCookie(res) {
				t.Fatalf("GET %d set a cookie: %v", i, res.Header.Values("Set-Cookie"))
			}
		}
		data1, exp1 := sessionRow(t, d, c.Value)
		if exp1 != exp0 || !bytes.Equal(data0, data1) {
			t.Fatalf("session rewritten within the step: expiry %d → %d", exp0, exp1)
		}

		now := advance(step)
		if res, _ := ts.get("/mon-espace", c); res.StatusCode != http.StatusOK {
			t.Fatalf("signed-in page after the step: %d", res.StatusCode)
		}
		data2, exp2 := sessionRow(t, d, c.Value)
		if want := now.Add(idle).Unix(); exp2 != want {
			t.Errorf("expiry after the step = %d, want now+idle = %d (was %d)", exp2, want, exp0)
		}
		if !bytes.Equal(data0, data2) {
			t.Error("the keep-alive rewrote the session data")
		}
	})
}

// TestSessionIdleTimeout: activity keeps the session alive past the idle timeout;
// silence longer than the idle timeout signs the person out; the absolute lifetime
// ends it whatever the activity.
func TestSessionIdleTimeout(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ts := newTestServer(t, d)
		advance := storeClock(ts)
		idle := ts.Cfg.SessionIdle
		me := ts.createPerson("Idle", false)
		c := ts.sessionFor(me)

		// Browsing every third of the idle timeout for twice the idle timeout.
		for elapsed := time.Duration(0); elapsed < 2*idle; elapsed += idle / 3 {
			advance(idle / 3)
			if res, _ := ts.get("/mon-espace", c); res.StatusCode != http.StatusOK {
				t.Fatalf("active person signed out after %v: %d", elapsed, res.StatusCode)
			}
		}
		// Silence: the person is signed out (redirected to sign in), still at the last
		// moment the idle timeout allows minus the refresh step.
		advance(idle + time.Second)
		res, _ := ts.get("/mon-espace", c)
		if res.StatusCode != http.StatusSeeOther || !bytes.Contains([]byte(res.Header.Get("Location")), []byte("/connexion")) {
			t.Fatalf("idle session still signed in: %d %s", res.StatusCode, res.Header.Get("Location"))
		}

		// Absolute lifetime: a fresh session, kept busy, ends at its deadline (scs sets
		// it from real time).
		c = ts.sessionFor(me)
		deadline := time.Now().Add(ts.Cfg.SessionLifetime)
		for now := advance(0); now.Add(idle / 2).Before(deadline.Add(-time.Minute)); {
			now = advance(idle / 2)
			if res, _ := ts.get("/mon-espace", c); res.StatusCode != http.StatusOK {
				t.Fatalf("busy session signed out %v before its deadline: %d", deadline.Sub(now), res.StatusCode)
			}
		}
		advance(idle)
		if res, _ := ts.get("/mon-espace", c); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("session alive past its lifetime: %d", res.StatusCode)
		}
	})
}

// TestSessionSignOutAndRenew: signing out deletes the row at once (the throttle never
// keeps a dead session), and signing in renews the token (no fixation).
func TestSessionSignOutAndRenew(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ts := newTestServer(t, d)
		me := ts.createPerson("Leaves", false)
		c := ts.sessionFor(me)
		res, _ := ts.postForm("/deconnexion", nil, c)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign out: %d", res.StatusCode)
		}
		var n int
		_ = d.QueryRow(context.Background(), `SELECT COUNT(*) FROM sessions WHERE token = ?`, c.Value).Scan(&n)
		if n != 0 {
			t.Fatal("session row kept after sign-out")
		}
		if res, _ := ts.get("/mon-espace", c); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("old cookie still signed in: %d", res.StatusCode)
		}

		// An anonymous session (a flash) signed in: new token, old row gone.
		var anon *http.Cookie
		h := ts.Sessions.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ts.SetFlash(r.Context(), "info", "x")
		}))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
		for _, ck := range rec.Result().Cookies() {
			anon = ck
		}
		h = ts.Sessions.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if err := ts.SignIn(r.Context(), me, false); err != nil {
				t.Fatal(err)
			}
		}))
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.AddCookie(anon)
		rec = httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		cs := rec.Result().Cookies()
		if len(cs) != 1 || cs[0].Value == anon.Value {
			t.Fatalf("sign-in did not renew the token: %v", cs)
		}
		_ = d.QueryRow(context.Background(), `SELECT COUNT(*) FROM sessions WHERE token = ?`, anon.Value).Scan(&n)
		if n != 0 {
			t.Fatal("pre-sign-in session row kept")
		}
	})
}

// TestActorRolesFresh: roles are read on every request, so a role granted or withdrawn
// applies to the very next request (no cache to invalidate across app servers); a
// deleted person's session is dropped.
func TestActorRolesFresh(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ts := newTestServer(t, d)
		ctx := context.Background()
		var bodyID int64
		err := d.Write(ctx, func(tx *db.Tx) error {
			var err error
			bodyID, err = tx.InsertID(ctx, `INSERT INTO bodies (slug, acronym, name_fr) VALUES ('pl', 'PL', 'Pipeline') RETURNING id`)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		me := ts.createPerson("Staff", false)
		c := ts.sessionFor(me)
		var got *participe.Actor
		h := ts.middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			got = ActorFrom(r.Context())
		}))
		see := func() *participe.Actor {
			got = nil
			req := httptest.NewRequest(http.MethodGet, "/x", nil)
			req.AddCookie(c)
			h.ServeHTTP(httptest.NewRecorder(), req)
			return got
		}
		if a := see(); a == nil || a.PersonID != me || a.Pseudonym != "Staff" || len(a.Roles) != 0 || !a.SecondFactor {
			t.Fatalf("actor: %+v", a)
		}
		exec := func(q string, args ...any) {
			if _, err := d.Exec(ctx, q, args...); err != nil {
				t.Fatal(err)
			}
		}
		exec(`INSERT INTO staff_roles (person_id, body_id, role) VALUES (?, ?, ?)`, me, bodyID, participe.RoleManager)
		exec(`INSERT INTO staff_roles (person_id, body_id, role) VALUES (?, ?, ?)`, me, bodyID, participe.RoleModerator)
		if a := see(); a == nil || !a.Has(participe.RoleManager, bodyID) || !a.Has(participe.RoleModerator, bodyID) || len(a.Roles) != 2 {
			t.Fatalf("granted roles not seen: %+v", a)
		}
		exec(`DELETE FROM staff_roles WHERE person_id = ? AND role = ?`, me, participe.RoleManager)
		if a := see(); a == nil || a.Has(participe.RoleManager, bodyID) || len(a.Roles) != 1 {
			t.Fatalf("withdrawn role still seen: %+v", a)
		}
		exec(`UPDATE people SET deleted_at = ? WHERE id = ?`, db.T(testNow), me)
		if a := see(); a != nil {
			t.Fatalf("deleted person still signed in: %+v", a)
		}
		var n int
		_ = d.QueryRow(ctx, `SELECT COUNT(*) FROM sessions WHERE token = ?`, c.Value).Scan(&n)
		if n != 0 {
			t.Fatal("deleted person's session kept")
		}
	})
}

func TestSessionCodec(t *testing.T) {
	deadline := time.Date(2026, 11, 23, 14, 30, 0, 123456789, time.UTC)
	when := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	values := map[string]any{
		"person_id": int64(42), "second_factor": true, "flash": "success\x00Merci « vous »",
		"n": 7, "f": 12.5, "raw": []byte{0, 1, 2}, "when": when, "off": false, "neg": int64(-9), "": "",
	}
	b, err := SessionCodec{}.Encode(deadline, values)
	if err != nil {
		t.Fatal(err)
	}
	if b[0] != codecMark0 {
		t.Fatalf("not the compact format: % x", b[:4])
	}
	dl, got, err := SessionCodec{}.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if !dl.Equal(deadline) || len(got) != len(values) {
		t.Fatalf("deadline %v, %d values", dl, len(got))
	}
	for k, v := range values {
		switch x := v.(type) {
		case []byte:
			if !bytes.Equal(got[k].([]byte), x) {
				t.Errorf("%s: %v", k, got[k])
			}
		case time.Time:
			if !got[k].(time.Time).Equal(x) {
				t.Errorf("%s: %v", k, got[k])
			}
		default:
			if got[k] != v {
				t.Errorf("%s: %#v, want %#v", k, got[k], v)
			}
		}
	}

	// Sessions written by scs's gob codec (before the change) still decode.
	old, _ := scs.GobCodec{}.Encode(deadline, map[string]any{"person_id": int64(7)})
	if _, v, err := (SessionCodec{}).Decode(old); err != nil || v["person_id"] != int64(7) {
		t.Fatalf("gob session: %v %v", v, err)
	}
	// An unknown type falls back to gob as a whole.
	gobOnly := map[string]any{"x": []string{"a"}}
	b, err = SessionCodec{}.Encode(deadline, gobOnly)
	if err != nil || b[0] == codecMark0 {
		t.Fatalf("fallback: % x %v", b, err)
	}
	if _, v, err := (SessionCodec{}).Decode(b); err != nil || v["x"].([]string)[0] != "a" {
		t.Fatalf("fallback decode: %v %v", v, err)
	}
	// Truncated or corrupt data is an error, never a panic.
	full, _ := SessionCodec{}.Encode(deadline, values)
	for i := 2; i < len(full); i++ {
		if _, _, err := (SessionCodec{}).Decode(full[:i]); err == nil {
			t.Fatalf("truncated at %d decoded without error", i)
		}
	}
}

func FuzzSessionCodec(f *testing.F) {
	b, _ := SessionCodec{}.Encode(time.Unix(1, 0), map[string]any{"a": "b", "c": int64(1), "d": true})
	f.Add(b)
	f.Add([]byte{codecMark0, codecMark1, 0, 1, 1, 'a', 'z'})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 2 || data[0] != codecMark0 || data[1] != codecMark1 {
			return // gob's own decoder
		}
		dl, v, err := SessionCodec{}.Decode(data)
		if err != nil {
			return
		}
		again, err := SessionCodec{}.Encode(dl, v)
		if err != nil {
			t.Fatal(err)
		}
		dl2, v2, err := SessionCodec{}.Decode(again)
		if err != nil || !dl2.Equal(dl) || len(v2) != len(v) {
			t.Fatalf("re-encoded session differs: %v %v", v2, err)
		}
	})
}

// TestUnreadBadgeLazy: the badge shows the unread count on a rendered page, and a
// handler that only redirects does not count (the count is read on first use).
func TestUnreadBadgeLazy(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ts := newTestServer(t, d)
		me := ts.createPerson("Badge", false)
		for i := 0; i < 3; i++ {
			if _, err := d.Exec(context.Background(), `INSERT INTO notifications (person_id, kind, created_at) VALUES (?, 'test', ?)`, me, db.T(testNow)); err != nil {
				t.Fatal(err)
			}
		}
		_, body := ts.get("/mon-espace", ts.sessionFor(me))
		if !bytes.Contains([]byte(body), []byte(`<span class="badge">3<span class="visually-hidden">`)) {
			t.Fatal("unread badge missing or wrong")
		}
		calls := 0
		count := ts.UnreadCount
		ts.UnreadCount = func(ctx context.Context, id int64) int { calls++; return count(ctx, id) }
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		ctx, err := ts.Sessions.Load(r.Context(), "")
		if err != nil {
			t.Fatal(err)
		}
		r = r.WithContext(WithActor(ctx, &participe.Actor{PersonID: me}))
		p := ts.newPage(r, "")
		if calls != 0 {
			t.Fatal("the count was read before use")
		}
		first, second := p.Unread(), p.Unread()
		if first != 3 || second != 3 || calls != 1 {
			t.Fatalf("unread %d then %d after %d queries, want 3 after 1", first, second, calls)
		}
	})
}
