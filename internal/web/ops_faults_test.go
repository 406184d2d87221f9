package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"participe/internal/config"
	"participe/internal/db"
	"participe/internal/db/dbtest"
	"participe/internal/participe"
)

// TestShedUnderOverload saturates a server limited to 2 requests in flight with slow
// requests: the next ones get 503 with Retry-After at once (no queue), /healthz and
// /readyz keep answering, and once the slow requests finish the server serves again
// by itself.
func TestShedUnderOverload(t *testing.T) {
	d := dbtest.SQLite(t)
	cfg := config.Default()
	cfg.Env = "development"
	cfg.MaxInFlight = 2
	s, err := New(Deps{Cfg: cfg, DB: d, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Clock: participe.NewFixedClock(testNow)})
	if err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	entered := make(chan struct{}, 8)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /metrics", s.metrics.handler())
	mux.HandleFunc("GET /lent", func(w http.ResponseWriter, r *http.Request) {
		entered <- struct{}{}
		<-release
		_, _ = w.Write([]byte("fini"))
	})
	mux.HandleFunc("GET /rapide", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok")) })
	base, _ := serveReal(t, s.middleware(mux))

	var wg sync.WaitGroup
	slow := make([]int, 2)
	for i := range slow {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			res, err := http.Get(base + "/lent")
			if err == nil {
				slow[i] = res.StatusCode
				res.Body.Close()
			}
		}(i)
	}
	for i := 0; i < 2; i++ {
		select {
		case <-entered:
		case <-time.After(5 * time.Second):
			t.Fatal("slow requests did not start")
		}
	}
	// Saturated: 20 more requests are refused at once, none waits.
	start := time.Now()
	var shedWG sync.WaitGroup
	codes := make([]int, 20)
	retry := make([]string, 20)
	for i := range codes {
		shedWG.Add(1)
		go func(i int) {
			defer shedWG.Done()
			res, err := http.Get(base + "/rapide")
			if err != nil {
				return
			}
			codes[i], retry[i] = res.StatusCode, res.Header.Get("Retry-After")
			res.Body.Close()
		}(i)
	}
	shedWG.Wait()
	if time.Since(start) > 2*time.Second {
		t.Errorf("shedding took %v: requests queued", time.Since(start))
	}
	for i, c := range codes {
		if c != http.StatusServiceUnavailable || retry[i] == "" {
			t.Fatalf("request %d under overload: %d Retry-After=%q", i, c, retry[i])
		}
	}
	for _, p := range []string{"/healthz", "/readyz", "/metrics"} {
		res, err := http.Get(base + p)
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("%s under overload: %v %v", p, err, res)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if p == "/metrics" && !strings.Contains(string(body), "participe_http_shed_total 20") {
			t.Errorf("shed counter not at 20")
		}
	}
	close(release)
	wg.Wait()
	if slow[0] != http.StatusOK || slow[1] != http.StatusOK {
		t.Fatalf("the requests in flight were not served: %v", slow)
	}
	res, err := http.Get(base + "/rapide")
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("no recovery after the load: %v %v", err, res)
	}
	res.Body.Close()
}

// adminURL returns the URL of the cluster's postgres database for d's database.
func adminURL(t *testing.T, dsn string) (string, string) {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	name := strings.TrimPrefix(u.Path, "/")
	u.Path = "/postgres"
	return u.String(), name
}

// TestDatabaseUnavailableThenBack cuts the server off its PostgreSQL database (the
// database refuses connections and every session is killed, as in a failover or a
// restart of PostgreSQL): pages answer 503 with the "service unavailable" page in the
// visitor's language, /readyz fails, /healthz still answers; when the database comes
// back, the same server serves again without a restart.
func TestDatabaseUnavailableThenBack(t *testing.T) {
	d := dbtest.Postgres(t)
	ts := newTestServer(t, d)
	admin, name := adminURL(t, d.DSN)
	adm, err := db.Open(context.Background(), db.Options{DSN: admin})
	if err != nil {
		t.Fatal(err)
	}
	defer adm.Close()
	ctx := context.Background()
	exec := func(q string) {
		t.Helper()
		if _, err := adm.SQL().ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if res, _ := ts.get("/initiatives?q=electricite"); res.StatusCode != http.StatusOK {
		t.Fatalf("search before: %d", res.StatusCode)
	}
	exec(fmt.Sprintf(`ALTER DATABASE %q ALLOW_CONNECTIONS false`, name))
	defer exec(fmt.Sprintf(`ALTER DATABASE %q ALLOW_CONNECTIONS true`, name))
	exec(fmt.Sprintf(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '%s' AND pid <> pg_backend_pid()`, name))

	if res, body := ts.get("/readyz"); res.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("/readyz with the database down: %d %s", res.StatusCode, body)
	}
	if res, _ := ts.get("/healthz"); res.StatusCode != http.StatusOK {
		t.Fatalf("/healthz with the database down: %d", res.StatusCode)
	}
	// Pages that must read the database (search results are never cached).
	for path, want := range map[string]string{"/initiatives?q=electricite": "Service temporairement indisponible", "/en/initiatives?q=water": "Service temporarily unavailable"} {
		var res *http.Response
		var body string
		for i := 0; i < 3; i++ { // a pooled connection that just died may fail differently once
			res, body = ts.get(path)
			if res.StatusCode == http.StatusServiceUnavailable {
				break
			}
		}
		if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, want) || res.Header.Get("Retry-After") == "" {
			t.Errorf("%s with the database down: %d, Retry-After %q", path, res.StatusCode, res.Header.Get("Retry-After"))
		}
	}

	exec(fmt.Sprintf(`ALTER DATABASE %q ALLOW_CONNECTIONS true`, name))
	deadline := time.Now().Add(10 * time.Second)
	for {
		res, _ := ts.get("/readyz")
		if res.StatusCode == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("/readyz did not recover")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if res, _ := ts.get("/initiatives?q=electricite"); res.StatusCode != http.StatusOK {
		t.Fatalf("search after recovery: %d", res.StatusCode)
	}
}

// TestDiskFullRefusesWritesKeepsReads caps the SQLite database at its current size (as
// a full disk does): writes fail cleanly with EUNAVAILABLE and a 503 page, nothing is
// half-written, reads and visitors' pages go on; freeing space brings writes back
// without a restart.
func TestDiskFullRefusesWritesKeepsReads(t *testing.T) {
	d := dbtest.SQLite(t)
	ts := newTestServer(t, d)
	ctx := context.Background()
	var body int64
	if err := d.Write(ctx, func(tx *db.Tx) error {
		var err error
		body, err = tx.InsertID(ctx, `INSERT INTO bodies (slug, name_fr) VALUES ('plein', 'Organisme plein') RETURNING id`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	admin := ts.sessionFor(ts.createPerson("Pleine", false, participe.Role{BodyID: body, Role: participe.RoleBodyAdmin}))
	var pages int64
	if err := d.WriteSQL().QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := d.WriteSQL().ExecContext(ctx, fmt.Sprintf(`PRAGMA max_page_count = %d`, pages)); err != nil {
		t.Fatal(err)
	}
	// Fill what room is left in the file's pages, large rows then small ones.
	full := 0
	for _, size := range []int{3000, 300, 30} {
		for i := 0; i < 100000; i++ {
			_, err := d.Exec(ctx, `INSERT INTO audit_log (at, action, details) VALUES (?, 'remplissage', ?)`, i, strings.Repeat("x", size))
			if err != nil {
				if !participe.IsCode(err, participe.EUNAVAILABLE) {
					t.Fatalf("disk full gave %v, want EUNAVAILABLE", err)
				}
				full++
				break
			}
		}
	}
	if full != 3 {
		t.Fatalf("the cap never filled")
	}
	var before int
	if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM retention_policies`).Scan(&before); err != nil {
		t.Fatalf("reads stopped on a full disk: %v", err)
	}
	// A write through the web: 503 page, nothing saved.
	path := fmt.Sprintf("/admin/organismes/%d/conservation", body)
	form := url.Values{"personal_data": {"100"}, "contributions": {"0"}, "moderation_log": {"100"}, "audit_log": {"100"}}
	res, page := ts.postForm(path, form, admin)
	if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(page, "Service temporairement indisponible") {
		t.Fatalf("write on a full disk: %d", res.StatusCode)
	}
	var after int
	_ = d.QueryRow(ctx, `SELECT COUNT(*) FROM retention_policies`).Scan(&after)
	if after != before {
		t.Fatalf("half-written: %d policies saved without their audit entry", after-before)
	}
	// Reads continue for visitors.
	if res, _ := ts.get("/readyz"); res.StatusCode != http.StatusOK {
		t.Errorf("/readyz on a full disk: %d", res.StatusCode)
	}
	if res, _ := ts.get("/"); res.StatusCode != http.StatusOK {
		t.Errorf("home page on a full disk: %d", res.StatusCode)
	}
	// Space freed: writes work again, same server.
	if _, err := d.WriteSQL().ExecContext(ctx, `PRAGMA max_page_count = 1073741823`); err != nil {
		t.Fatal(err)
	}
	if res, _ := ts.postForm(path, form, admin); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("write after space was freed: %d", res.StatusCode)
	}
}
