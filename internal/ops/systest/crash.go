package systest

import (
	"context"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"participe/internal/db"
)

// WriteKind is one kind of write the crash harness drives through the real HTTP
// endpoints, with the SQL check that tells whether an acknowledged write is stored.
// New kinds (survey responses, comments…) only need one more WriteKind.
type WriteKind struct {
	Name string
	// Do sends write number i to the server at base. acked is true only when the
	// server answered with its success response; a transport error or any other answer
	// is "not acknowledged" (the write may or may not be stored: both are allowed).
	Do func(ctx context.Context, client *http.Client, base string, i int64) (status int, acked bool, err error)
	// Stored tells whether write number i is in the database.
	Stored func(ctx context.Context, d *db.DB, i int64) (bool, error)
	// Consistent checks the invariants that a half-written transaction would break
	// (counters matching rows, every row with its companions). Optional.
	Consistent func(ctx context.Context, d *db.DB) error
}

// CrashConfig tunes a crash run.
type CrashConfig struct {
	Kinds   []WriteKind
	Writers int           // concurrent clients
	Rounds  int           // how many times the server is killed
	MinUp   time.Duration // the server runs at least this long before each kill
	MaxUp   time.Duration // and at most this long
	// Start starts (or restarts) the server and returns it.
	Start func(round int) *Proc
}

// CrashReport sums up a run.
type CrashReport struct {
	Attempts, Acked, Kills int64
	PerKind                map[string]int64 // acknowledged writes per kind
	// Statuses counts the answers per kind and HTTP status (0: no answer, server down).
	Statuses map[string]map[int]int64
}

// RunCrash drives writes of every kind from Writers clients while the server is killed
// with SIGKILL Rounds times at random moments and restarted; then it checks, on the
// database, that every acknowledged write is stored and every invariant holds.
func RunCrash(t *testing.T, dsn string, cfg CrashConfig) CrashReport {
	t.Helper()
	ctx := context.Background()
	rep := CrashReport{PerKind: map[string]int64{}, Statuses: map[string]map[int]int64{}}
	var (
		mu    sync.Mutex
		acked = map[string][]int64{}
		next  atomic.Int64
		url   atomic.Value
	)
	srv := cfg.Start(0)
	url.Store(srv.URL)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	var attempts atomic.Int64
	for w := 0; w < cfg.Writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				i := next.Add(1)
				k := cfg.Kinds[int(i)%len(cfg.Kinds)]
				attempts.Add(1)
				status, ok, err := k.Do(ctx, client, url.Load().(string), i)
				mu.Lock()
				if rep.Statuses[k.Name] == nil {
					rep.Statuses[k.Name] = map[int]int64{}
				}
				rep.Statuses[k.Name][status]++
				if err == nil && ok {
					acked[k.Name] = append(acked[k.Name], i)
				}
				mu.Unlock()
				if err != nil || !ok {
					time.Sleep(5 * time.Millisecond) // server down: do not spin
				}
			}
		}(w)
	}
	for round := 1; round <= cfg.Rounds; round++ {
		up := cfg.MinUp + time.Duration(rand.Int64N(int64(cfg.MaxUp-cfg.MinUp)+1))
		time.Sleep(up)
		srv.Kill()
		rep.Kills++
		srv = cfg.Start(round)
		url.Store(srv.URL)
	}
	time.Sleep(cfg.MinUp)
	close(stop)
	wg.Wait()
	srv.Kill()
	rep.Kills++

	// Check against the database as a fresh process would see it after the crash.
	d, err := db.Open(ctx, db.Options{DSN: dsn})
	if err != nil {
		t.Fatalf("open after crash: %v", err)
	}
	defer d.Close()
	rep.Attempts = attempts.Load()
	checked := map[string]bool{}
	for _, k := range cfg.Kinds {
		if checked[k.Name] { // a kind listed twice weighs more; check it once
			continue
		}
		checked[k.Name] = true
		for _, i := range acked[k.Name] {
			ok, err := k.Stored(ctx, d, i)
			if err != nil {
				t.Fatalf("%s #%d: check: %v", k.Name, i, err)
			}
			if !ok {
				t.Errorf("%s #%d was acknowledged but is not stored", k.Name, i)
			}
		}
		rep.PerKind[k.Name] = int64(len(acked[k.Name]))
		rep.Acked += int64(len(acked[k.Name]))
		if k.Consistent != nil {
			if err := k.Consistent(ctx, d); err != nil {
				t.Errorf("%s: half-written data: %v", k.Name, err)
			}
		}
	}
	t.Logf("crash run: %d kills, %d attempts, %d acknowledged %v; answers %v", rep.Kills, rep.Attempts, rep.Acked, rep.PerKind, rep.Statuses)
	return rep
}
