package account

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"html/template"
	"image/png"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"participe/internal/db"
	"participe/internal/participe"
)

const totpPeriod = 30

// TOTPSetup is what the enrolment page shows: the secret as text and as a QR code.
type TOTPSetup struct {
	Secret string
	URI    string
	// QR is a PNG data URI (the CSP allows img data:).
	QR template.URL
}

// HasTOTP reports whether the person has a confirmed second factor.
func (s *Service) HasTOTP(ctx context.Context, personID int64) (bool, error) {
	var n int
	err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM person_totp WHERE person_id = ? AND confirmed_at IS NOT NULL`, personID).Scan(&n)
	return n > 0, err
}

// BeginTOTP creates (or shows again) an unconfirmed secret for the person.
func (s *Service) BeginTOTP(ctx context.Context, personID int64) (TOTPSetup, error) {
	var secret string
	var confirmed db.Time
	err := s.DB.QueryRow(ctx, `SELECT secret, confirmed_at FROM person_totp WHERE person_id = ?`, personID).Scan(&secret, &confirmed)
	if err == nil && !confirmed.IsZero() {
		return TOTPSetup{}, participe.KeyError(participe.ECONFLICT, "account.totp.already")
	}
	if err != nil && !db.IsNoRows(err) {
		return TOTPSetup{}, err
	}
	var label string
	if err := s.DB.QueryRow(ctx, `SELECT COALESCE(email, pseudonym) FROM people WHERE id = ?`, personID).Scan(&label); err != nil {
		return TOTPSetup{}, db.NotFound(err, "person")
	}
	if secret == "" {
		key, err := totp.Generate(totp.GenerateOpts{Issuer: "Participe", AccountName: label, Period: totpPeriod})
		if err != nil {
			return TOTPSetup{}, err
		}
		secret = key.Secret()
		if _, err := s.DB.Exec(ctx, `INSERT INTO person_totp (person_id, secret, created_at) VALUES (?, ?, ?)
			ON CONFLICT (person_id) DO NOTHING`, personID, secret, db.T(s.Clock.Now())); err != nil {
			return TOTPSetup{}, err
		}
		// A concurrent request may have won: show the stored one.
		if err := s.DB.QueryRow(ctx, `SELECT secret FROM person_totp WHERE person_id = ?`, personID).Scan(&secret); err != nil {
			return TOTPSetup{}, err
		}
	}
	return totpSetup(secret, label)
}

func totpSetup(secret, label string) (TOTPSetup, error) {
	key, err := otp.NewKeyFromURL("otpauth://totp/Participe:" + urlEscape(label) + "?secret=" + secret + "&issuer=Participe&period=30&digits=6&algorithm=SHA1")
	if err != nil {
		return TOTPSetup{}, err
	}
	out := TOTPSetup{Secret: secret, URI: key.URL()}
	if img, err := key.Image(220, 220); err == nil {
		var buf bytes.Buffer
		if png.Encode(&buf, img) == nil {
			out.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes()))
		}
	}
	return out, nil
}

func urlEscape(s string) string {
	r := strings.NewReplacer("%", "%25", " ", "%20", "?", "%3F", "&", "%26", "#", "%23", "/", "%2F", ":", "%3A", "+", "%2B")
	return r.Replace(s)
}

// ConfirmTOTP checks a first code and turns the second factor on; it returns the
// recovery codes (shown once).
func (s *Service) ConfirmTOTP(ctx context.Context, personID int64, code string) ([]string, error) {
	if err := s.limit(ctx, "2fa:person:"+itoa(personID), 10, 15*time.Minute); err != nil {
		return nil, err
	}
	var codes []string
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		var secret string
		var last int64
		var confirmed db.Time
		err := tx.QueryRow(ctx, `SELECT secret, last_step, confirmed_at FROM person_totp WHERE person_id = ?`, personID).Scan(&secret, &last, &confirmed)
		if db.IsNoRows(err) {
			return participe.FieldError("code", "account.totp.start_again")
		}
		if err != nil {
			return err
		}
		if !confirmed.IsZero() {
			return participe.KeyError(participe.ECONFLICT, "account.totp.already")
		}
		step, ok := matchStep(secret, code, s.Clock.Now(), last)
		if !ok {
			return participe.FieldError("code", "account.totp.wrong")
		}
		now := s.Clock.Now()
		if _, err := tx.Exec(ctx, `UPDATE person_totp SET confirmed_at = ?, last_step = ? WHERE person_id = ?`, db.T(now), step, personID); err != nil {
			return err
		}
		codes, err = newRecoveryCodesTx(ctx, tx, personID, now)
		return err
	})
	return codes, err
}

// RegenerateRecoveryCodes replaces the person's recovery codes.
func (s *Service) RegenerateRecoveryCodes(ctx context.Context, personID int64) ([]string, error) {
	var codes []string
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		var err error
		codes, err = newRecoveryCodesTx(ctx, tx, personID, s.Clock.Now())
		return err
	})
	return codes, err
}

const recoveryAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"

func newRecoveryCodesTx(ctx context.Context, tx *db.Tx, personID int64, now time.Time) ([]string, error) {
	if _, err := tx.Exec(ctx, `DELETE FROM recovery_codes WHERE person_id = ?`, personID); err != nil {
		return nil, err
	}
	codes := make([]string, 10)
	for i := range codes {
		b := make([]byte, 10)
		_, _ = rand.Read(b)
		for j := range b {
			b[j] = recoveryAlphabet[int(b[j])%len(recoveryAlphabet)]
		}
		codes[i] = string(b[:5]) + "-" + string(b[5:])
		if err := insertRecoveryTx(ctx, tx, personID, codes[i], now); err != nil {
			return nil, err
		}
	}
	return codes, nil
}

func insertRecoveryTx(ctx context.Context, tx *db.Tx, personID int64, code string, now time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO recovery_codes (person_id, code_hash, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
		personID, HashToken(normalizeRecovery(code)), db.T(now))
	return err
}

func normalizeRecovery(code string) string {
	return strings.ToLower(strings.NewReplacer("-", "", " ", "").Replace(strings.TrimSpace(code)))
}

// matchStep finds the time step (now ±1) whose code is code and that is later than
// last (a code already used is refused: no replay).
func matchStep(secret, code string, now time.Time, last int64) (int64, bool) {
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	if len(code) != 6 {
		return 0, false
	}
	cur := now.Unix() / totpPeriod
	for _, st := range []int64{cur - 1, cur, cur + 1} {
		if st <= last {
			continue
		}
		want, err := totp.GenerateCodeCustom(secret, time.Unix(st*totpPeriod, 0), totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err == nil && want == code {
			return st, true
		}
	}
	return 0, false
}

// VerifySecondFactor checks a TOTP code or a recovery code for the person. A TOTP code
// already used (same or earlier step) and a used recovery code are refused.
func (s *Service) VerifySecondFactor(ctx context.Context, personID int64, code, ip string) error {
	if err := s.limit(ctx, "2fa:ip:"+ip, 30, 15*time.Minute); err != nil {
		return err
	}
	if err := s.limit(ctx, "2fa:person:"+itoa(personID), 10, 15*time.Minute); err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		var secret string
		var last int64
		err := tx.QueryRow(ctx, `SELECT secret, last_step FROM person_totp WHERE person_id = ? AND confirmed_at IS NOT NULL`, personID).Scan(&secret, &last)
		if db.IsNoRows(err) {
			return participe.FieldError("code", "account.totp.none")
		}
		if err != nil {
			return err
		}
		if step, ok := matchStep(secret, code, s.Clock.Now(), last); ok {
			// The conditional update makes two concurrent uses of one code fail one.
			res, err := tx.Exec(ctx, `UPDATE person_totp SET last_step = ? WHERE person_id = ? AND last_step < ?`, step, personID, step)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 1 {
				return nil
			}
			return participe.FieldError("code", "account.totp.wrong")
		}
		norm := normalizeRecovery(code)
		if len(norm) == 10 {
			res, err := tx.Exec(ctx, `UPDATE recovery_codes SET used_at = ? WHERE person_id = ? AND code_hash = ? AND used_at IS NULL`,
				db.T(s.Clock.Now()), personID, HashToken(norm))
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 1 {
				return nil
			}
		}
		return participe.FieldError("code", "account.totp.wrong")
	})
}

// RemainingRecoveryCodes counts unused recovery codes.
func (s *Service) RemainingRecoveryCodes(ctx context.Context, personID int64) (int, error) {
	var n int
	err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM recovery_codes WHERE person_id = ? AND used_at IS NULL`, personID).Scan(&n)
	return n, err
}

// DisableTOTP turns the second factor off (participants only: staff must keep one).
func (s *Service) DisableTOTP(ctx context.Context, a *participe.Actor, code, ip string) error {
	if a.IsStaff() {
		return participe.KeyError(participe.EFORBIDDEN, "account.totp.staff_required")
	}
	if err := s.VerifySecondFactor(ctx, a.PersonID, code, ip); err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM person_totp WHERE person_id = ?`, a.PersonID); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM recovery_codes WHERE person_id = ?`, a.PersonID)
		return err
	})
}

func itoa(n int64) string {
	var b [20]byte
	i := len(b)
	neg := n < 0
	if neg {
		n = -n
	}
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			break
		}
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

// HasConfirmedTOTP reports whether a person has a second factor (for the back-office gate).
func HasConfirmedTOTP(ctx context.Context, d *db.DB, personID int64) (bool, error) {
	var n int
	err := d.QueryRow(ctx, `SELECT COUNT(*) FROM person_totp WHERE person_id = ? AND confirmed_at IS NOT NULL`, personID).Scan(&n)
	return n > 0, err
}
