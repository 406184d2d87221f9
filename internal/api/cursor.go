// Package api is Participe's versioned JSON API (/api/v1): list queries with opaque,
// signed cursors, strict JSON body decoding, RFC 9457 problem details, body-scoped API
// tokens for staff systems and the OpenAPI 3 document. HTTP handlers live in
// internal/web (api_*.go); this package holds what they call.
package api

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"sync"

	"participe/internal/db"
)

// Cursor is the position after which a list continues: the last id returned, for one
// resource and one set of filters (a cursor of another list or other filters is refused).
type Cursor struct {
	V        int    `json:"v"`
	Resource string `json:"r"`
	Filters  string `json:"f"`
	AfterID  int64  `json:"a"`
}

// ErrBadCursor is returned for any cursor that was not issued by us for this list.
var ErrBadCursor = errors.New("api: invalid cursor")

// Signer signs cursors with a secret shared by every app server (kept in app_secrets).
type Signer struct {
	mu  sync.Mutex
	key []byte
	d   *db.DB
}

// NewSigner returns a signer that loads (or creates) its key on first use.
func NewSigner(d *db.DB) *Signer { return &Signer{d: d} }

// NewStaticSigner signs with a fixed key (tests, fuzzing).
func NewStaticSigner(key []byte) *Signer { return &Signer{key: key} }

func (s *Signer) secret(ctx context.Context) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.key != nil {
		return s.key, nil
	}
	buf := make([]byte, 32)
	if _, err := rand.Read(buf); err != nil {
		return nil, err
	}
	if _, err := s.d.Exec(ctx, `INSERT INTO app_secrets (name, secret) VALUES ('api_cursor', ?) ON CONFLICT (name) DO NOTHING`, hex.EncodeToString(buf)); err != nil {
		return nil, err
	}
	var h string
	if err := s.d.QueryRow(ctx, `SELECT secret FROM app_secrets WHERE name = 'api_cursor'`).Scan(&h); err != nil {
		return nil, err
	}
	key, err := hex.DecodeString(h)
	if err != nil || len(key) < 16 {
		return nil, errors.New("api: bad cursor secret")
	}
	s.key = key
	return key, nil
}

func mac(key, msg []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(msg)
	return m.Sum(nil)[:16]
}

// Encode returns the opaque cursor string.
func (s *Signer) Encode(ctx context.Context, c Cursor) (string, error) {
	key, err := s.secret(ctx)
	if err != nil {
		return "", err
	}
	c.V = 1
	raw, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(raw) + "." + base64.RawURLEncoding.EncodeToString(mac(key, raw)), nil
}

// Decode verifies and decodes a cursor for a resource and filter set.
func (s *Signer) Decode(ctx context.Context, token, resource, filters string) (Cursor, error) {
	var c Cursor
	if len(token) > 512 {
		return c, ErrBadCursor
	}
	payload, sig, ok := strings.Cut(token, ".")
	if !ok {
		return c, ErrBadCursor
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(payload)
	if err != nil {
		return c, ErrBadCursor
	}
	got, err := base64.RawURLEncoding.Strict().DecodeString(sig)
	if err != nil {
		return c, ErrBadCursor
	}
	key, err := s.secret(ctx)
	if err != nil {
		return c, err
	}
	if !hmac.Equal(got, mac(key, raw)) {
		return c, ErrBadCursor
	}
	if err := json.Unmarshal(raw, &c); err != nil || c.V != 1 || c.Resource != resource || c.Filters != filters || c.AfterID < 0 {
		return Cursor{}, ErrBadCursor
	}
	return c, nil
}
