// Package audit records every back-office action (who, what, when, from where) in an
// append-only log readable by body admins (their body) and platform admins (all).
package audit

import (
	"context"
	"time"

	"participe/internal/db"
)

// Entry is one audited action.
type Entry struct {
	At         time.Time
	ActorID    int64 // 0 for the system (jobs) or an API token without a person
	BodyID     int64 // 0 for platform-wide actions
	Action     string
	TargetType string
	TargetID   int64
	Details    string
	IP         string
}

func nullable(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// Record appends an entry inside tx, so the action and its record commit together.
func Record(ctx context.Context, tx *db.Tx, e Entry) error {
	_, err := tx.Exec(ctx, `INSERT INTO audit_log (at, actor_id, body_id, action, target_type, target_id, details, ip)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, db.T(e.At), nullable(e.ActorID), nullable(e.BodyID), e.Action, e.TargetType,
		nullable(e.TargetID), e.Details, e.IP)
	return err
}
