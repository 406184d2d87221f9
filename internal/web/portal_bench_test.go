package web

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"participe/internal/db/dbtest"
	"participe/internal/seedlarge"
)

// BenchmarkPortalPages renders portal pages in-process on SQLite with 1,000 generated
// initiatives, bypassing the page cache: the CPU cost of one full render.
//
//	go test ./internal/web -run XXX -bench PortalPages -benchtime 200x
func BenchmarkPortalPages(b *testing.B) {
	d := dbtest.SQLite(b)
	sizes := seedlarge.Sizes{Initiatives: 1000}
	if err := seedlarge.Run(context.Background(), d, sizes, io.Discard); err != nil {
		b.Fatal(err)
	}
	ts := newTestServer(b, d)
	for _, path := range []string{"/", "/initiatives", "/initiatives?theme=sante&status=open", "/initiatives/gen-00010",
		"/initiatives?q=electricite", "/initiatives?q=consultations", "/calendrier", "/flux/initiatives.atom", "/nous-joindre"} {
		b.Run(path, func(b *testing.B) {
			for b.Loop() {
				rec := httptest.NewRecorder()
				ts.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: %d", path, rec.Code)
				}
			}
		})
	}
}
