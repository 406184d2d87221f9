package demo

import (
	"context"
	"crypto/sha256"
	"encoding/base32"
	"fmt"

	"participe/internal/account"
	"participe/internal/db"
	"participe/internal/participe"
)

// DemoPassword is the password of every demo account (demo only: printed at start).
const DemoPassword = "demo-quebec-2026"

// demoStaffBodies get a full staff (body admin, manager, moderator, analyst).
var demoStaffBodies = []string{"sct", "mcn", "msss"}

var demoRoleNames = map[string]string{
	participe.RoleBodyAdmin: "admin",
	participe.RoleManager:   "gestion",
	participe.RoleModerator: "moderation",
	participe.RoleAnalyst:   "analyse",
}

var demoParticipants = []struct{ email, pseudo, region, age string }{
	{"camille@demo.participe.quebec", "Camille de Rimouski", "01", "25-34"},
	{"mathieu@demo.participe.quebec", "Mathieu T.", "06", "35-44"},
	{"sophie@demo.participe.quebec", "Sophie_Qc", "03", "45-54"},
	{"jean@demo.participe.quebec", "Jean-Guy", "02", "65+"},
	{"amina@demo.participe.quebec", "Amina B.", "13", "15-24"},
}

// demoTOTPSecret is a fixed secret per demo account, so that a person who added it to
// an authenticator app keeps it across demo reloads.
func demoTOTPSecret(email string) string {
	sum := sha256.Sum256([]byte("participe-demo-totp:" + email))
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(sum[:20])
}

// demoRecoveryCodes are fixed recovery codes for demo staff (each usable once per load).
var demoRecoveryCodes = []string{"demo2-staff", "demo3-staff", "demo4-staff", "demo5-staff", "demo6-staff"}

// loadAccounts creates demo staff for several bodies, a platform admin and five
// participants, and prints their credentials (demo only). Idempotent.
func loadAccounts(ctx context.Context, env *Env) error {
	hash, err := account.HashPassword(DemoPassword)
	if err != nil {
		return err
	}
	now := env.Clock.Now()
	person := func(tx *db.Tx, email, pseudo string, platform bool) (int64, error) {
		var id int64
		err := tx.QueryRow(ctx, `SELECT id FROM people WHERE email = ?`, email).Scan(&id)
		if err == nil {
			return id, nil
		}
		if !db.IsNoRows(err) {
			return 0, err
		}
		id, err = tx.InsertID(ctx, `INSERT INTO people (email, pseudonym, password_hash, email_verified_at, locale, platform_admin, created_at)
			VALUES (?, ?, ?, ?, 'fr', ?, ?) RETURNING id`, email, pseudo, hash, db.T(now), platform, db.T(now))
		if err != nil {
			return 0, err
		}
		for _, kind := range []string{"terms", "privacy"} {
			if _, err := tx.Exec(ctx, `INSERT INTO consents (person_id, kind, version, accepted_at) VALUES (?, ?, ?, ?)`, id, kind, account.TermsVersion, db.T(now)); err != nil {
				return 0, err
			}
		}
		return id, nil
	}
	staffTOTP := func(tx *db.Tx, id int64, email string) error {
		if _, err := tx.Exec(ctx, `INSERT INTO person_totp (person_id, secret, confirmed_at, created_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (person_id) DO NOTHING`, id, demoTOTPSecret(email), db.T(now), db.T(now)); err != nil {
			return err
		}
		for _, c := range demoRecoveryCodes {
			if _, err := tx.Exec(ctx, `INSERT INTO recovery_codes (person_id, code_hash, created_at) VALUES (?, ?, ?)
				ON CONFLICT (person_id, code_hash) DO UPDATE SET used_at = NULL`, id, account.HashToken(normalizeDemoCode(c)), db.T(now)); err != nil {
				return err
			}
		}
		return nil
	}
	var lines []string
	err = env.DB.Write(ctx, func(tx *db.Tx) error {
		email := "admin@demo.participe.quebec"
		id, err := person(tx, email, "Administration de la plateforme", true)
		if err != nil {
			return err
		}
		if err := staffTOTP(tx, id, email); err != nil {
			return err
		}
		lines = append(lines, fmt.Sprintf("  %-44s plateforme (toutes les permissions)   TOTP %s", email, demoTOTPSecret(email)))
		for _, slug := range demoStaffBodies {
			var bodyID int64
			var acronym string
			err := tx.QueryRow(ctx, `SELECT id, acronym FROM bodies WHERE slug = ?`, slug).Scan(&bodyID, &acronym)
			if db.IsNoRows(err) {
				continue
			}
			if err != nil {
				return err
			}
			if acronym == "" {
				acronym = slug
			}
			for _, role := range participe.AllRoles {
				email := fmt.Sprintf("%s.%s@demo.participe.quebec", slug, demoRoleNames[role])
				id, err := person(tx, email, fmt.Sprintf("%s — %s", acronym, demoRoleNames[role]), false)
				if err != nil {
					return err
				}
				if _, err := tx.Exec(ctx, `INSERT INTO staff_roles (person_id, body_id, role, granted_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
					id, bodyID, role, db.T(now)); err != nil {
					return err
				}
				if err := staffTOTP(tx, id, email); err != nil {
					return err
				}
				lines = append(lines, fmt.Sprintf("  %-44s %-10s %-22s TOTP %s", email, slug, role, demoTOTPSecret(email)))
			}
		}
		for _, p := range demoParticipants {
			id, err := person(tx, p.email, p.pseudo, false)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE people SET region_code = ?, age_group = ? WHERE id = ? AND region_code IS NULL`, p.region, p.age, id); err != nil {
				return err
			}
			lines = append(lines, fmt.Sprintf("  %-44s participant(e)        %s", p.email, p.pseudo))
		}
		return nil
	})
	if err != nil {
		return err
	}
	r := env.Report
	r.Add("Comptes de démonstration (DÉMO SEULEMENT) — mot de passe commun : %s", DemoPassword)
	r.Add("  Le personnel doit passer la vérification en deux étapes : ajoutez la clé TOTP à une application,")
	r.Add("  ou utilisez un code de récupération : %s (chacun une fois par chargement de la démo).", demoRecoveryCodes[0])
	for _, l := range lines {
		r.Add("%s", l)
	}
	return nil
}

func normalizeDemoCode(c string) string {
	out := make([]byte, 0, len(c))
	for i := 0; i < len(c); i++ {
		if c[i] != '-' {
			out = append(out, c[i])
		}
	}
	return string(out)
}
