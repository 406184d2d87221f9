package account

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"participe/internal/db"
	"participe/internal/participe"
)

// SignUpInput is the sign-up form.
type SignUpInput struct {
	Email       string
	Pseudonym   string
	Password    string
	AcceptTerms bool
	Lang        string
	IP          string
}

// Pseudonym rules: shown publicly instead of any name or address.
const (
	MinPseudonymLen = 3
	MaxPseudonymLen = 40
)

// AnonymousPseudonym replaces the pseudonym of a deleted account.
const AnonymousPseudonym = "Personne participante anonyme"

// CheckPseudonym validates a public pseudonym (no address in it: the email is never shown).
func CheckPseudonym(p string) (string, error) {
	p = strings.Join(strings.Fields(p), " ")
	n := utf8.RuneCountInString(p)
	switch {
	case n == 0:
		return p, participe.FieldError("pseudonym", "account.pseudonym.required")
	case n < MinPseudonymLen || n > MaxPseudonymLen:
		return p, participe.FieldError("pseudonym", "account.pseudonym.length")
	case strings.Contains(p, "@"), strings.EqualFold(p, AnonymousPseudonym):
		return p, participe.FieldError("pseudonym", "account.pseudonym.invalid")
	}
	for _, r := range p {
		if r < 0x20 || r == 0x7f {
			return p, participe.FieldError("pseudonym", "account.pseudonym.invalid")
		}
	}
	return p, nil
}

// SignUp creates an unverified account and mails the verification link. When the
// address is already taken, the answer is the same (no enumeration) and the owner of
// the address gets a mail saying so instead.
func (s *Service) SignUp(ctx context.Context, in SignUpInput) error {
	var fe FieldErrors
	email, err := NormalizeEmail(in.Email)
	fe.Add(err)
	pseudo, err := CheckPseudonym(in.Pseudonym)
	fe.Add(err)
	fe.Add(CheckPasswordPolicy(in.Password, email, pseudo))
	if !in.AcceptTerms {
		fe.Add(participe.FieldError("terms", "account.terms.required"))
	}
	if err := fe.Err(); err != nil {
		return err
	}
	if err := s.limitIPAndEmail(ctx, "signup", in.IP, email, 10, 3, time.Hour); err != nil {
		return err
	}
	hash, err := HashPassword(in.Password)
	if err != nil {
		return err
	}
	lang := in.Lang
	now := s.Clock.Now()
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		var existing int64
		err := tx.QueryRow(ctx, `SELECT id FROM people WHERE email = ?`, email).Scan(&existing)
		if err == nil {
			return s.sendTx(ctx, tx, email, lang, "account.mail.exists", s.link(lang, "/connexion"), s.link(lang, "/mot-de-passe-oublie"))
		}
		if !db.IsNoRows(err) {
			return err
		}
		id, err := tx.InsertID(ctx, `INSERT INTO people (email, pseudonym, password_hash, locale, created_at)
			VALUES (?, ?, ?, ?, ?) RETURNING id`, email, pseudo, hash, lang, db.T(now))
		if err != nil {
			if db.IsUniqueViolation(err) {
				return nil // a concurrent sign-up with the same address: same answer
			}
			return err
		}
		for _, kind := range []string{"terms", "privacy"} {
			if _, err := tx.Exec(ctx, `INSERT INTO consents (person_id, kind, version, accepted_at) VALUES (?, ?, ?, ?)`,
				id, kind, TermsVersion, db.T(now)); err != nil {
				return err
			}
		}
		tok, err := s.insertToken(ctx, tx, id, PurposeVerify, email, VerifyTTL)
		if err != nil {
			return err
		}
		return s.sendTx(ctx, tx, email, lang, "account.mail.verify", pseudo, s.link(lang, "/inscription/confirmer?jeton="+tok))
	})
}

// VerifyEmail consumes a verification link and marks the address verified.
func (s *Service) VerifyEmail(ctx context.Context, token string) (int64, error) {
	return s.useLink(ctx, PurposeVerify, token, func(tx *db.Tx, id int64, email string) error {
		_, err := tx.Exec(ctx, `UPDATE people SET email_verified_at = ? WHERE id = ? AND email = ? AND email_verified_at IS NULL`,
			db.T(s.Clock.Now()), id, email)
		return err
	})
}

// ResendVerification mails a new link to an unverified address (silently nothing for
// unknown or verified ones: same answer).
func (s *Service) ResendVerification(ctx context.Context, rawEmail, lang, ip string) error {
	email, err := s.mailRequest(ctx, "resend", rawEmail, ip)
	if err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		var id int64
		var pseudo string
		err := tx.QueryRow(ctx, `SELECT id, pseudonym FROM people WHERE email = ? AND email_verified_at IS NULL AND deleted_at IS NULL`, email).Scan(&id, &pseudo)
		if db.IsNoRows(err) {
			return nil
		}
		if err != nil {
			return err
		}
		tok, err := s.insertToken(ctx, tx, id, PurposeVerify, email, VerifyTTL)
		if err != nil {
			return err
		}
		return s.sendTx(ctx, tx, email, lang, "account.mail.verify", pseudo, s.link(lang, "/inscription/confirmer?jeton="+tok))
	})
}
