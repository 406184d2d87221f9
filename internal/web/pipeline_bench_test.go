package web

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"participe/internal/config"
	"participe/internal/participe"
)

// BenchmarkSignedIn measures what a signed-in person's request costs in process, on a
// copy of a seed-large database (it writes votes and sessions into it):
//
//	cp /work/large.db /tmp/x.db
//	PARTICIPE_BENCH_DB=sqlite:/tmp/x.db go test ./internal/web/ -run X -bench SignedIn -benchtime 2000x -cpuprofile cpu.out
//
// "pipeline" is the middleware chain alone (session, person, headers, log, metrics)
// around a handler that writes a few bytes; "frame" adds the layout rendered around a
// short page (the 404 page); the others are real pages and votes.
func BenchmarkSignedIn(b *testing.B) {
	ctx := context.Background()
	d := openBenchDB(b)
	cfg := config.Default()
	cfg.Env = "development" // no background dashboard warming in the CPU figures
	s, err := New(Deps{Cfg: cfg, DB: d, Log: slog.New(slog.NewJSONHandler(errorsOnly{}, nil)), Clock: participe.SystemClock{}})
	if err != nil {
		b.Fatal(err)
	}
	var people, ids []int64
	if err := benchScanIDs(ctx, d, &people, `SELECT id FROM people WHERE email LIKE '%@large.test' ORDER BY id LIMIT 200`); err != nil {
		b.Fatal(err)
	}
	if err := benchScanIDs(ctx, d, &ids, `SELECT p.id FROM proposals p JOIN initiatives i ON i.id = p.initiative_id
		WHERE i.slug = 'propositions-grand-volume' ORDER BY p.id LIMIT 2000`); err != nil {
		b.Fatal(err)
	}
	if len(people) == 0 || len(ids) == 0 {
		b.Fatal("not a seed-large database")
	}
	cookies := make([]*http.Cookie, len(people))
	for i, id := range people {
		cookies[i] = benchSession(b, s, id, true)
	}
	noop := s.middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ActorFrom(r.Context()) == nil {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		_, _ = w.Write([]byte("ok"))
	}))
	get := func(h http.Handler, path string, want int) func(b *testing.B) {
		return func(b *testing.B) {
			defer cpuPerOp(b)()
			var n atomic.Int64
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := n.Add(1)
					req := httptest.NewRequest(http.MethodGet, path, nil)
					req.AddCookie(cookies[int(i)%len(cookies)])
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, req)
					if rec.Code != want {
						b.Fatalf("%s: %d", path, rec.Code)
					}
				}
			})
		}
	}
	b.Run("pipeline", get(noop, "/x", http.StatusOK))
	// The error page: the layout (header with the person and the unread badge, footer)
	// around a few lines, i.e. the frame every signed-in page pays.
	b.Run("frame", get(s, "/pas-de-page-ici", http.StatusNotFound))
	b.Run("home", get(s, "/", http.StatusOK))
	b.Run("proposal", get(s, fmt.Sprintf("/initiatives/propositions-grand-volume/propositions/%d", ids[1]), http.StatusOK))
	b.Run("vote", func(b *testing.B) {
		defer cpuPerOp(b)()
		// 64 goroutines, as the HTTP benchmark's 64 connections: the group commit
		// shares each COMMIT between the votes waiting for it.
		b.SetParallelism(32)
		var n atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				i := n.Add(1)
				v := "1"
				if i%4 == 0 {
					v = "-1"
				}
				path := fmt.Sprintf("/initiatives/propositions-grand-volume/propositions/%d/vote", ids[int(i*7919)%len(ids)])
				req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(url.Values{"value": {v}}.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("Sec-Fetch-Site", "same-origin")
				req.AddCookie(cookies[int(i)%len(cookies)])
				rec := httptest.NewRecorder()
				s.ServeHTTP(rec, req)
				if rec.Code != http.StatusSeeOther {
					b.Fatalf("vote: %d %s", rec.Code, rec.Body.String())
				}
			}
		})
	})
}

// errorsOnly formats every log line (the access log's cost is part of the figures) and
// prints only errors.
type errorsOnly struct{}

func (errorsOnly) Write(b []byte) (int, error) {
	if bytes.Contains(b, []byte(`"level":"ERROR"`)) {
		_, _ = os.Stderr.Write(b)
	}
	return len(b), nil
}
