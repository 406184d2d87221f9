package account

import (
	"context"
	"time"

	"participe/internal/db"
	"participe/internal/participe"
)

// RequestReset mails a password-reset link when the address belongs to an account;
// the answer is the same either way (no enumeration).
func (s *Service) RequestReset(ctx context.Context, rawEmail, lang, ip string) error {
	email, err := s.mailRequest(ctx, "reset", rawEmail, ip)
	if err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		var id int64
		err := tx.QueryRow(ctx, `SELECT id FROM people WHERE email = ? AND deleted_at IS NULL`, email).Scan(&id)
		if db.IsNoRows(err) {
			return nil
		}
		if err != nil {
			return err
		}
		tok, err := s.insertToken(ctx, tx, id, PurposeReset, email, ResetTTL)
		if err != nil {
			return err
		}
		return s.sendTx(ctx, tx, email, lang, "account.mail.reset", s.link(lang, "/mot-de-passe-oublie/nouveau?jeton="+tok))
	})
}

// CheckResetToken tells whether a reset link can still be used (the form is shown only
// for a valid one), without consuming it.
func (s *Service) CheckResetToken(ctx context.Context, token string) error {
	var expires, used db.Time
	err := s.DB.QueryRow(ctx, `SELECT expires_at, used_at FROM account_tokens WHERE token_hash = ? AND purpose = ?`,
		HashToken(token), PurposeReset).Scan(&expires, &used)
	switch {
	case db.IsNoRows(err) || token == "":
		return participe.KeyError(participe.EINVALID, "account.link.invalid")
	case err != nil:
		return err
	case !used.IsZero():
		return participe.KeyError(participe.EINVALID, "account.link.used")
	case !s.Clock.Now().Before(expires.Time):
		return participe.KeyError(participe.EINVALID, "account.link.expired")
	}
	return nil
}

// ResetPassword sets a new password through a reset link; it also verifies the
// address (the link proved it), clears the lockout and signs out every session.
func (s *Service) ResetPassword(ctx context.Context, token, password, ip string) (int64, error) {
	if err := s.limit(ctx, "resetpw:ip:"+ip, 20, time.Hour); err != nil {
		return 0, err
	}
	return s.useLink(ctx, PurposeReset, token, func(tx *db.Tx, id int64, email string) error {
		var pseudo string
		if err := tx.QueryRow(ctx, `SELECT pseudonym FROM people WHERE id = ?`, id).Scan(&pseudo); err != nil {
			return err
		}
		if err := CheckPasswordPolicy(password, email, pseudo); err != nil {
			return err
		}
		hash, err := HashPassword(password)
		if err != nil {
			return err
		}
		now := s.Clock.Now()
		if _, err := tx.Exec(ctx, `UPDATE people SET password_hash = ?, email_verified_at = COALESCE(email_verified_at, ?) WHERE id = ?`, hash, db.T(now), id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM login_failures WHERE person_id = ?`, id); err != nil {
			return err
		}
		return revokeSessionsTx(ctx, tx, id, "")
	})
}
