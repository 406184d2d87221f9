package ops

import (
	"context"
	"fmt"
	"time"

	"participe/internal/db"
	"participe/internal/i18n"
	"participe/internal/jobs"
	"participe/internal/participe"
)

// Due is what a kind's purge will touch for a body: at the next run, and in the 30 days
// after it.
type Due struct {
	Policy
	Action  string
	NextRun time.Time
	Cutoff  time.Time // data older than this (or initiatives closed before) goes at NextRun
	DueNext int64
	Due30   int64
	Tables  []string
	Missing []string // tables of this kind absent from the database (skipped)
}

// Preview tells, per kind, what will be purged and when.
func (r *Retention) Preview(ctx context.Context, a *participe.Actor, bodyID int64) ([]Due, error) {
	if err := canView(a, bodyID); err != nil {
		return nil, err
	}
	pols, err := r.policies(ctx, bodyID)
	if err != nil {
		return nil, err
	}
	next := NextRun(r.clock.Now())
	have := tableCache{db: r.db}
	out := make([]Due, 0, len(pols))
	for _, p := range pols {
		d := Due{Policy: p, Action: Action(p.Kind), NextRun: next}
		if p.Days > 0 {
			d.Cutoff = Cutoff(next, p.Days)
		}
		for _, t := range targets {
			if t.kind != p.Kind {
				continue
			}
			ok, err := have.all(ctx, t.needs)
			if err != nil {
				return nil, err
			}
			if !ok {
				d.Missing = append(d.Missing, t.table)
				continue
			}
			d.Tables = appendOnce(d.Tables, t.table)
			if p.Days == 0 {
				continue
			}
			n, err := r.count(ctx, t, bodyID, d.Cutoff)
			if err != nil {
				return nil, err
			}
			d.DueNext += n
			n30, err := r.count(ctx, t, bodyID, d.Cutoff.Add(30*24*time.Hour))
			if err != nil {
				return nil, err
			}
			d.Due30 += n30
		}
		out = append(out, d)
	}
	return out, nil
}

func appendOnce(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

func (r *Retention) count(ctx context.Context, t target, bodyID int64, cutoff time.Time) (int64, error) {
	var n int64
	if err := r.db.QueryRow(ctx, t.countSQL(), bodyID, cutoff.Unix()).Scan(&n); err != nil {
		return 0, fmt.Errorf("retention count %s: %w", t.table, err)
	}
	return n, nil
}

// Report sums up one run.
type Report struct {
	Key      string
	Affected map[string]int64 // per kind, plus "housekeeping"
	Errors   int
}

// Run applies every body's plan at the clock's time and records each action in
// retention_runs, in the same transaction as the action. It is idempotent: running it
// twice the same day finds nothing more to do. A failing table is recorded and the run
// goes on.
func (r *Retention) Run(ctx context.Context) (Report, error) {
	now := r.clock.Now()
	rep := Report{Key: now.In(i18n.Quebec).Format("2006-01-02"), Affected: map[string]int64{}}
	var bodies []int64
	rows, err := r.db.Query(ctx, `SELECT id FROM bodies ORDER BY id`)
	if err != nil {
		return rep, fmt.Errorf("retention: bodies: %w", err)
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return rep, err
		}
		bodies = append(bodies, id)
	}
	rows.Close()
	have := tableCache{db: r.db}
	for _, bodyID := range bodies {
		pols, err := r.policies(ctx, bodyID)
		if err != nil {
			return rep, err
		}
		for _, p := range pols {
			if p.Days == 0 {
				continue
			}
			cutoff := Cutoff(now, p.Days)
			for _, t := range targets {
				if t.kind != p.Kind {
					continue
				}
				if ok, err := have.all(ctx, t.needs); err != nil || !ok {
					continue
				}
				n, err := r.apply(ctx, rep.Key, bodyID, t.kind, t.verb, t.table, t.applySQL(), now, cutoff, bodyID, cutoff.Unix())
				if err != nil {
					rep.Errors++
					continue
				}
				rep.Affected[p.Kind] += n
			}
		}
	}
	for _, c := range chores {
		if ok, err := have.all(ctx, []string{c.table}); err != nil || !ok {
			continue
		}
		cutoff := Cutoff(now, c.keep)
		n, err := r.apply(ctx, rep.Key, 0, "housekeeping", "delete", c.table,
			`DELETE FROM `+c.table+` WHERE `+c.where, now, cutoff, cutoff.Unix())
		if err != nil {
			rep.Errors++
			continue
		}
		rep.Affected["housekeeping"] += n
	}
	return rep, nil
}

// apply runs one purge statement and records it (only when it touched something, or
// failed) in the same transaction.
func (r *Retention) apply(ctx context.Context, key string, bodyID int64, kind, verb, table, q string, now, cutoff time.Time, args ...any) (int64, error) {
	var n int64
	err := r.db.Write(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, q, args...)
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		if n == 0 {
			return nil
		}
		_, err = tx.Exec(ctx, `INSERT INTO retention_runs (run_key, body_id, kind, action, target, cutoff, affected, status, ran_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, 'ok', ?)`, key, nullID(bodyID), kind, verb, table, db.T(cutoff), n, db.T(now))
		return err
	})
	if err != nil {
		_, rerr := r.db.Exec(ctx, `INSERT INTO retention_runs (run_key, body_id, kind, action, target, cutoff, affected, status, error, ran_at)
			VALUES (?, ?, ?, ?, ?, ?, 0, 'error', ?, ?)`, key, nullID(bodyID), kind, verb, table, db.T(cutoff), truncate(err.Error(), 1000), db.T(now))
		if rerr != nil {
			return 0, fmt.Errorf("retention %s: %w (and not recorded: %v)", table, err, rerr)
		}
		return 0, fmt.Errorf("retention %s: %w", table, err)
	}
	return n, nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// RunRecord is one line of the run log.
type RunRecord struct {
	Key      string
	Kind     string
	Action   string
	Table    string
	Cutoff   time.Time
	Affected int64
	Status   string
	Error    string
	RanAt    time.Time
}

// Runs returns the body's latest run records, newest first.
func (r *Retention) Runs(ctx context.Context, a *participe.Actor, bodyID int64, limit int) ([]RunRecord, error) {
	if err := canView(a, bodyID); err != nil {
		return nil, err
	}
	rows, err := r.db.Query(ctx, `SELECT run_key, kind, action, target, cutoff, affected, status, error, ran_at
		FROM retention_runs WHERE body_id = ? ORDER BY ran_at DESC, id DESC LIMIT ?`, bodyID, limit)
	if err != nil {
		return nil, fmt.Errorf("retention runs: %w", err)
	}
	defer rows.Close()
	var out []RunRecord
	for rows.Next() {
		var x RunRecord
		var cutoff, ran db.Time
		if err := rows.Scan(&x.Key, &x.Kind, &x.Action, &x.Table, &cutoff, &x.Affected, &x.Status, &x.Error, &ran); err != nil {
			return nil, err
		}
		x.Cutoff, x.RanAt = cutoff.Time, ran.Time
		out = append(out, x)
	}
	return out, rows.Err()
}

// tableCache answers "does this table exist?" once per table.
type tableCache struct {
	db   *db.DB
	seen map[string]bool
}

func (c *tableCache) all(ctx context.Context, tables []string) (bool, error) {
	if c.seen == nil {
		c.seen = map[string]bool{}
	}
	for _, t := range tables {
		ok, known := c.seen[t]
		if !known {
			var err error
			ok, err = TableExists(ctx, c.db, t)
			if err != nil {
				return false, err
			}
			c.seen[t] = ok
		}
		if !ok {
			return false, nil
		}
	}
	return true, nil
}

// TableExists tells whether a table exists in the database.
func TableExists(ctx context.Context, d *db.DB, table string) (bool, error) {
	q := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?`
	if d.Engine == db.Postgres {
		q = `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?`
	}
	var n int
	if err := d.QueryRow(ctx, q, table).Scan(&n); err != nil {
		return false, err
	}
	return n > 0, nil
}

// JobRetention is the kind of the daily retention job.
const JobRetention = "ops.retention"

// RegisterRetentionJob makes q run the retention plan daily: each run schedules the
// next one (a unique key per day, so several servers scheduling it agree on one job).
func RegisterRetentionJob(q *jobs.Queue, r *Retention) {
	q.Handle(JobRetention, func(ctx context.Context, _ []byte) error {
		if _, err := r.Run(ctx); err != nil {
			return err
		}
		return ScheduleRetention(ctx, q, r.clock.Now())
	})
}

// ScheduleRetention enqueues the next daily run after now (no-op when it is already).
func ScheduleRetention(ctx context.Context, q *jobs.Queue, now time.Time) error {
	next := NextRun(now)
	return q.Enqueue(ctx, JobRetention, struct{}{}, jobs.Options{
		RunAt: next, UniqueKey: JobRetention + ":" + next.In(i18n.Quebec).Format("2006-01-02"), MaxAttempts: 5,
	})
}
