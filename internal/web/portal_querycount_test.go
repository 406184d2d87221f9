package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"participe/internal/catalog"
	"participe/internal/db"
	"participe/internal/db/dbtest"
	"participe/internal/seedlarge"
)

// TestPortalQueryCount checks that the portal's pages make a bounded number of catalog
// queries whatever the number of initiatives and results (no N+1), on both engines:
// the same pages are counted with the demo's ~50 initiatives and again after adding
// 300 generated ones, with caches cold (just after a catalog write) and warm.
func TestPortalQueryCount(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ts := newTestServer(t, d)
		ts.loadDemo()
		pages := []struct {
			path       string
			cold, warm int64 // at most
		}{
			{"/", 12, 0},
			{"/initiatives", 12, 0},
			{"/initiatives?theme=sante&status=open&status=closed&mode=online&region=06&sort=popular", 12, 0},
			{"/initiatives?page=2&sort=newest", 12, 0},
			{"/initiatives?q=consultation", 14, 2}, // the full-text match, then the descriptions of the page
			{"/initiatives?q=zzzzqqq", 14, 1},
			{"/initiatives/dialogue-gouvernement-du-futur", 14, 4}, // the fiche, its tools, modes and results
			{"/calendrier", 12, 0},
			{"/calendrier?vue=liste&theme=sante", 12, 0},
			{"/flux/initiatives.atom", 12, 1},
		}
		count := func(path string) (int64, string) {
			var n atomic.Int64
			req := httptest.NewRequest(http.MethodGet, path, nil)
			req = req.WithContext(catalog.WithQueryCounter(req.Context(), &n))
			rec := httptest.NewRecorder()
			ts.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				t.Fatalf("%s: status %d", path, rec.Code)
			}
			body, _ := io.ReadAll(rec.Result().Body)
			return n.Load(), string(body)
		}
		measure := func(label string) map[string][2]int64 {
			out := map[string][2]int64{}
			for _, pg := range pages {
				// Other tests of the package write the catalog at the same time, and a
				// write drops the caches of every service of the process (on
				// PostgreSQL the invalidation also comes back a moment later through
				// LISTEN/NOTIFY): the least of a few tries is the page's own count.
				var cold, warm int64 = 1 << 30, 1 << 30
				var body string
				for range 2 {
					catalog.Invalidate()
					time.Sleep(60 * time.Millisecond) // let the NOTIFY echo arrive first
					c, _ := count(pg.path)
					cold = min(cold, c)
				}
				for range 10 {
					w, b := count(pg.path)
					warm, body = min(warm, w), b
					if warm <= pg.warm {
						break
					}
					time.Sleep(50 * time.Millisecond)
				}
				if cold > pg.cold || warm > pg.warm {
					t.Errorf("%s %s: %d queries cold (max %d), %d warm (max %d)", label, pg.path, cold, pg.cold, warm, pg.warm)
				}
				if strings.Contains(pg.path, "q=consultation") && !strings.Contains(body, "<mark>") {
					t.Errorf("%s %s: no highlighted result", label, pg.path)
				}
				out[pg.path] = [2]int64{cold, warm}
			}
			return out
		}
		small := measure("demo")
		if err := seedlarge.Run(context.Background(), d, seedlarge.Sizes{Initiatives: 300}, io.Discard); err != nil {
			t.Fatal(err)
		}
		large := measure("demo+300")
		for _, pg := range pages {
			if small[pg.path][0] != large[pg.path][0] {
				t.Errorf("%s: %v queries with the demo, %v with 300 more initiatives", pg.path, small[pg.path], large[pg.path])
			}
		}
		t.Log(fmt.Sprint(large))
	})
}
