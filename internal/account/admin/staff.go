package admin

import (
	"context"
	"slices"
	"time"

	"participe/internal/account"
	"participe/internal/db"
	"participe/internal/i18n"
	"participe/internal/mail"
	"participe/internal/participe"
)

// StaffMember is a person holding roles in a body.
type StaffMember struct {
	PersonID  int64
	Pseudonym string
	Email     string
	Roles     []string
}

// Invitation is a pending invitation to join a body's staff.
type Invitation struct {
	ID        int64
	Email     string
	Role      string
	ExpiresAt time.Time
	CreatedAt time.Time
}

// Staff lists a body's staff and pending invitations (its body admins only).
func (s *Service) Staff(ctx context.Context, a *participe.Actor, bodyID int64) ([]StaffMember, []Invitation, error) {
	if err := need(a, participe.RoleBodyAdmin, bodyID); err != nil {
		return nil, nil, err
	}
	rows, err := s.DB.Query(ctx, `SELECT p.id, p.pseudonym, COALESCE(p.email, ''), r.role FROM staff_roles r JOIN people p ON p.id = r.person_id
		WHERE r.body_id = ? ORDER BY p.pseudonym, p.id, r.role`, bodyID)
	if err != nil {
		return nil, nil, err
	}
	var members []StaffMember
	for rows.Next() {
		var m StaffMember
		var role string
		if err := rows.Scan(&m.PersonID, &m.Pseudonym, &m.Email, &role); err != nil {
			rows.Close()
			return nil, nil, err
		}
		if n := len(members); n > 0 && members[n-1].PersonID == m.PersonID {
			members[n-1].Roles = append(members[n-1].Roles, role)
			continue
		}
		m.Roles = []string{role}
		members = append(members, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	irows, err := s.DB.Query(ctx, `SELECT id, email, role, expires_at, created_at FROM staff_invitations
		WHERE body_id = ? AND accepted_at IS NULL AND expires_at > ? ORDER BY created_at DESC`, bodyID, db.T(s.Clock.Now()))
	if err != nil {
		return nil, nil, err
	}
	defer irows.Close()
	var invs []Invitation
	for irows.Next() {
		var in Invitation
		var exp, at db.Time
		if err := irows.Scan(&in.ID, &in.Email, &in.Role, &exp, &at); err != nil {
			return nil, nil, err
		}
		in.ExpiresAt, in.CreatedAt = exp.Time, at.Time
		invs = append(invs, in)
	}
	return members, invs, irows.Err()
}

func validRole(role string) bool { return slices.Contains(participe.AllRoles, role) }

// Invite mails an invitation to join the body's staff with a role. The link is
// accepted by signing up or in.
func (s *Service) Invite(ctx context.Context, r Req, bodyID int64, rawEmail, role, lang string) error {
	if err := need(r.Actor, participe.RoleBodyAdmin, bodyID); err != nil {
		return err
	}
	var fe account.FieldErrors
	email, err := account.NormalizeEmail(rawEmail)
	if e, ok := participe.AsError(err); ok && err != nil {
		fe = append(fe, e)
	}
	if !validRole(role) {
		fe = append(fe, participe.FieldError("role", "form.error.required"))
	}
	if len(fe) > 0 {
		return fe
	}
	body, err := loadBody(ctx, s.DB, bodyID)
	if err != nil {
		return err
	}
	now := s.Clock.Now()
	tok, hash := account.NewToken()
	lang = i18n.Normalize(lang)
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		id, err := tx.InsertID(ctx, `INSERT INTO staff_invitations (body_id, email, role, token_hash, invited_by, expires_at, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, bodyID, email, role, hash, r.Actor.PersonID, db.T(now.Add(account.InvitationTTL)), db.T(now))
		if err != nil {
			return err
		}
		link := s.BaseURL + map[string]string{"fr": "", "en": "/en"}[lang] + "/invitation?jeton=" + tok
		name := body.NameFR
		if lang == "en" && body.NameEN != "" {
			name = body.NameEN
		}
		if err := mail.EnqueueTx(ctx, s.Jobs, tx, mail.Message{To: email,
			Subject: s.Cat.T(lang, "admin.mail.invite.subject", name),
			Text:    s.Cat.T(lang, "admin.mail.invite.body", name, s.Cat.T(lang, "admin.role."+role), link)}); err != nil {
			return err
		}
		return s.record(ctx, tx, r, bodyID, "staff.invite", "invitation", id, email+" "+role)
	})
}

// InvitationInfo describes a pending invitation (for the acceptance page).
type InvitationInfo struct {
	BodyID int64
	Body   string
	BodyEN string
	Role   string
	Email  string
}

// Invitation checks an invitation link without using it.
func (s *Service) Invitation(ctx context.Context, token string) (InvitationInfo, error) {
	var in InvitationInfo
	var exp, accepted db.Time
	err := s.DB.QueryRow(ctx, `SELECT i.body_id, b.name_fr, b.name_en, i.role, i.email, i.expires_at, i.accepted_at FROM staff_invitations i
		JOIN bodies b ON b.id = i.body_id WHERE i.token_hash = ?`, account.HashToken(token)).
		Scan(&in.BodyID, &in.Body, &in.BodyEN, &in.Role, &in.Email, &exp, &accepted)
	switch {
	case db.IsNoRows(err) || token == "":
		return in, participe.KeyError(participe.EINVALID, "account.link.invalid")
	case err != nil:
		return in, err
	case !accepted.IsZero():
		return in, participe.KeyError(participe.EINVALID, "account.link.used")
	case !s.Clock.Now().Before(exp.Time):
		return in, participe.KeyError(participe.EINVALID, "account.link.expired")
	}
	return in, nil
}

// AcceptInvitation gives the signed-in person the invited role (single use). The
// person may sign in with another address than the one invited: the link is the proof.
func (s *Service) AcceptInvitation(ctx context.Context, r Req, token string) (int64, error) {
	if r.Actor.IsAnonymous() {
		return 0, participe.Errorf(participe.EUNAUTHORIZED, "sign in")
	}
	var bodyID int64
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		in, err := s.Invitation(ctx, token)
		if err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `UPDATE staff_invitations SET accepted_at = ?, accepted_by = ? WHERE token_hash = ? AND accepted_at IS NULL`,
			db.T(s.Clock.Now()), r.Actor.PersonID, account.HashToken(token))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return participe.KeyError(participe.EINVALID, "account.link.used")
		}
		if _, err := tx.Exec(ctx, `INSERT INTO staff_roles (person_id, body_id, role, granted_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			r.Actor.PersonID, in.BodyID, in.Role, db.T(s.Clock.Now())); err != nil {
			return err
		}
		bodyID = in.BodyID
		return s.record(ctx, tx, r, in.BodyID, "staff.accept", "person", r.Actor.PersonID, in.Role)
	})
	return bodyID, err
}

// Grant gives a role in the body to one of its staff members (body admins).
func (s *Service) Grant(ctx context.Context, r Req, bodyID, personID int64, role string) error {
	if err := need(r.Actor, participe.RoleBodyAdmin, bodyID); err != nil {
		return err
	}
	if !validRole(role) {
		return participe.FieldError("role", "form.error.required")
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		// Only people already on this body's staff can be granted more roles here; new
		// people come in through an invitation.
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM staff_roles WHERE person_id = ? AND body_id = ?`, personID, bodyID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return errNotFound
		}
		if _, err := tx.Exec(ctx, `INSERT INTO staff_roles (person_id, body_id, role, granted_at, granted_by) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			personID, bodyID, role, db.T(s.Clock.Now()), r.Actor.PersonID); err != nil {
			return err
		}
		return s.record(ctx, tx, r, bodyID, "staff.grant", "person", personID, role)
	})
}

// Revoke removes a role in the body (body admins). The last body admin of a body
// cannot remove themself (a body is never left without an admin by mistake).
func (s *Service) Revoke(ctx context.Context, r Req, bodyID, personID int64, role string) error {
	if err := need(r.Actor, participe.RoleBodyAdmin, bodyID); err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		if role == participe.RoleBodyAdmin && personID == r.Actor.PersonID && !r.Actor.PlatformAdmin {
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM staff_roles WHERE body_id = ? AND role = ?`, bodyID, participe.RoleBodyAdmin).Scan(&n); err != nil {
				return err
			}
			if n <= 1 {
				return participe.KeyError(participe.ECONFLICT, "admin.staff.last_admin")
			}
		}
		res, err := tx.Exec(ctx, `DELETE FROM staff_roles WHERE person_id = ? AND body_id = ? AND role = ?`, personID, bodyID, role)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errNotFound
		}
		return s.record(ctx, tx, r, bodyID, "staff.revoke", "person", personID, role)
	})
}
