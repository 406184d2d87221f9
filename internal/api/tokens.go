package api

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"strings"
	"time"

	"participe/internal/audit"
	"participe/internal/db"
	"participe/internal/participe"
)

// Scopes an API token may hold.
const (
	ScopeAnswersWrite   = "answers:write"
	ScopeFollowUpsWrite = "follow-ups:write"
)

// AllScopes lists the scopes in display order.
var AllScopes = []string{ScopeAnswersWrite, ScopeFollowUpsWrite}

// Token is an API token of a staff system (the secret itself is never stored).
type Token struct {
	ID         int64
	BodyID     int64
	Name       string
	Prefix     string
	Scopes     []string
	CreatedBy  int64
	CreatedAt  time.Time
	LastUsedAt time.Time
	RevokedAt  time.Time
}

// Has reports whether the token holds scope.
func (t *Token) Has(scope string) bool {
	for _, s := range t.Scopes {
		if s == scope {
			return true
		}
	}
	return false
}

// Tokens manages API tokens.
type Tokens struct {
	db    *db.DB
	clock participe.Clock
}

// NewTokens builds the token service.
func NewTokens(d *db.DB, clock participe.Clock) *Tokens { return &Tokens{db: d, clock: clock} }

// tokenPrefix marks Participe tokens (secret scanners can spot a leaked one).
const tokenPrefix = "ptk_"

func hashToken(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// canAdmin: body admins (and platform admins) manage their body's tokens.
func canAdmin(a *participe.Actor, bodyID int64) bool {
	return a != nil && a.Has(participe.RoleBodyAdmin, bodyID)
}

// Create makes a token for a body and returns it with its secret, shown once.
func (t *Tokens) Create(ctx context.Context, a *participe.Actor, ip string, bodyID int64, name string, scopes []string) (*Token, string, error) {
	if !canAdmin(a, bodyID) {
		return nil, "", participe.Errorf(participe.EFORBIDDEN, "body admins manage API tokens")
	}
	name = strings.TrimSpace(name)
	if name == "" || len([]rune(name)) > 100 {
		return nil, "", participe.FieldError("name", "api.tokens.error.name")
	}
	var clean []string
	for _, s := range scopes {
		ok := false
		for _, x := range AllScopes {
			ok = ok || x == s
		}
		if !ok {
			return nil, "", participe.FieldError("scopes", "api.tokens.error.scopes")
		}
		clean = append(clean, s)
	}
	if len(clean) == 0 {
		return nil, "", participe.FieldError("scopes", "api.tokens.error.scopes")
	}
	buf := make([]byte, 25)
	if _, err := rand.Read(buf); err != nil {
		return nil, "", err
	}
	secret := tokenPrefix + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(buf))
	tok := &Token{BodyID: bodyID, Name: name, Prefix: secret[:12], Scopes: clean, CreatedBy: a.PersonID, CreatedAt: t.clock.Now()}
	err := t.db.Write(ctx, func(tx *db.Tx) error {
		var err error
		tok.ID, err = tx.InsertID(ctx, `INSERT INTO api_tokens (body_id, name, prefix, token_hash, scopes, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, bodyID, name, tok.Prefix, hashToken(secret), strings.Join(clean, " "), a.PersonID, db.T(tok.CreatedAt))
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{At: tok.CreatedAt, ActorID: a.PersonID, BodyID: bodyID, Action: "api.token.create",
			TargetType: "api_token", TargetID: tok.ID, Details: "scopes=" + strings.Join(clean, " "), IP: ip})
	})
	if err != nil {
		return nil, "", err
	}
	return tok, secret, nil
}

// List returns a body's tokens (active and revoked).
func (t *Tokens) List(ctx context.Context, a *participe.Actor, bodyID int64) ([]Token, error) {
	if !canAdmin(a, bodyID) {
		return nil, participe.Errorf(participe.EFORBIDDEN, "body admins manage API tokens")
	}
	rows, err := t.db.Query(ctx, `SELECT id, body_id, name, prefix, scopes, COALESCE(created_by, 0), created_at, last_used_at, revoked_at
		FROM api_tokens WHERE body_id = ? ORDER BY id DESC`, bodyID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Token
	for rows.Next() {
		var tok Token
		var scopes string
		var created, used, revoked db.Time
		if err := rows.Scan(&tok.ID, &tok.BodyID, &tok.Name, &tok.Prefix, &scopes, &tok.CreatedBy, &created, &used, &revoked); err != nil {
			return nil, err
		}
		tok.Scopes = strings.Fields(scopes)
		tok.CreatedAt, tok.LastUsedAt, tok.RevokedAt = created.Time, used.Time, revoked.Time
		out = append(out, tok)
	}
	return out, rows.Err()
}

// Revoke revokes a token of the body.
func (t *Tokens) Revoke(ctx context.Context, a *participe.Actor, ip string, bodyID, id int64) error {
	if !canAdmin(a, bodyID) {
		return participe.Errorf(participe.EFORBIDDEN, "body admins manage API tokens")
	}
	now := t.clock.Now()
	return t.db.Write(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND body_id = ? AND revoked_at IS NULL`, db.T(now), id, bodyID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return participe.Errorf(participe.ENOTFOUND, "token not found")
		}
		return audit.Record(ctx, tx, audit.Entry{At: now, ActorID: a.PersonID, BodyID: bodyID, Action: "api.token.revoke",
			TargetType: "api_token", TargetID: id, IP: ip})
	})
}

// Authenticate finds the active token of a secret ("Authorization: Bearer ptk_…").
func (t *Tokens) Authenticate(ctx context.Context, secret string) (*Token, error) {
	if !strings.HasPrefix(secret, tokenPrefix) || len(secret) > 100 {
		return nil, participe.Errorf(participe.EUNAUTHORIZED, "invalid token")
	}
	var tok Token
	var scopes string
	var revoked db.Time
	err := t.db.QueryRow(ctx, `SELECT id, body_id, name, prefix, scopes, revoked_at FROM api_tokens WHERE token_hash = ?`, hashToken(secret)).
		Scan(&tok.ID, &tok.BodyID, &tok.Name, &tok.Prefix, &scopes, &revoked)
	if err != nil || !revoked.IsZero() {
		return nil, participe.Errorf(participe.EUNAUTHORIZED, "invalid token")
	}
	tok.Scopes = strings.Fields(scopes)
	return &tok, nil
}

// Used records a use of the token in the audit log (and its last use), in its own
// transaction: reads and refused writes are recorded too.
func (t *Tokens) Used(ctx context.Context, tok *Token, ip, action, details string) error {
	now := t.clock.Now()
	return t.db.Write(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, db.T(now), tok.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{At: now, BodyID: tok.BodyID, Action: action, TargetType: "api_token", TargetID: tok.ID, Details: details, IP: ip})
	})
}
