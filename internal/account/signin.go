package account

import (
	"context"
	"time"

	"participe/internal/db"
	"participe/internal/participe"
)

// Lockout: after lockAfter failed passwords in a row an account is locked for a time
// that doubles with each further failure, up to maxLock.
const (
	lockAfter = 5
	baseLock  = time.Minute
	maxLock   = time.Hour
)

// SignInResult says who signed in and whether a second factor must follow.
type SignInResult struct {
	PersonID int64
	// NeedsTOTP is true when the person has a confirmed second factor: the session
	// must not be opened before the code is checked.
	NeedsTOTP bool
	// Staff is true when the person holds any staff role (second factor mandatory).
	Staff bool
	// Locale is the person's language preference ("fr" or "en").
	Locale string
}

// Authenticate checks an email and password, with rate limits per IP and per account
// and a lockout with back-off. Wrong email and wrong password give the same error.
func (s *Service) Authenticate(ctx context.Context, rawEmail, password, ip string) (SignInResult, error) {
	var res SignInResult
	email, err := NormalizeEmail(rawEmail)
	if err != nil || password == "" || len(password) > MaxPasswordLen {
		return res, participe.FieldError("email", "account.signin.invalid")
	}
	if err := s.limitIPAndEmail(ctx, "signin", ip, email, 30, 10, 15*time.Minute); err != nil {
		return res, err
	}
	var hash string
	var verified db.Time
	var platformAdmin bool
	err = s.DB.QueryRow(ctx, `SELECT id, password_hash, email_verified_at, platform_admin FROM people WHERE email = ? AND deleted_at IS NULL`, email).
		Scan(&res.PersonID, &hash, &verified, &platformAdmin)
	if db.IsNoRows(err) {
		CheckPassword(dummyHash(), password) // same time as a real check
		return res, participe.FieldError("email", "account.signin.invalid")
	}
	if err != nil {
		return res, err
	}
	now := s.Clock.Now()
	var failures int
	var lockedUntil db.Time
	err = s.DB.QueryRow(ctx, `SELECT failures, locked_until FROM login_failures WHERE person_id = ?`, res.PersonID).Scan(&failures, &lockedUntil)
	if err != nil && !db.IsNoRows(err) {
		return res, err
	}
	if !lockedUntil.IsZero() && now.Before(lockedUntil.Time) {
		return res, participe.KeyError(participe.ETOOMANY, "account.signin.locked")
	}
	if !CheckPassword(hash, password) {
		if err := s.recordFailure(ctx, res.PersonID, failures+1); err != nil {
			return res, err
		}
		return res, participe.FieldError("email", "account.signin.invalid")
	}
	if verified.IsZero() {
		return res, participe.FieldError("email", "account.signin.unverified")
	}
	if _, err := s.DB.Exec(ctx, `DELETE FROM login_failures WHERE person_id = ?`, res.PersonID); err != nil {
		return res, err
	}
	return s.factors(ctx, res, platformAdmin)
}

func (s *Service) factors(ctx context.Context, res SignInResult, platformAdmin bool) (SignInResult, error) {
	var n int
	if err := s.DB.QueryRow(ctx, `SELECT locale FROM people WHERE id = ?`, res.PersonID).Scan(&res.Locale); err != nil {
		return res, err
	}
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM person_totp WHERE person_id = ? AND confirmed_at IS NOT NULL`, res.PersonID).Scan(&n); err != nil {
		return res, err
	}
	res.NeedsTOTP = n > 0
	var roles int
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM staff_roles WHERE person_id = ?`, res.PersonID).Scan(&roles); err != nil {
		return res, err
	}
	res.Staff = platformAdmin || roles > 0
	return res, nil
}

func (s *Service) recordFailure(ctx context.Context, personID int64, failures int) error {
	now := s.Clock.Now()
	var locked any
	if failures >= lockAfter {
		d := baseLock << min(failures-lockAfter, 6)
		if d > maxLock {
			d = maxLock
		}
		locked = db.T(now.Add(d))
	}
	_, err := s.DB.Exec(ctx, `INSERT INTO login_failures (person_id, failures, locked_until, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (person_id) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until, updated_at = excluded.updated_at`,
		personID, failures, locked, db.T(now))
	return err
}
