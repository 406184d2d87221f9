// Package ops holds what operators need: the records-retention plan ("plan de
// conservation", Law 25) and its daily job, online backups and restores, and the
// helpers of the crash and scale-out tests.
package ops

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"participe/internal/audit"
	"participe/internal/db"
	"participe/internal/i18n"
	"participe/internal/participe"
)

// Kinds of data a body sets a retention period for.
const (
	KindPersonalData  = "personal_data"  // who took part: author links, names given on paper, survey respondents
	KindContributions = "contributions"  // the raw contributions themselves (aggregates and results stay)
	KindModeration    = "moderation_log" // reports and their handling
	KindAudit         = "audit_log"      // the back-office audit log
)

// Kinds lists the kinds in the order pages show them.
var Kinds = []string{KindPersonalData, KindContributions, KindModeration, KindAudit}

// DefaultDays are the platform defaults when a body set nothing (0 = kept without
// limit). Raw contributions of a public consultation are archives: kept by default.
var DefaultDays = map[string]int{
	KindPersonalData:  730,
	KindContributions: 0,
	KindModeration:    365,
	KindAudit:         2555,
}

// MaxDays bounds a period (100 years): beyond, "without limit" (0) says it better.
const MaxDays = 36500

// Policy is one retention period of a body.
type Policy struct {
	BodyID    int64
	Kind      string
	Days      int
	IsDefault bool
	UpdatedAt time.Time
}

// Action tells what a kind's purge does.
func Action(kind string) string {
	if kind == KindPersonalData {
		return "anonymise"
	}
	return "delete"
}

// Retention is the retention service.
type Retention struct {
	db    *db.DB
	clock participe.Clock
}

// NewRetention returns the service.
func NewRetention(d *db.DB, clock participe.Clock) *Retention {
	return &Retention{db: d, clock: clock}
}

func canView(a *participe.Actor, bodyID int64) error {
	if a == nil {
		return participe.Errorf(participe.EUNAUTHORIZED, "sign in to see the retention plan")
	}
	if !a.HasAny(bodyID, participe.RoleBodyAdmin, participe.RoleManager) {
		return participe.Errorf(participe.EFORBIDDEN, "retention plan of body %d: not staff of it", bodyID)
	}
	return nil
}

func canEdit(a *participe.Actor, bodyID int64) error {
	if a == nil {
		return participe.Errorf(participe.EUNAUTHORIZED, "sign in to change the retention plan")
	}
	if !a.Has(participe.RoleBodyAdmin, bodyID) {
		return participe.Errorf(participe.EFORBIDDEN, "retention plan of body %d: body admins only", bodyID)
	}
	return nil
}

// Policies returns the body's periods, defaults filled in, in Kinds order.
func (r *Retention) Policies(ctx context.Context, a *participe.Actor, bodyID int64) ([]Policy, error) {
	if err := canView(a, bodyID); err != nil {
		return nil, err
	}
	return r.policies(ctx, bodyID)
}

func (r *Retention) policies(ctx context.Context, bodyID int64) ([]Policy, error) {
	rows, err := r.db.Query(ctx, `SELECT kind, days, updated_at FROM retention_policies WHERE body_id = ?`, bodyID)
	if err != nil {
		return nil, fmt.Errorf("retention policies: %w", err)
	}
	defer rows.Close()
	set := map[string]Policy{}
	for rows.Next() {
		var p Policy
		var at db.Time
		if err := rows.Scan(&p.Kind, &p.Days, &at); err != nil {
			return nil, err
		}
		p.BodyID, p.UpdatedAt = bodyID, at.Time
		set[p.Kind] = p
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]Policy, 0, len(Kinds))
	for _, k := range Kinds {
		p, ok := set[k]
		if !ok {
			p = Policy{BodyID: bodyID, Kind: k, Days: DefaultDays[k], IsDefault: true}
		}
		out = append(out, p)
	}
	return out, nil
}

// SetPolicies saves the body's periods (kind → days as typed); invalid values are
// refused with field errors and nothing is saved. The change is audited.
func (r *Retention) SetPolicies(ctx context.Context, a *participe.Actor, bodyID int64, values map[string]string, ip string) error {
	if err := canEdit(a, bodyID); err != nil {
		return err
	}
	days := map[string]int{}
	for _, k := range Kinds {
		v, ok := values[k]
		if !ok {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > MaxDays {
			return participe.FieldError(k, "ops.retention.error.days")
		}
		days[k] = n
	}
	now := r.clock.Now()
	return r.db.Write(ctx, func(tx *db.Tx) error {
		for _, k := range Kinds {
			n, ok := days[k]
			if !ok {
				continue
			}
			if _, err := tx.Exec(ctx, `INSERT INTO retention_policies (body_id, kind, days, updated_at, updated_by)
				VALUES (?, ?, ?, ?, ?) ON CONFLICT (body_id, kind) DO UPDATE
				SET days = excluded.days, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
				bodyID, k, n, db.T(now), a.PersonID); err != nil {
				return fmt.Errorf("save retention policy: %w", err)
			}
		}
		return audit.Record(ctx, tx, audit.Entry{At: now, ActorID: a.PersonID, BodyID: bodyID,
			Action: "retention.update", TargetType: "body", TargetID: bodyID, Details: fmt.Sprint(days), IP: ip})
	})
}

// NextRun is when the daily job runs next after t: 3 h in the morning, Québec time.
func NextRun(t time.Time) time.Time {
	q := t.In(i18n.Quebec)
	next := time.Date(q.Year(), q.Month(), q.Day(), 3, 0, 0, 0, i18n.Quebec)
	if !next.After(q) {
		next = time.Date(q.Year(), q.Month(), q.Day()+1, 3, 0, 0, 0, i18n.Quebec)
	}
	return next.UTC()
}

// Cutoff is the reference time before which data of a period of days is purged at t.
func Cutoff(t time.Time, days int) time.Time { return t.Add(-time.Duration(days) * 24 * time.Hour) }
