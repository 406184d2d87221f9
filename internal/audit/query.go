package audit

import (
	"context"
	"strings"
	"time"

	"participe/internal/db"
	"participe/internal/participe"
)

// Row is an entry as the journal viewer shows it.
type Row struct {
	ID         int64
	At         time.Time
	ActorID    int64
	Actor      string
	BodyID     int64
	Body       string
	Action     string
	TargetType string
	TargetID   int64
	Details    string
	IP         string
}

// Filter narrows the journal.
type Filter struct {
	BodyID  int64
	Action  string
	Page    int
	PerPage int
}

// VisibleBodies returns the bodies whose journal the actor may read: nil and all=true
// for a platform admin; the bodies where they are body admin otherwise.
func VisibleBodies(a *participe.Actor) (ids []int64, all bool) {
	if a == nil {
		return nil, false
	}
	if a.PlatformAdmin {
		return nil, true
	}
	for _, r := range a.Roles {
		if r.Role == participe.RoleBodyAdmin {
			ids = append(ids, r.BodyID)
		}
	}
	return ids, false
}

// List reads the journal for the actor: platform admins see everything, body admins
// their bodies' entries only; anyone else is refused. The log has no update or delete.
func List(ctx context.Context, d *db.DB, a *participe.Actor, f Filter) ([]Row, int, error) {
	if a.IsAnonymous() {
		return nil, 0, participe.Errorf(participe.EUNAUTHORIZED, "sign in")
	}
	bodies, all := VisibleBodies(a)
	if !all && len(bodies) == 0 {
		return nil, 0, participe.KeyError(participe.EFORBIDDEN, "error.forbidden.body")
	}
	var where []string
	var args []any
	if !all {
		where = append(where, `l.body_id IN (`+strings.TrimSuffix(strings.Repeat("?, ", len(bodies)), ", ")+`)`)
		for _, id := range bodies {
			args = append(args, id)
		}
	}
	if f.BodyID != 0 {
		if !all && !containsID(bodies, f.BodyID) {
			return nil, 0, participe.KeyError(participe.EFORBIDDEN, "error.forbidden.body")
		}
		where = append(where, `l.body_id = ?`)
		args = append(args, f.BodyID)
	}
	if f.Action != "" {
		where = append(where, `l.action = ?`)
		args = append(args, f.Action)
	}
	w := ""
	if len(where) > 0 {
		w = " WHERE " + strings.Join(where, " AND ")
	}
	var total int
	if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log l`+w, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if f.PerPage <= 0 {
		f.PerPage = 50
	}
	if f.Page < 1 {
		f.Page = 1
	}
	rows, err := d.Query(ctx, `SELECT l.id, l.at, COALESCE(l.actor_id, 0), COALESCE(p.pseudonym, ''), COALESCE(l.body_id, 0), COALESCE(b.name_fr, ''),
		l.action, l.target_type, COALESCE(l.target_id, 0), l.details, l.ip
		FROM audit_log l LEFT JOIN people p ON p.id = l.actor_id LEFT JOIN bodies b ON b.id = l.body_id`+w+`
		ORDER BY l.at DESC, l.id DESC LIMIT ? OFFSET ?`, append(args, f.PerPage, (f.Page-1)*f.PerPage)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Row
	for rows.Next() {
		var r Row
		var at db.Time
		if err := rows.Scan(&r.ID, &at, &r.ActorID, &r.Actor, &r.BodyID, &r.Body, &r.Action, &r.TargetType, &r.TargetID, &r.Details, &r.IP); err != nil {
			return nil, 0, err
		}
		r.At = at.Time
		out = append(out, r)
	}
	return out, total, rows.Err()
}

// Actions lists the distinct actions recorded (for the filter).
func Actions(ctx context.Context, d *db.DB) ([]string, error) {
	rows, err := d.Query(ctx, `SELECT DISTINCT action FROM audit_log ORDER BY action LIMIT 200`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

func containsID(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}
