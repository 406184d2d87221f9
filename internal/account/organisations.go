package account

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"participe/internal/db"
	"participe/internal/participe"
)

// OrganisationKinds are the kinds of group a participant can speak for.
var OrganisationKinds = []string{"entreprise", "organisme_communautaire", "association", "syndicat", "ordre_professionnel", "municipalite", "autre"}

// Organisation is a company or civil-society group; members contribute in its name.
type Organisation struct {
	ID        int64
	Name      string
	Kind      string
	CreatedAt time.Time
	// Role and Status are the viewing person's membership ("admin"/"member",
	// "active"/"pending"), empty when not a member.
	Role   string
	Status string
	// Pending lists people waiting for approval (shown to the organisation's admins).
	Pending []Member
}

// Member is a person asking to join.
type Member struct {
	OrgID     int64
	PersonID  int64
	Pseudonym string
	Since     time.Time
}

// Organisations lists the organisations in which the person is an active member: the
// contribution forms offer "contribuer au nom de" each of them.
func Organisations(ctx context.Context, d *db.DB, personID int64) ([]Organisation, error) {
	return orgQuery(ctx, d, `SELECT o.id, o.name, o.kind, o.created_at, m.role, m.status FROM organisations o
		JOIN organisation_members m ON m.organisation_id = o.id WHERE m.person_id = ? AND m.status = 'active' ORDER BY o.name`, personID)
}

// IsOrganisationMember reports whether the person may contribute in the organisation's name.
func IsOrganisationMember(ctx context.Context, d *db.DB, personID, orgID int64) (bool, error) {
	var n int
	err := d.QueryRow(ctx, `SELECT COUNT(*) FROM organisation_members WHERE organisation_id = ? AND person_id = ? AND status = 'active'`, orgID, personID).Scan(&n)
	return n > 0, err
}

func orgQuery(ctx context.Context, d *db.DB, q string, args ...any) ([]Organisation, error) {
	rows, err := d.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Organisation
	for rows.Next() {
		var o Organisation
		var at db.Time
		if err := rows.Scan(&o.ID, &o.Name, &o.Kind, &at, &o.Role, &o.Status); err != nil {
			return nil, err
		}
		o.CreatedAt = at.Time
		out = append(out, o)
	}
	return out, rows.Err()
}

// MyOrganisations lists the person's memberships (active and pending) and, for the
// organisations they administer, who is waiting for approval.
func (s *Service) MyOrganisations(ctx context.Context, personID int64) ([]Organisation, error) {
	orgs, err := orgQuery(ctx, s.DB, `SELECT o.id, o.name, o.kind, o.created_at, m.role, m.status FROM organisations o
		JOIN organisation_members m ON m.organisation_id = o.id WHERE m.person_id = ? ORDER BY o.name`, personID)
	if err != nil {
		return nil, err
	}
	for i := range orgs {
		if orgs[i].Role != "admin" || orgs[i].Status != "active" {
			continue
		}
		rows, err := s.DB.Query(ctx, `SELECT p.id, p.pseudonym, m.created_at FROM organisation_members m JOIN people p ON p.id = m.person_id
			WHERE m.organisation_id = ? AND m.status = 'pending' ORDER BY m.created_at`, orgs[i].ID)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var m Member
			var at db.Time
			if err := rows.Scan(&m.PersonID, &m.Pseudonym, &at); err != nil {
				rows.Close()
				return nil, err
			}
			m.Since, m.OrgID = at.Time, orgs[i].ID
			orgs[i].Pending = append(orgs[i].Pending, m)
		}
		rows.Close()
	}
	return orgs, nil
}

// AllOrganisations lists organisations one may ask to join (name search, at most 100).
func (s *Service) AllOrganisations(ctx context.Context, personID int64, q string) ([]Organisation, error) {
	q = strings.ToLower(strings.TrimSpace(q))
	if utf8.RuneCountInString(q) > 100 {
		q = string([]rune(q)[:100])
	}
	return orgQuery(ctx, s.DB, `SELECT o.id, o.name, o.kind, o.created_at, COALESCE(m.role, ''), COALESCE(m.status, '') FROM organisations o
		LEFT JOIN organisation_members m ON m.organisation_id = o.id AND m.person_id = ?
		WHERE lower(o.name) LIKE ? ORDER BY o.name LIMIT 100`, personID, "%"+q+"%")
}

// CreateOrganisation creates an organisation whose first (admin) member is the person.
func (s *Service) CreateOrganisation(ctx context.Context, personID int64, name, kind string) (int64, error) {
	name = strings.Join(strings.Fields(name), " ")
	var fe FieldErrors
	if n := utf8.RuneCountInString(name); n < 2 || n > 120 {
		fe.Add(participe.FieldError("name", "account.org.name_invalid"))
	}
	if !slices.Contains(OrganisationKinds, kind) {
		fe.Add(participe.FieldError("kind", "form.error.required"))
	}
	if err := fe.Err(); err != nil {
		return 0, err
	}
	if err := s.limit(ctx, "org:create:"+itoa(personID), 10, 24*time.Hour); err != nil {
		return 0, err
	}
	var id int64
	now := s.Clock.Now()
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		var err error
		id, err = tx.InsertID(ctx, `INSERT INTO organisations (name, kind, created_by, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
			name, kind, personID, db.T(now))
		if db.IsUniqueViolation(err) {
			return participe.FieldError("name", "account.org.name_taken")
		}
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO organisation_members (organisation_id, person_id, role, status, created_at) VALUES (?, ?, 'admin', 'active', ?)`,
			id, personID, db.T(now))
		return err
	})
	return id, err
}

// RequestJoin asks to join an organisation; an admin of it approves.
func (s *Service) RequestJoin(ctx context.Context, personID, orgID int64) error {
	var n int
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM organisations WHERE id = ?`, orgID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return participe.Errorf(participe.ENOTFOUND, "organisation not found")
	}
	_, err := s.DB.Exec(ctx, `INSERT INTO organisation_members (organisation_id, person_id, role, status, created_at) VALUES (?, ?, 'member', 'pending', ?)
		ON CONFLICT (organisation_id, person_id) DO NOTHING`, orgID, personID, db.T(s.Clock.Now()))
	return err
}

// DecideJoin approves or refuses a pending member; only an active admin of the
// organisation may (others get ENOTFOUND: they do not see its members).
func (s *Service) DecideJoin(ctx context.Context, adminID, orgID, personID int64, approve bool) error {
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM organisation_members WHERE organisation_id = ? AND person_id = ? AND role = 'admin' AND status = 'active'`,
			orgID, adminID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return participe.Errorf(participe.ENOTFOUND, "organisation not found")
		}
		var res interface{ RowsAffected() (int64, error) }
		var err error
		if approve {
			res, err = tx.Exec(ctx, `UPDATE organisation_members SET status = 'active' WHERE organisation_id = ? AND person_id = ? AND status = 'pending'`, orgID, personID)
		} else {
			res, err = tx.Exec(ctx, `DELETE FROM organisation_members WHERE organisation_id = ? AND person_id = ? AND status = 'pending'`, orgID, personID)
		}
		if err != nil {
			return err
		}
		if k, _ := res.RowsAffected(); k == 0 {
			return participe.Errorf(participe.ENOTFOUND, "no such request")
		}
		return nil
	})
}

// LeaveOrganisation removes the person from an organisation.
func (s *Service) LeaveOrganisation(ctx context.Context, personID, orgID int64) error {
	_, err := s.DB.Exec(ctx, `DELETE FROM organisation_members WHERE organisation_id = ? AND person_id = ?`, orgID, personID)
	return err
}
