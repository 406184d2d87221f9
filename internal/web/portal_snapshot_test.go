package web

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"participe/internal/db/dbtest"
)

// TestPortalSnapshot writes the demo's portal pages to $PORTAL_SNAP/<name>.html, to
// compare the markup before and after a rendering change (skipped without it).
func TestPortalSnapshot(t *testing.T) {
	dir := os.Getenv("PORTAL_SNAP")
	if dir == "" {
		t.Skip("PORTAL_SNAP not set")
	}
	ts := newTestServer(t, dbtest.SQLite(t))
	ts.loadDemo()
	for _, path := range []string{"/", "/en/", "/initiatives", "/en/initiatives?status=open&theme=sante",
		"/initiatives?q=consultation", "/en/initiatives?q=%C3%A9lectricit%C3%A9+-hydro", "/initiatives?mode=paper&region=06&body=zzz&from=2026-01-01",
		"/initiatives/dialogue-gouvernement-du-futur", "/en/initiatives/dialogue-gouvernement-du-futur",
		"/calendrier", "/en/calendrier?vue=liste", "/calendrier?mois=2026-10&theme=sante", "/flux/initiatives.atom",
		"/themes", "/organismes", "/gouvernement-web-2-0"} {
		rec := httptest.NewRecorder()
		ts.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		name := strings.NewReplacer("/", "_", "?", "_", "&", "_", "=", "_", "%", "_").Replace(path)
		if err := os.WriteFile(filepath.Join(dir, name+".html"), rec.Body.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
