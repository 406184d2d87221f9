package account

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"participe/internal/db"
	"participe/internal/participe"
)

// OIDC signs people in through the government identity provider (authorization code
// flow with PKCE, state and nonce). Discovery happens on first use, so a provider that
// is down at start-up does not stop the site.
type OIDC struct {
	Issuer, ClientID, ClientSecret, RedirectURL string

	mu       sync.Mutex
	provider *oidc.Provider
}

// NewOIDC returns nil when no issuer is configured (the feature is off).
func NewOIDC(issuer, clientID, secret, redirectURL string) *OIDC {
	if issuer == "" || clientID == "" {
		return nil
	}
	return &OIDC{Issuer: issuer, ClientID: clientID, ClientSecret: secret, RedirectURL: redirectURL}
}

func (o *OIDC) setup(ctx context.Context) (*oidc.Provider, *oauth2.Config, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.provider == nil {
		p, err := oidc.NewProvider(ctx, o.Issuer)
		if err != nil {
			return nil, nil, participe.Errorf(participe.EUNAVAILABLE, "identity provider unavailable: %v", err)
		}
		o.provider = p
	}
	return o.provider, &oauth2.Config{
		ClientID: o.ClientID, ClientSecret: o.ClientSecret, RedirectURL: o.RedirectURL,
		Endpoint: o.provider.Endpoint(), Scopes: []string{oidc.ScopeOpenID, "email", "profile"},
	}, nil
}

// OIDCStart is what the session keeps between the redirect and the return.
type OIDCStart struct {
	URL, State, Nonce, Verifier string
}

func randomString() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Start builds the provider's authorization URL with fresh state, nonce and PKCE verifier.
func (o *OIDC) Start(ctx context.Context) (OIDCStart, error) {
	_, cfg, err := o.setup(ctx)
	if err != nil {
		return OIDCStart{}, err
	}
	st := OIDCStart{State: randomString(), Nonce: randomString(), Verifier: oauth2.GenerateVerifier()}
	st.URL = cfg.AuthCodeURL(st.State, oidc.Nonce(st.Nonce), oauth2.S256ChallengeOption(st.Verifier))
	return st, nil
}

// Claims are what Participe uses from the ID token.
type Claims struct {
	Subject       string `json:"sub"`
	Email         string `json:"email"`
	EmailVerified bool   `json:"email_verified"`
	Name          string `json:"name"`
	GivenName     string `json:"given_name"`
}

// Finish exchanges the code (with the PKCE verifier), verifies the ID token (issuer,
// audience, signature, expiry) and its nonce, and returns its claims.
func (o *OIDC) Finish(ctx context.Context, code, verifier, nonce string) (Claims, error) {
	var c Claims
	p, cfg, err := o.setup(ctx)
	if err != nil {
		return c, err
	}
	tok, err := cfg.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		return c, participe.KeyError(participe.EINVALID, "account.oidc.failed")
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok {
		return c, participe.KeyError(participe.EINVALID, "account.oidc.failed")
	}
	idt, err := p.Verifier(&oidc.Config{ClientID: o.ClientID}).Verify(ctx, raw)
	if err != nil {
		return c, participe.KeyError(participe.EINVALID, "account.oidc.failed")
	}
	if idt.Nonce != nonce || nonce == "" {
		return c, participe.KeyError(participe.EINVALID, "account.oidc.failed")
	}
	if err := idt.Claims(&c); err != nil {
		return c, participe.KeyError(participe.EINVALID, "account.oidc.failed")
	}
	if c.Email == "" || !c.EmailVerified {
		// Some providers put the address in the userinfo endpoint only.
		if ui, err := p.UserInfo(ctx, oauth2.StaticTokenSource(tok)); err == nil && ui.Subject == idt.Subject {
			c.Email, c.EmailVerified = ui.Email, ui.EmailVerified
		}
	}
	c.Subject = idt.Subject
	return c, nil
}

// SignInOIDC finds the person of an identity, or links it to the account with the same
// verified address, or creates an account. Unverified addresses are never linked.
func (s *Service) SignInOIDC(ctx context.Context, issuer string, c Claims, lang string) (SignInResult, error) {
	var res SignInResult
	if c.Subject == "" {
		return res, participe.KeyError(participe.EINVALID, "account.oidc.failed")
	}
	now := s.Clock.Now()
	email, emailErr := NormalizeEmail(c.Email)
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		err := tx.QueryRow(ctx, `SELECT o.person_id FROM oidc_identities o JOIN people p ON p.id = o.person_id
			WHERE o.issuer = ? AND o.subject = ? AND p.deleted_at IS NULL`, issuer, c.Subject).Scan(&res.PersonID)
		if err == nil {
			return nil
		}
		if !db.IsNoRows(err) {
			return err
		}
		if emailErr == nil && c.EmailVerified {
			err = tx.QueryRow(ctx, `SELECT id FROM people WHERE email = ? AND deleted_at IS NULL`, email).Scan(&res.PersonID)
			if err != nil && !db.IsNoRows(err) {
				return err
			}
			if err == nil {
				if _, err := tx.Exec(ctx, `UPDATE people SET email_verified_at = COALESCE(email_verified_at, ?) WHERE id = ?`, db.T(now), res.PersonID); err != nil {
					return err
				}
			}
		}
		if res.PersonID == 0 {
			var addr, verified any
			if emailErr == nil && c.EmailVerified {
				addr, verified = email, db.T(now)
			}
			pseudo := strings.TrimSpace(c.GivenName)
			if p, err := CheckPseudonym(pseudo); err == nil {
				pseudo = p
			} else {
				pseudo = fmt.Sprintf("Personne %s", strings.ToUpper(randomString()[:6]))
			}
			if utf8.RuneCountInString(pseudo) > MaxPseudonymLen {
				pseudo = string([]rune(pseudo)[:MaxPseudonymLen])
			}
			if lang != "en" {
				lang = "fr"
			}
			res.PersonID, err = tx.InsertID(ctx, `INSERT INTO people (email, pseudonym, email_verified_at, locale, created_at)
				VALUES (?, ?, ?, ?, ?) RETURNING id`, addr, pseudo, verified, lang, db.T(now))
			if err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, `INSERT INTO oidc_identities (issuer, subject, person_id, created_at) VALUES (?, ?, ?, ?)`,
			issuer, c.Subject, res.PersonID, db.T(now))
		return err
	})
	if err != nil {
		return res, err
	}
	var platformAdmin bool
	if err := s.DB.QueryRow(ctx, `SELECT platform_admin FROM people WHERE id = ?`, res.PersonID).Scan(&platformAdmin); err != nil {
		return res, err
	}
	return s.factors(ctx, res, platformAdmin)
}
