package systest

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"participe/internal/account"
	"participe/internal/db"
	"participe/internal/db/dbtest"
	"participe/internal/events"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

var noRedirect = &http.Client{
	Timeout:       10 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

func postForm(t *testing.T, u string, form url.Values, cookies ...*http.Cookie) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range cookies {
		req.AddCookie(c)
	}
	res, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body) //nolint:errcheck
	res.Body.Close()
	return res
}

func get(t *testing.T, u string, cookies ...*http.Cookie) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	for _, c := range cookies {
		req.AddCookie(c)
	}
	res, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// openStream opens a live-event stream and waits until the server subscribed.
func openStream(t *testing.T, base, topic string) (*bufio.Reader, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/evenements?topic="+url.QueryEscape(topic), nil)
	req.Header.Set("Accept", "text/event-stream")
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != http.StatusOK {
		cancel()
		t.Fatalf("stream on %s: %v %v", base, err, res)
	}
	r := bufio.NewReader(res.Body)
	waitLine(t, r, ": connected")
	return r, func() { cancel(); res.Body.Close() }
}

func waitLine(t *testing.T, r *bufio.Reader, want string) string {
	t.Helper()
	got := make(chan string, 1)
	go func() {
		for {
			line, err := r.ReadString('\n')
			if strings.Contains(line, want) || err != nil {
				got <- line
				return
			}
		}
	}()
	select {
	case line := <-got:
		if !strings.Contains(line, want) {
			t.Fatalf("stream ended before %q", want)
		}
		return line
	case <-time.After(10 * time.Second):
		t.Fatalf("no %q within 10 s", want)
	}
	return ""
}

// TestScaleOutOnPostgres runs two app servers (serve --no-worker) and two workers, each
// its own process, on one PostgreSQL, and proves they share what matters: a session
// made on A works on B; a rate limit counts attempts made on A and B together; jobs
// enqueued through A and B run exactly once across the two workers; a live event
// reaches SSE clients on both servers (LISTEN/NOTIFY), and a real vote made on A reaches
// a stream open on B; a cache invalidation published
// once refreshes B's cached catalog at once; a back-office save on A refreshes the
// public page B serves from its page cache at once.
func TestScaleOutOnPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("system test: builds and runs the binary")
	}
	dsn := dbtest.PostgresURL(t)
	ctx := context.Background()
	d, err := db.Open(ctx, db.Options{DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	const password = "une phrase de passe assez longue 42"
	hash, err := account.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for _, who := range []string{"ana", "p1", "p2", "p3", "p4", "p5", "p6"} {
		if _, err := d.Exec(ctx, `INSERT INTO people (email, pseudonym, password_hash, email_verified_at, created_at)
			VALUES (?, ?, ?, ?, ?)`, who+"@example.test", "Pseudo-"+who, hash, db.T(now), db.T(now)); err != nil {
			t.Fatal(err)
		}
	}

	dir := t.TempDir()
	common := []string{"--database", dsn}
	a := Start(t, dir, "serve-a", append([]string{"serve", "--no-worker=true"}, common...)...)
	b := Start(t, dir, "serve-b", append([]string{"serve", "--no-worker=true"}, common...)...)
	w1 := Start(t, dir, "worker-1", append([]string{"worker", "--mail-log=true"}, common...)...)
	w2 := Start(t, dir, "worker-2", append([]string{"worker", "--mail-log=true"}, common...)...)

	t.Run("session made on A works on B", func(t *testing.T) {
		res := postForm(t, a.URL+"/connexion", url.Values{"email": {"ana@example.test"}, "password": {password}})
		var session *http.Cookie
		for _, c := range res.Cookies() {
			if c.Name == "participe_session" && c.Value != "" {
				session = c
			}
		}
		if res.StatusCode != http.StatusSeeOther || session == nil {
			t.Fatalf("sign-in on A: %d, cookie %v\n%s", res.StatusCode, session, a.Output())
		}
		status, body := get(t, b.URL+"/mon-espace", session)
		if status != http.StatusOK || !strings.Contains(body, "Pseudo-ana") {
			t.Fatalf("B with A's session: %d", status)
		}
		if status, _ := get(t, b.URL+"/mon-espace"); status != http.StatusSeeOther {
			t.Fatalf("B without a session: %d (want a redirect to sign in)", status)
		}
	})

	t.Run("rate limit counted across A and B", func(t *testing.T) {
		form := url.Values{"email": {"personne@example.test"}, "password": {"mauvais mot de passe"}}
		for i := 0; i < 10; i++ { // the limit is 10 attempts per address per 15 minutes
			srv := a
			if i%2 == 1 {
				srv = b
			}
			if res := postForm(t, srv.URL+"/connexion", form); res.StatusCode == http.StatusTooManyRequests {
				t.Fatalf("attempt %d on %s already limited", i+1, srv.Name)
			}
		}
		// A saw 5 attempts and B 5: only the shared count reaches the limit.
		for _, srv := range []*Proc{a, b} {
			if res := postForm(t, srv.URL+"/connexion", form); res.StatusCode != http.StatusTooManyRequests {
				t.Fatalf("11th attempt on %s: %d, want 429", srv.Name, res.StatusCode)
			}
		}
	})

	t.Run("each job runs once across two workers", func(t *testing.T) {
		targets := []string{"p1", "p2", "p3", "p4", "p5", "p6"}
		for i, who := range targets {
			srv := a
			if i%2 == 1 {
				srv = b
			}
			res := postForm(t, srv.URL+"/mot-de-passe-oublie", url.Values{"email": {who + "@example.test"}})
			if res.StatusCode >= 400 {
				t.Fatalf("reset request on %s: %d", srv.Name, res.StatusCode)
			}
		}
		deadline := time.Now().Add(30 * time.Second)
		for {
			var pending, total int
			if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM jobs WHERE kind = 'mail.send' AND state <> 'done'`).Scan(&pending); err != nil {
				t.Fatal(err)
			}
			_ = d.QueryRow(ctx, `SELECT COUNT(*) FROM jobs WHERE kind = 'mail.send'`).Scan(&total)
			if pending == 0 && total >= len(targets) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("mail jobs not done: %d of %d pending", pending, total)
			}
			time.Sleep(100 * time.Millisecond)
		}
		var retried int
		_ = d.QueryRow(ctx, `SELECT COUNT(*) FROM jobs WHERE kind = 'mail.send' AND attempts <> 1`).Scan(&retried)
		if retried != 0 {
			t.Errorf("%d jobs ran more than once", retried)
		}
		logs := w1.Output() + w2.Output()
		for _, who := range targets {
			if n := strings.Count(logs, `"to":"`+who+`@example.test"`); n != 1 {
				t.Errorf("mail to %s sent %d times by the workers", who, n)
			}
		}
		if strings.Contains(a.Output()+b.Output(), "mail (not sent") {
			t.Errorf("an app server started with --no-worker ran jobs")
		}
	})

	t.Run("live event reaches SSE clients on every server", func(t *testing.T) {
		onB, stopB := openStream(t, b.URL, "proposal:12")
		defer stopB()
		onA, stopA := openStream(t, a.URL, "proposal:12")
		defer stopA()
		// Publish as an app server does (bus bridged to PostgreSQL): this test process
		// is a third server.
		bus := events.New()
		br := events.NewBridge(dsn, d.SQL(), bus, nil)
		defer br.Stop()
		if err := bus.PublishFields(ctx, "proposal:12", map[string]any{"votes": 622}); err != nil {
			t.Fatal(err)
		}
		for name, r := range map[string]*bufio.Reader{"A": onA, "B": onB} {
			line := waitLine(t, r, "data: ")
			if !strings.Contains(line, `"votes":622`) {
				t.Fatalf("%s got %s", name, line)
			}
		}
	})

	t.Run("cache invalidation reaches the other server", func(t *testing.T) {
		if status, _ := get(t, b.URL+"/organismes"); status != http.StatusOK {
			t.Fatalf("bodies page: %d", status)
		}
		name := fmt.Sprintf("Organisme témoin %d", time.Now().UnixNano())
		if _, err := d.Exec(ctx, `INSERT INTO bodies (slug, name_fr, name_en) VALUES (?, ?, ?)`,
			fmt.Sprintf("temoin-%d", time.Now().UnixNano()), name, name); err != nil {
			t.Fatal(err)
		}
		_, body := get(t, b.URL+"/organismes")
		cached := !strings.Contains(body, name)
		bus := events.New()
		br := events.NewBridge(dsn, d.SQL(), bus, nil)
		defer br.Stop()
		if err := bus.Invalidate(ctx, "catalog"); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(3 * time.Second)
		for {
			if _, body = get(t, b.URL+"/organismes"); strings.Contains(body, name) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("B still serves its stale catalog 3 s after the invalidation")
			}
			time.Sleep(50 * time.Millisecond)
		}
		if !cached {
			t.Log("note: B did not cache the bodies list, the invalidation was not needed")
		}
	})

	t.Run("a vote made on A reaches a page open on B", func(t *testing.T) {
		testVoteOnAReachesB(t, ctx, d, a, b, hash, password)
	})

	t.Run("catalog write on A refreshes B's cached page at once", func(t *testing.T) {
		testCatalogWriteOnAReachesB(t, ctx, d, a, b, hash, password)
	})

	for _, p := range []*Proc{a, b, w1, w2} {
		if err := p.Stop(25 * time.Second); err != nil {
			t.Errorf("%s: graceful stop: %v", p.Name, err)
		}
	}
}
