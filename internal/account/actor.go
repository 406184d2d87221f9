// Package account holds people, sign-in, second factors, OIDC, staff roles scoped per
// public body, consent and "my data".
package account

import (
	"context"
	"database/sql"

	"participe/internal/db"
	"participe/internal/participe"
)

// actorQuery reads the person and their staff roles in one statement (one row per role,
// one row with NULL role for a participant): every signed-in request runs it, so it is
// one prepared read instead of two. Roles are read fresh on every request, never cached:
// a role withdrawn on one app server is gone on the next request on every server.
const actorQuery = `SELECT p.pseudonym, p.locale, p.platform_admin, p.deleted_at, r.body_id, r.role
	FROM people p LEFT JOIN staff_roles r ON r.person_id = p.id
	WHERE p.id = ?`

// LoadActor loads the person and their staff roles for a signed-in session. A deleted
// or unknown person is ENOTFOUND (the session is then dropped).
func LoadActor(ctx context.Context, d *db.DB, personID int64) (*participe.Actor, error) {
	rows, err := d.Query(ctx, actorQuery, personID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	a := &participe.Actor{PersonID: personID}
	found := false
	for rows.Next() {
		var (
			deleted db.Time
			body    sql.NullInt64
			role    sql.NullString
		)
		if err := rows.Scan(&a.Pseudonym, &a.Locale, &a.PlatformAdmin, &deleted, &body, &role); err != nil {
			return nil, err
		}
		if !deleted.IsZero() {
			return nil, participe.Errorf(participe.ENOTFOUND, "person deleted")
		}
		found = true
		if body.Valid && role.Valid {
			a.Roles = append(a.Roles, participe.Role{BodyID: body.Int64, Role: role.String})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if !found {
		return nil, participe.Errorf(participe.ENOTFOUND, "person not found")
	}
	return a, nil
}
