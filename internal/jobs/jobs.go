// Package jobs is Participe's database-backed job queue. A job is enqueued inside the
// transaction of the write that causes it (so it is never lost, and never created for a
// write that rolled back), claimed with a time-limited lease (so each runs once even
// with several workers, and a crashed worker's jobs come back), and retried with
// exponential back-off. See docs/decisions.md for why not River.
package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"os"
	"strconv"
	"sync"
	"time"

	"participe/internal/db"
	"participe/internal/participe"
)

// Handler runs one job. A returned error retries the job later.
type Handler func(ctx context.Context, payload []byte) error

// Queue enqueues and runs jobs.
type Queue struct {
	db       *db.DB
	clock    participe.Clock
	log      *slog.Logger
	mu       sync.RWMutex
	handlers map[string]Handler
	// Lease is how long a claimed job is reserved before another worker may take it.
	Lease time.Duration
	// Poll is how often an idle worker looks for work.
	Poll time.Duration
	// Concurrency is how many jobs one worker runs at once.
	Concurrency int
	workerID    string
	wake        chan struct{}
}

// New returns a queue on d.
func New(d *db.DB, clock participe.Clock, log *slog.Logger) *Queue {
	host, _ := os.Hostname()
	return &Queue{
		db: d, clock: clock, log: log, handlers: map[string]Handler{},
		Lease: 2 * time.Minute, Poll: time.Second, Concurrency: 4,
		workerID: host + ":" + strconv.Itoa(os.Getpid()),
		wake:     make(chan struct{}, 1),
	}
}

// Handle registers the handler of a kind of job. Register before Run.
func (q *Queue) Handle(kind string, h Handler) {
	q.mu.Lock()
	q.handlers[kind] = h
	q.mu.Unlock()
}

// Options tune one job.
type Options struct {
	// RunAt delays the job (zero: now).
	RunAt time.Time
	// UniqueKey makes the enqueue a no-op when a job with that key already exists
	// (reminders "sent once").
	UniqueKey string
	// MaxAttempts bounds retries (default 12, about a day of back-off).
	MaxAttempts int
}

// EnqueueTx adds a job inside tx.
func (q *Queue) EnqueueTx(ctx context.Context, tx *db.Tx, kind string, payload any, opts Options) error {
	raw, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("jobs: encode %s: %w", kind, err)
	}
	now := q.clock.Now()
	runAt := opts.RunAt
	if runAt.IsZero() {
		runAt = now
	}
	max := opts.MaxAttempts
	if max <= 0 {
		max = 12
	}
	var unique any
	if opts.UniqueKey != "" {
		unique = opts.UniqueKey
	}
	_, err = tx.Exec(ctx, `INSERT INTO jobs (kind, payload, run_at, max_attempts, unique_key, created_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (unique_key) DO NOTHING`,
		kind, string(raw), db.T(runAt), max, unique, db.T(now))
	if err != nil {
		return fmt.Errorf("jobs: enqueue %s: %w", kind, err)
	}
	q.Notify()
	return nil
}

// Enqueue adds a job in its own transaction.
func (q *Queue) Enqueue(ctx context.Context, kind string, payload any, opts Options) error {
	return q.db.Write(ctx, func(tx *db.Tx) error { return q.EnqueueTx(ctx, tx, kind, payload, opts) })
}

// Notify wakes a local worker early (new work was enqueued by this process).
func (q *Queue) Notify() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// Job is a claimed job.
type Job struct {
	ID       int64
	Kind     string
	Payload  []byte
	Attempts int
	Max      int
}

// claim leases up to n due jobs to this worker. Jobs whose lease ran out (a worker died)
// are due again.
func (q *Queue) claim(ctx context.Context, n int) ([]Job, error) {
	now := q.clock.Now()
	skipLocked := ""
	if q.db.Engine == db.Postgres {
		skipLocked = " FOR UPDATE SKIP LOCKED"
	}
	var jobs []Job
	err := q.db.Write(ctx, func(tx *db.Tx) error {
		jobs = jobs[:0]
		rows, err := tx.Query(ctx, `UPDATE jobs SET state = 'running', locked_by = ?, locked_until = ?, attempts = attempts + 1
			WHERE id IN (SELECT id FROM jobs
				WHERE (state = 'available' AND run_at <= ?) OR (state = 'running' AND locked_until < ?)
				ORDER BY run_at, id LIMIT ?`+skipLocked+`)
			RETURNING id, kind, payload, attempts, max_attempts`,
			q.workerID, db.T(now.Add(q.Lease)), db.T(now), db.T(now), n)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var j Job
			var payload string
			if err := rows.Scan(&j.ID, &j.Kind, &payload, &j.Attempts, &j.Max); err != nil {
				return err
			}
			j.Payload = []byte(payload)
			jobs = append(jobs, j)
		}
		return rows.Err()
	})
	return jobs, err
}

// Backoff is the delay before retry number attempt (1-based): 10 s, 20 s, 40 s… capped
// at 2 hours.
func Backoff(attempt int) time.Duration {
	d := time.Duration(math.Pow(2, float64(attempt-1))) * 10 * time.Second
	if d > 2*time.Hour || d <= 0 {
		return 2 * time.Hour
	}
	return d
}

func (q *Queue) finish(ctx context.Context, j Job, runErr error) error {
	now := q.clock.Now()
	if runErr == nil {
		_, err := q.db.Exec(ctx, `UPDATE jobs SET state = 'done', finished_at = ?, locked_until = NULL WHERE id = ? AND locked_by = ?`,
			db.T(now), j.ID, q.workerID)
		return err
	}
	if j.Attempts >= j.Max {
		_, err := q.db.Exec(ctx, `UPDATE jobs SET state = 'failed', finished_at = ?, last_error = ?, locked_until = NULL WHERE id = ?`,
			db.T(now), truncate(runErr.Error(), 2000), j.ID)
		return err
	}
	_, err := q.db.Exec(ctx, `UPDATE jobs SET state = 'available', run_at = ?, last_error = ?, locked_until = NULL WHERE id = ?`,
		db.T(now.Add(Backoff(j.Attempts))), truncate(runErr.Error(), 2000), j.ID)
	return err
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
