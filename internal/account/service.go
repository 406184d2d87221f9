package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"

	"participe/internal/db"
	"participe/internal/i18n"
	"participe/internal/jobs"
	"participe/internal/mail"
	"participe/internal/participe"
	"participe/internal/ratelimit"
)

// TermsVersion is the version of the terms of use a person accepts at sign-up; a new
// version is a new consent record.
const TermsVersion = "2026-11"

// Lifetimes of the links sent by email.
const (
	VerifyTTL      = 48 * time.Hour
	ResetTTL       = time.Hour
	EmailChangeTTL = 24 * time.Hour
	InvitationTTL  = 7 * 24 * time.Hour
)

// Token purposes.
const (
	PurposeVerify      = "verify"
	PurposeReset       = "reset"
	PurposeEmailChange = "email_change"
)

// Service holds the accounts area's operations: sign-up, sign-in, second factor,
// profile, sessions, consents, my data, organisations.
type Service struct {
	DB      *db.DB
	Clock   participe.Clock
	Jobs    *jobs.Queue
	Cat     *i18n.Catalog
	Limiter *ratelimit.Limiter
	// BaseURL is the public address used in the links sent by email.
	BaseURL string
}

// New returns the service.
func New(d *db.DB, clock participe.Clock, q *jobs.Queue, cat *i18n.Catalog, lim *ratelimit.Limiter, baseURL string) *Service {
	return &Service{DB: d, Clock: clock, Jobs: q, Cat: cat, Limiter: lim, BaseURL: strings.TrimRight(baseURL, "/")}
}

// NewToken returns a random URL-safe token and its hash (only the hash is stored).
func NewToken() (token, hash string) {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token)
}

// HashToken hashes a high-entropy token for storage and lookup.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// link builds an absolute link in lang for a French path.
func (s *Service) link(lang, path string) string {
	if lang == "en" {
		path = "/en" + path
	}
	return s.BaseURL + path
}

// sendTx queues an email rendered from the catalog keys prefix+".subject" and
// prefix+".body" (the body receives args).
func (s *Service) sendTx(ctx context.Context, tx *db.Tx, to, lang, prefix string, args ...any) error {
	lang = i18n.Normalize(lang)
	return mail.EnqueueTx(ctx, s.Jobs, tx, mail.Message{
		To:      to,
		Subject: s.Cat.T(lang, prefix+".subject"),
		Text:    s.Cat.T(lang, prefix+".body", args...),
	})
}

// limit applies a rate limit, ETOOMANY when over.
func (s *Service) limit(ctx context.Context, key string, n int, window time.Duration) error {
	if s.Limiter == nil {
		return nil
	}
	return s.Limiter.Check(ctx, key, n, window)
}

// limitIPAndEmail applies the two limits of a form that names an address: per client
// address (ipMax) and per e-mail address (emailMax), keyed "<action>:ip:" and
// "<action>:email:", both over window.
func (s *Service) limitIPAndEmail(ctx context.Context, action, ip, email string, ipMax, emailMax int, window time.Duration) error {
	if err := s.limit(ctx, action+":ip:"+ip, ipMax, window); err != nil {
		return err
	}
	return s.limit(ctx, action+":email:"+email, emailMax, window)
}

// mailRequest checks the address of a "mail me a link" form and its limits (10 an
// hour per client address, 3 an hour per e-mail address); it returns the address.
func (s *Service) mailRequest(ctx context.Context, action, rawEmail, ip string) (string, error) {
	email, err := NormalizeEmail(rawEmail)
	if err != nil {
		return "", err
	}
	if err := s.limitIPAndEmail(ctx, action, ip, email, 10, 3, time.Hour); err != nil {
		return "", err
	}
	return email, nil
}

// insertToken stores a token for a person and returns the raw token for the link.
func (s *Service) insertToken(ctx context.Context, tx *db.Tx, personID int64, purpose, email string, ttl time.Duration) (string, error) {
	tok, hash := NewToken()
	now := s.Clock.Now()
	_, err := tx.Exec(ctx, `INSERT INTO account_tokens (person_id, purpose, token_hash, email, expires_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`, personID, purpose, hash, email, db.T(now.Add(ttl)), db.T(now))
	return tok, err
}

// useLink consumes a single-use link of purpose and, in the same transaction, runs
// apply for its person and address; it returns the person (0 on error).
func (s *Service) useLink(ctx context.Context, purpose, token string, apply func(tx *db.Tx, personID int64, email string) error) (int64, error) {
	var personID int64
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		id, email, err := s.consumeToken(ctx, tx, purpose, token)
		if err != nil {
			return err
		}
		personID = id
		return apply(tx, id, email)
	})
	if err != nil {
		return 0, err
	}
	return personID, nil
}

// consumeToken marks a valid, unused, unexpired token of purpose as used and returns
// its person and email. Reused or expired links are EINVALID with a clear key.
func (s *Service) consumeToken(ctx context.Context, tx *db.Tx, purpose, token string) (personID int64, email string, err error) {
	if token == "" || len(token) > 100 {
		return 0, "", participe.KeyError(participe.EINVALID, "account.link.invalid")
	}
	var id int64
	var expires, used db.Time
	err = tx.QueryRow(ctx, `SELECT id, person_id, email, expires_at, used_at FROM account_tokens WHERE token_hash = ? AND purpose = ?`,
		HashToken(token), purpose).Scan(&id, &personID, &email, &expires, &used)
	if db.IsNoRows(err) {
		return 0, "", participe.KeyError(participe.EINVALID, "account.link.invalid")
	}
	if err != nil {
		return 0, "", err
	}
	now := s.Clock.Now()
	if !used.IsZero() {
		return 0, "", participe.KeyError(participe.EINVALID, "account.link.used")
	}
	if !now.Before(expires.Time) {
		return 0, "", participe.KeyError(participe.EINVALID, "account.link.expired")
	}
	if _, err := tx.Exec(ctx, `UPDATE account_tokens SET used_at = ? WHERE id = ?`, db.T(now), id); err != nil {
		return 0, "", err
	}
	return personID, email, nil
}
