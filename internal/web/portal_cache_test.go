package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"participe/internal/catalog"
	"participe/internal/config"
	"participe/internal/db"
	"participe/internal/db/dbtest"
	"participe/internal/participe"
)

// TestPortalPageCache: in production, anonymous pages come from the micro-cache, and a
// catalog write through SaveInitiative drops it at once.
func TestPortalPageCache(t *testing.T) {
	d := dbtest.SQLite(t)
	cfg := config.Default()
	cfg.Env = "production"
	clock := participe.NewFixedClock(testNow)
	s, err := New(Deps{Cfg: cfg, DB: d, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	ts := &testServer{Server: s, t: t, clock: clock}
	ts.loadDemo()
	ctx := context.Background()
	svc := catalog.New(d, clock)
	i, err := svc.Initiative(ctx, "plan-action-proches-aidants")
	if err != nil {
		t.Fatal(err)
	}
	path := "/initiatives/plan-action-proches-aidants"
	_, first := ts.get(path)
	// A change behind the cache's back (no SaveInitiative): the cached page stays.
	if _, err := d.Exec(ctx, `UPDATE initiatives SET title_fr = ? WHERE id = ?`, "Titre changé en douce", i.ID); err != nil {
		t.Fatal(err)
	}
	_, second := ts.get(path)
	if second != first {
		t.Fatalf("the second anonymous request was not served from the cache")
	}
	// A reload (Cache-Control: no-cache) renders afresh.
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("Cache-Control", "no-cache")
	if _, fresh := ts.do(req); !strings.Contains(fresh, "Titre changé en douce") {
		t.Errorf("no-cache request got the cached page")
	}
	// A write through the catalog invalidates at once.
	i.TitleFR = "Titre changé par le catalogue"
	if err := d.Write(ctx, func(tx *db.Tx) error { return catalog.SaveInitiative(ctx, tx, i) }); err != nil {
		t.Fatal(err)
	}
	if _, after := ts.get(path); !strings.Contains(after, "Titre changé par le catalogue") {
		t.Errorf("the cache was not invalidated by SaveInitiative")
	}
	// A visitor with a session cookie never gets a cached page.
	_, _ = ts.get("/")
	if _, err := d.Exec(ctx, `UPDATE initiatives SET title_fr = ? WHERE id = ?`, "Titre pour la session", i.ID); err != nil {
		t.Fatal(err)
	}
	cookie := &http.Cookie{Name: s.Sessions.Cookie.Name, Value: "whatever"}
	if _, body := ts.get(path, cookie); !strings.Contains(body, "Titre pour la session") {
		t.Errorf("a visitor with a session got a cached page")
	}
}
