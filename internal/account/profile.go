package account

import (
	"context"
	"slices"
	"time"

	"participe/internal/db"
	"participe/internal/participe"
)

// AgeGroups are the self-declared age groups (representativeness statistics only).
var AgeGroups = []string{"15-24", "25-34", "35-44", "45-54", "55-64", "65+"}

// Profile is what a person sees and edits in "Mon espace".
type Profile struct {
	ID            int64
	Email         string
	Pseudonym     string
	EmailVerified bool
	Locale        string
	RegionCode    string
	AgeGroup      string
	CreatedAt     time.Time
	HasPassword   bool
}

// ProfileOf loads the person's own profile.
func (s *Service) ProfileOf(ctx context.Context, personID int64) (Profile, error) {
	var p Profile
	var email, region *string
	var verified, created db.Time
	var hash string
	err := s.DB.QueryRow(ctx, `SELECT id, email, pseudonym, email_verified_at, locale, region_code, age_group, created_at, password_hash
		FROM people WHERE id = ? AND deleted_at IS NULL`, personID).
		Scan(&p.ID, &email, &p.Pseudonym, &verified, &p.Locale, &region, &p.AgeGroup, &created, &hash)
	if err != nil {
		return p, db.NotFound(err, "person")
	}
	if email != nil {
		p.Email = *email
	}
	if region != nil {
		p.RegionCode = *region
	}
	p.EmailVerified, p.CreatedAt, p.HasPassword = !verified.IsZero(), created.Time, hash != ""
	return p, nil
}

// ProfileInput is the profile form.
type ProfileInput struct {
	Pseudonym  string
	RegionCode string
	AgeGroup   string
	Locale     string
}

// UpdateProfile saves the profile form.
func (s *Service) UpdateProfile(ctx context.Context, personID int64, in ProfileInput) error {
	var fe FieldErrors
	pseudo, err := CheckPseudonym(in.Pseudonym)
	fe.Add(err)
	if in.AgeGroup != "" && !slices.Contains(AgeGroups, in.AgeGroup) {
		fe.Add(participe.FieldError("age_group", "form.error.invalid"))
	}
	if in.Locale != "fr" && in.Locale != "en" {
		fe.Add(participe.FieldError("locale", "form.error.invalid"))
	}
	var region any
	if in.RegionCode != "" {
		var n int
		if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM regions WHERE code = ?`, in.RegionCode).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			fe.Add(participe.FieldError("region", "form.error.invalid"))
		}
		region = in.RegionCode
	}
	if err := fe.Err(); err != nil {
		return err
	}
	_, err = s.DB.Exec(ctx, `UPDATE people SET pseudonym = ?, region_code = ?, age_group = ?, locale = ? WHERE id = ? AND deleted_at IS NULL`,
		pseudo, region, in.AgeGroup, in.Locale, personID)
	return err
}

// RequestEmailChange mails a confirmation link to the new address; the address
// changes only when the link is followed (verified again). The current password is
// required when the account has one.
func (s *Service) RequestEmailChange(ctx context.Context, personID int64, rawEmail, password, lang, ip string) error {
	email, err := NormalizeEmail(rawEmail)
	if err != nil {
		return err
	}
	if err := s.limit(ctx, "emailchange:person:"+itoa(personID), 5, time.Hour); err != nil {
		return err
	}
	p, err := s.ProfileOf(ctx, personID)
	if err != nil {
		return err
	}
	if p.HasPassword {
		var hash string
		if err := s.DB.QueryRow(ctx, `SELECT password_hash FROM people WHERE id = ?`, personID).Scan(&hash); err != nil {
			return err
		}
		if !CheckPassword(hash, password) {
			return participe.FieldError("current_password", "account.password.wrong")
		}
	}
	if email == p.Email {
		return participe.FieldError("email", "account.email.same")
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		var taken int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM people WHERE email = ?`, email).Scan(&taken); err != nil {
			return err
		}
		if taken > 0 {
			// Tell the owner of that address, answer as usual (no enumeration).
			return s.sendTx(ctx, tx, email, lang, "account.mail.change_taken")
		}
		tok, err := s.insertToken(ctx, tx, personID, PurposeEmailChange, email, EmailChangeTTL)
		if err != nil {
			return err
		}
		if p.Email != "" {
			if err := s.sendTx(ctx, tx, p.Email, lang, "account.mail.change_notice", email); err != nil {
				return err
			}
		}
		return s.sendTx(ctx, tx, email, lang, "account.mail.change", s.link(lang, "/mon-espace/courriel/confirmer?jeton="+tok))
	})
}

// ConfirmEmailChange follows the link sent to the new address.
func (s *Service) ConfirmEmailChange(ctx context.Context, token string) (int64, error) {
	return s.useLink(ctx, PurposeEmailChange, token, func(tx *db.Tx, id int64, email string) error {
		_, err := tx.Exec(ctx, `UPDATE people SET email = ?, email_verified_at = ? WHERE id = ? AND deleted_at IS NULL`, email, db.T(s.Clock.Now()), id)
		if db.IsUniqueViolation(err) {
			return participe.KeyError(participe.ECONFLICT, "account.email.taken_now")
		}
		return err
	})
}

// ChangePassword sets a new password after checking the current one; other sessions
// are signed out.
func (s *Service) ChangePassword(ctx context.Context, personID int64, current, next, currentToken string) error {
	p, err := s.ProfileOf(ctx, personID)
	if err != nil {
		return err
	}
	var hash string
	if err := s.DB.QueryRow(ctx, `SELECT password_hash FROM people WHERE id = ?`, personID).Scan(&hash); err != nil {
		return err
	}
	if p.HasPassword && !CheckPassword(hash, current) {
		return participe.FieldError("current_password", "account.password.wrong")
	}
	if err := CheckPasswordPolicy(next, p.Email, p.Pseudonym); err != nil {
		return participe.FieldError("new_password", errKey(err))
	}
	h, err := HashPassword(next)
	if err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE people SET password_hash = ? WHERE id = ?`, h, personID); err != nil {
			return err
		}
		return revokeSessionsTx(ctx, tx, personID, HashToken(currentToken))
	})
}

// Consent is one recorded acceptance.
type Consent struct {
	Kind       string
	Version    string
	AcceptedAt time.Time
}

// Consents lists what the person accepted and when.
func (s *Service) Consents(ctx context.Context, personID int64) ([]Consent, error) {
	rows, err := s.DB.Query(ctx, `SELECT kind, version, accepted_at FROM consents WHERE person_id = ? ORDER BY accepted_at DESC, id DESC`, personID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Consent
	for rows.Next() {
		var c Consent
		var at db.Time
		if err := rows.Scan(&c.Kind, &c.Version, &at); err != nil {
			return nil, err
		}
		c.AcceptedAt = at.Time
		out = append(out, c)
	}
	return out, rows.Err()
}
