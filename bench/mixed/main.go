// Command mixed is the mixed read/write load scenario of docs/performance.md
// ("Reliability"): signed-in people browse (90 %) and vote or comment (10 %) on one or
// several app servers, as behind a load balancer. It prints throughput and latency
// percentiles per kind of request and, given the process ids (-pids, -pg-pid), the CPU
// time per request of the app processes and of PostgreSQL.
//
//	go run ./bench/mixed -url http://127.0.0.1:8080 -database sqlite:bench/.data/large.db
//	go run ./bench/mixed -url http://a:8080,http://b:8080 -database postgres://… -c 64 -d 30s
//
// The servers must trust X-Forwarded-For (PARTICIPE_TRUST_PROXY=true): each simulated
// person gets its own address, as real people would, so the per-address sign-in limit
// applies per person. Bench accounts (bench-N@example.test) are created in the database
// directly; the proposals voted on are the open ones found in it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"participe/internal/account"
	"participe/internal/db"
)

const benchPassword = "mot de passe du banc d'essai 2026"

type target struct {
	slug string
	id   int64
}

type sample struct {
	class string
	dur   time.Duration
	ok    bool
	code  int
}

func main() {
	urls := flag.String("url", "http://127.0.0.1:8080", "base URL(s) of the app servers, comma-separated (round robin)")
	dsn := flag.String("database", os.Getenv("PARTICIPE_DATABASE"), "database of the servers (to create bench accounts and find proposals)")
	conns := flag.Int("c", 64, "concurrent signed-in people (one connection each)")
	dur := flag.Duration("d", 30*time.Second, "duration of the measure")
	writes := flag.Float64("writes", 0.10, "share of writes (votes and comments)")
	commentShare := flag.Float64("comments", 0.2, "share of comments among writes (the rest are votes)")
	quiet := flag.Bool("q", false, "print only the result table")
	pids := flag.String("pids", "", "process ids of the app servers and workers, comma-separated (CPU per request)")
	pgPID := flag.Int("pg-pid", 0, "process id of the PostgreSQL postmaster (its backends' CPU per request)")
	spread := flag.Bool("spread", false, "spread the load over every open initiative (default: the first 5,000 open proposals)")
	flag.Parse()
	m := &cpuMeter{pgPID: *pgPID}
	var err error
	if m.pids, err = parsePIDs(*pids); err != nil {
		fmt.Fprintln(os.Stderr, "mixed:", err)
		os.Exit(2)
	}
	if err := run(*urls, *dsn, *conns, *dur, *writes, *commentShare, *quiet, *spread, m); err != nil {
		fmt.Fprintln(os.Stderr, "mixed:", err)
		os.Exit(1)
	}
}

func run(urlList, dsn string, conns int, dur time.Duration, writeShare, commentShare float64, quiet, spread bool, m *cpuMeter) error {
	ctx := context.Background()
	bases := strings.Split(urlList, ",")
	d, err := db.Open(ctx, db.Options{DSN: dsn})
	if err != nil {
		return err
	}
	defer d.Close()
	targets, slugs, err := findTargets(ctx, d, spread)
	if err != nil {
		return err
	}
	if len(targets) == 0 {
		return errors.New("no open proposal in the database: seed it (seed-large or demo) first")
	}
	logf := func(format string, args ...any) {
		if !quiet {
			fmt.Fprintf(os.Stderr, format+"\n", args...)
		}
	}
	logf("mixed: %d open proposals, %d initiatives; creating and signing in %d people…", len(targets), len(slugs), conns)
	ids, err := ensurePeople(ctx, d, conns)
	if err != nil {
		return err
	}
	transport := &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}
	client := &http.Client{Transport: transport, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	cookies := make([]*http.Cookie, conns)
	var wg sync.WaitGroup
	var signErr atomic.Value
	sem := make(chan struct{}, 4) // sign-in hashes passwords: a few at a time
	for i := range cookies {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			c, err := signIn(client, bases[i%len(bases)], i)
			if err != nil {
				signErr.Store(err)
				return
			}
			cookies[i] = c
		}(i)
	}
	wg.Wait()
	if err, _ := signErr.Load().(error); err != nil {
		return err
	}
	_ = ids

	logf("mixed: measuring %v with %d people on %d server(s), %.0f %% writes…", dur, conns, len(bases), writeShare*100)
	samples := make([][]sample, conns)
	deadline := time.Now().Add(dur)
	start := time.Now()
	m.start()
	for i := 0; i < conns; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(i), uint64(time.Now().UnixNano())))
			n := 0
			for time.Now().Before(deadline) {
				base := bases[(i+n)%len(bases)]
				n++
				samples[i] = append(samples[i], one(client, rng, base, cookies[i], i, targets, slugs, writeShare, commentShare))
			}
		}(i)
	}
	wg.Wait()
	elapsed := time.Since(start)
	appCPU, pgCPU := m.stop()
	n := report(os.Stdout, bases, conns, elapsed, writeShare, samples)
	if len(m.pids) > 0 && n > 0 {
		fmt.Printf("# CPU per request: app processes %.2f ms (%.1f s CPU over %.1f s for %d requests)",
			float64(appCPU.Microseconds())/1000/float64(n), appCPU.Seconds(), elapsed.Seconds(), n)
		if m.pgPID > 0 {
			fmt.Printf(", PostgreSQL %.2f ms, total %.2f ms", float64(pgCPU.Microseconds())/1000/float64(n),
				float64((appCPU+pgCPU).Microseconds())/1000/float64(n))
		}
		fmt.Println()
	}
	return nil
}

func findTargets(ctx context.Context, d *db.DB, spread bool) ([]target, []string, error) {
	now := time.Now().Unix()
	// By default the first 5,000 open proposals: on the large data set, all in the
	// 10,000-proposal initiative (the hot spot, as in the figures of docs/performance.md).
	// With spread, at most 100 per initiative: the load covers every open initiative.
	perInitiative := 1 << 30
	if spread {
		perInitiative = 100
	}
	rows, err := d.Query(ctx, `SELECT slug, id FROM (
		SELECT i.slug, p.id, ROW_NUMBER() OVER (PARTITION BY p.initiative_id ORDER BY p.id) AS rn FROM proposals p
		JOIN contributions c ON c.id = p.id JOIN initiatives i ON i.id = p.initiative_id
		LEFT JOIN proposal_settings s ON s.initiative_id = i.id
		WHERE c.status = 'published' AND i.state = 'published' AND i.starts_at <= ? AND i.ends_at > ?
		AND (s.voting_open IS NULL OR s.voting_open = ?)) t
		WHERE rn <= ? ORDER BY id LIMIT 5000`, now, now, true, perInitiative)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var ts []target
	seen := map[string]bool{}
	var slugs []string
	for rows.Next() {
		var t target
		if err := rows.Scan(&t.slug, &t.id); err != nil {
			return nil, nil, err
		}
		ts = append(ts, t)
		if !seen[t.slug] {
			seen[t.slug] = true
			slugs = append(slugs, t.slug)
		}
	}
	return ts, slugs, rows.Err()
}

func ensurePeople(ctx context.Context, d *db.DB, n int) ([]int64, error) {
	hash, err := account.HashPassword(benchPassword)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	ids := make([]int64, n)
	for i := 0; i < n; i++ {
		email := fmt.Sprintf("bench-%d@example.test", i)
		if _, err := d.Exec(ctx, `INSERT INTO people (email, pseudonym, password_hash, email_verified_at, created_at)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (email) DO NOTHING`, email, fmt.Sprintf("Banc%d", i), hash, db.T(now), db.T(now)); err != nil {
			return nil, err
		}
		if err := d.QueryRow(ctx, `SELECT id FROM people WHERE email = ?`, email).Scan(&ids[i]); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

func xff(i int) string { return fmt.Sprintf("10.77.%d.%d", (i>>8)&255, i&255) }

func signIn(client *http.Client, base string, i int) (*http.Cookie, error) {
	form := url.Values{"email": {fmt.Sprintf("bench-%d@example.test", i)}, "password": {benchPassword}}
	req, _ := http.NewRequest(http.MethodPost, base+"/connexion", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", xff(i))
	res, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	io.Copy(io.Discard, res.Body) //nolint:errcheck
	res.Body.Close()
	for _, c := range res.Cookies() {
		if c.Name == "participe_session" && c.Value != "" && res.StatusCode == http.StatusSeeOther {
			return c, nil
		}
	}
	return nil, fmt.Errorf("sign-in of bench-%d: status %d (is PARTICIPE_TRUST_PROXY=true?)", i, res.StatusCode)
}

// one sends one request: a read of a page people open while taking part, or a write.
func one(client *http.Client, rng *rand.Rand, base string, cookie *http.Cookie, who int, ts []target, slugs []string,
	writeShare, commentShare float64) sample {
	t := ts[rng.IntN(len(ts))]
	var method, path, class string
	var body url.Values
	if rng.Float64() < writeShare {
		method = http.MethodPost
		if rng.Float64() < commentShare {
			class, path = "comment", fmt.Sprintf("/initiatives/%s/propositions/%d/commentaires", t.slug, t.id)
			body = url.Values{"text": {fmt.Sprintf("Commentaire de charge %d : je suis d'accord avec cette proposition.", rng.Int64())}}
		} else {
			v := "1"
			if rng.IntN(4) == 0 {
				v = "-1"
			}
			class, path = "vote", fmt.Sprintf("/initiatives/%s/propositions/%d/vote", t.slug, t.id)
			body = url.Values{"value": {v}}
		}
	} else {
		method = http.MethodGet
		switch k := rng.IntN(10); {
		case k < 2:
			class, path = "read", "/"
		case k < 4:
			class, path = "read", "/initiatives?status=open"
		case k < 5:
			class, path = "read", "/initiatives/"+slugs[rng.IntN(len(slugs))]
		case k < 7:
			class, path = "read", "/initiatives/"+t.slug+"/propositions"
		default:
			class, path = "read", fmt.Sprintf("/initiatives/%s/propositions/%d", t.slug, t.id)
		}
	}
	var rd io.Reader
	if body != nil {
		rd = strings.NewReader(body.Encode())
	}
	req, _ := http.NewRequest(method, base+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("X-Forwarded-For", xff(who))
	req.AddCookie(cookie)
	start := time.Now()
	res, err := client.Do(req)
	if err != nil {
		return sample{class: class, dur: time.Since(start)}
	}
	io.Copy(io.Discard, res.Body) //nolint:errcheck
	res.Body.Close()
	d := time.Since(start)
	ok := res.StatusCode == http.StatusOK || (method == http.MethodPost && res.StatusCode == http.StatusSeeOther)
	return sample{class: class, dur: d, ok: ok, code: res.StatusCode}
}

func pct(ds []time.Duration, p float64) float64 {
	if len(ds) == 0 {
		return 0
	}
	i := int(float64(len(ds)-1) * p)
	return float64(ds[i].Microseconds()) / 1000
}

// report prints the result table and returns the number of requests measured.
func report(w io.Writer, bases []string, conns int, elapsed time.Duration, writeShare float64, samples [][]sample) int {
	by := map[string][]time.Duration{}
	errs := map[string]int{}
	limited := map[string]int{}
	codes := map[string]map[int]int{}
	for _, ss := range samples {
		for _, s := range ss {
			for _, c := range []string{"all", s.class} {
				by[c] = append(by[c], s.dur)
				if s.code == http.StatusTooManyRequests && s.class != "read" {
					// A person's write limit (e.g. 10 comments a minute): the app's
					// correct answer to a simulated person far busier than a real one.
					limited[c]++
				} else if !s.ok {
					errs[c]++
					if codes[c] == nil {
						codes[c] = map[int]int{}
					}
					codes[c][s.code]++
				}
			}
		}
	}
	fmt.Fprintf(w, "# mixed: %d server(s), %d signed-in people, %.0f s, %.0f %% writes, %s\n", len(bases), conns,
		elapsed.Seconds(), writeShare*100, time.Now().UTC().Format(time.RFC3339))
	fmt.Fprintf(w, "%-8s %9s %9s %8s %8s %8s %8s %7s %7s\n", "class", "requests", "req/s", "p50_ms", "p95_ms", "p99_ms", "max_ms", "errors", "limited")
	for _, c := range []string{"all", "read", "vote", "comment"} {
		ds := by[c]
		if len(ds) == 0 {
			continue
		}
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		fmt.Fprintf(w, "%-8s %9d %9.0f %8.1f %8.1f %8.1f %8.1f %7d %7d\n", c, len(ds), float64(len(ds))/elapsed.Seconds(),
			pct(ds, .50), pct(ds, .95), pct(ds, .99), float64(ds[len(ds)-1].Microseconds())/1000, errs[c], limited[c])
	}
	if len(codes["all"]) > 0 {
		fmt.Fprintf(w, "# failed answers by status (0 = no answer): %v\n", codes["all"])
	}
	if limited["all"] > 0 {
		fmt.Fprintf(w, "# limited: writes refused with 429 by the per-person rate limits (not errors)\n")
	}
	return len(by["all"])
}
