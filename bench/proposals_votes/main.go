// Command proposals_votes measures authenticated, durable votes per second against a
// running Participe server (issue 5: ≥ 3,000 votes/s on SQLite at 64 connections).
//
// It signs in -users people of the seed-large data set by writing server-side
// sessions straight into the database (the same rows the app's session store writes),
// then -c workers POST votes on random proposals of the big initiative for -d, and
// prints votes/s and latency percentiles. A vote counts only when the server answered
// 303 (the redirect after a committed write).
//
//	go run ./bench/proposals_votes -url http://127.0.0.1:8080 -database sqlite:bench/.data/large.db -pid $(pidof participe)
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"log"
	mrand "math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"participe/internal/db"
	"participe/internal/seedlarge"
	"participe/internal/web"
)

func main() {
	base := flag.String("url", "http://127.0.0.1:8080", "server URL")
	dsn := flag.String("database", "", "the server's database (to create sessions and list proposals)")
	conns := flag.Int("c", 64, "concurrent connections")
	dur := flag.Duration("d", 10*time.Second, "duration")
	users := flag.Int("users", 2000, "signed-in people")
	person := flag.Int64("person", 0, "only print a session token signed in as this person id (for manual checks), then exit")
	pid := flag.Int("pid", 0, "the server's process id: also print its CPU time per vote (Linux /proc)")
	flag.Parse()
	if *dsn == "" {
		log.Fatal("-database is required")
	}
	ctx := context.Background()
	d, err := db.Open(ctx, db.Options{DSN: *dsn})
	if err != nil {
		log.Fatal(err)
	}
	if *person != 0 {
		tok, err := session(ctx, d, *person)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(tok)
		return
	}
	tokens, err := sessions(ctx, d, *users)
	if err != nil {
		log.Fatal(err)
	}
	var ids []int64
	rows, err := d.Query(ctx, `SELECT p.id FROM proposals p JOIN initiatives i ON i.id = p.initiative_id WHERE i.slug = ?`, seedlarge.BigInitiative)
	if err != nil {
		log.Fatal(err)
	}
	for rows.Next() {
		var id int64
		_ = rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	d.Close()
	if len(ids) == 0 {
		log.Fatal("no proposals: run participe seed-large first")
	}
	tr := &http.Transport{MaxIdleConnsPerHost: *conns, MaxConnsPerHost: *conns}
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	var ok, bad atomic.Int64
	lat := make([][]time.Duration, *conns)
	deadline := time.Now().Add(*dur)
	var wg sync.WaitGroup
	cpu0 := processCPU(*pid)
	start := time.Now()
	for w := 0; w < *conns; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			rng := mrand.New(mrand.NewPCG(uint64(w), uint64(time.Now().UnixNano())))
			for time.Now().Before(deadline) {
				tok := tokens[rng.IntN(len(tokens))]
				id := ids[rng.IntN(len(ids))]
				v := "1"
				if rng.IntN(4) == 0 {
					v = "-1"
				}
				form := url.Values{"value": {v}}.Encode()
				req, _ := http.NewRequest("POST", fmt.Sprintf("%s/initiatives/%s/propositions/%d/vote", *base, seedlarge.BigInitiative, id), strings.NewReader(form))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("Sec-Fetch-Site", "same-origin")
				req.AddCookie(&http.Cookie{Name: "participe_session", Value: tok})
				t0 := time.Now()
				res, err := client.Do(req)
				el := time.Since(t0)
				if err != nil {
					bad.Add(1)
					continue
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode == http.StatusSeeOther {
					ok.Add(1)
					lat[w] = append(lat[w], el)
				} else {
					bad.Add(1)
				}
			}
		}(w)
	}
	wg.Wait()
	secs := time.Since(start).Seconds()
	cpu1 := processCPU(*pid)
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	sort.Slice(all, func(a, b int) bool { return all[a] < all[b] })
	pct := func(p float64) float64 {
		if len(all) == 0 {
			return 0
		}
		return float64(all[min(len(all)-1, int(float64(len(all))*p))].Microseconds()) / 1000
	}
	fmt.Printf("votes      %10.1f/s  p50 %.2f ms  p95 %.2f ms  p99 %.2f ms  max %.2f ms  ok %d  errors %d  (%d connections, %s)\n",
		float64(ok.Load())/secs, pct(0.50), pct(0.95), pct(0.99), pct(1), ok.Load(), bad.Load(), *conns, *dur)
	if *pid != 0 && ok.Load() > 0 && cpu1 >= cpu0 && cpu0 >= 0 {
		fmt.Printf("server cpu %.3f ms per vote (%.2f s of CPU for %d requests; 2 cores / this = ceiling of votes/s)\n",
			float64(cpu1-cpu0)/1e6/float64(ok.Load()+bad.Load()), float64(cpu1-cpu0)/1e9, ok.Load()+bad.Load())
	}
	if bad.Load() > 0 {
		os.Exit(1)
	}
}

// sessions writes n signed-in sessions (second factor passed) for seed-large people.
func sessions(ctx context.Context, d *db.DB, n int) ([]string, error) {
	rows, err := d.Query(ctx, `SELECT id FROM people WHERE email LIKE '%@large.test' ORDER BY id LIMIT ?`, n)
	if err != nil {
		return nil, err
	}
	var people []int64
	for rows.Next() {
		var id int64
		_ = rows.Scan(&id)
		people = append(people, id)
	}
	rows.Close()
	var tokens []string
	for _, id := range people {
		tok, err := session(ctx, d, id)
		if err != nil {
			return nil, err
		}
		tokens = append(tokens, tok)
	}
	return tokens, nil
}

// session writes one signed-in session for person and returns its token.
func session(ctx context.Context, d *db.DB, person int64) (string, error) {
	expiry := time.Now().Add(2 * time.Hour)
	b, err := web.SessionCodec{}.Encode(expiry, map[string]interface{}{"person_id": person, "second_factor": true})
	if err != nil {
		return "", err
	}
	var raw [24]byte
	_, _ = rand.Read(raw[:])
	tok := hex.EncodeToString(raw[:])
	_, err = d.Exec(ctx, `INSERT INTO sessions (token, data, expiry) VALUES (?, ?, ?)`, tok, b, expiry.Unix())
	return tok, err
}

// processCPU is the user + system CPU time of process pid in nanoseconds (-1 when it
// cannot be read), from /proc/<pid>/stat (clock ticks of 1/100 s).
func processCPU(pid int) int64 {
	if pid == 0 {
		return -1
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return -1
	}
	// The command name (field 2) may hold spaces: fields are counted after its ')'.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return -1
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return -1
	}
	var utime, stime int64
	_, _ = fmt.Sscan(f[11], &utime)
	_, _ = fmt.Sscan(f[12], &stime)
	return (utime + stime) * int64(10*time.Millisecond)
}
