// Package account holds people, sign-in, second factors, OIDC, staff roles scoped per
// public body, consent and "my data".
package account

import (
	"context"

	"participe/internal/db"
	"participe/internal/participe"
)

// LoadActor loads the person and their staff roles for a signed-in session. A deleted
// or unknown person is ENOTFOUND (the session is then dropped).
func LoadActor(ctx context.Context, d *db.DB, personID int64) (*participe.Actor, error) {
	a := &participe.Actor{PersonID: personID}
	var deleted db.Time
	err := d.QueryRow(ctx, `SELECT pseudonym, locale, platform_admin, deleted_at FROM people WHERE id = ?`, personID).
		Scan(&a.Pseudonym, &a.Locale, &a.PlatformAdmin, &deleted)
	if err != nil {
		return nil, db.NotFound(err, "person not found")
	}
	if !deleted.IsZero() {
		return nil, participe.Errorf(participe.ENOTFOUND, "person deleted")
	}
	rows, err := d.Query(ctx, `SELECT body_id, role FROM staff_roles WHERE person_id = ?`, personID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var r participe.Role
		if err := rows.Scan(&r.BodyID, &r.Role); err != nil {
			return nil, err
		}
		a.Roles = append(a.Roles, r)
	}
	return a, rows.Err()
}
