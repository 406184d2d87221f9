package account

import (
	"archive/zip"
	"context"
	"encoding/json"
	"io"
	"sort"
	"strings"
	"time"

	"participe/internal/db"
)

// secretColumn reports columns never exported (hashes, secrets, raw tokens).
func secretColumn(c string) bool {
	return strings.HasSuffix(c, "_hash") || c == "secret" || c == "token" || c == "password"
}

// skipTables are not the person's data (or are exported apart).
var skipTables = map[string]bool{"people": true, "sessions": true, "jobs": true, "rate_limits": true, "login_failures": true}

type personTable struct{ Table, Column string }

// personTables discovers, from the database catalog, every table with a column that
// ties a row to a person (person_id or author_id), so tables added by other areas are
// exported without changes here.
func (s *Service) personTables(ctx context.Context) ([]personTable, error) {
	q := `SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p
		WHERE m.type = 'table' AND p.name IN ('person_id', 'author_id') ORDER BY m.name, p.name`
	if s.DB.Engine == db.Postgres {
		q = `SELECT table_name, column_name FROM information_schema.columns
			WHERE table_schema = current_schema() AND column_name IN ('person_id', 'author_id') ORDER BY table_name, column_name`
	}
	rows, err := s.DB.Query(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []personTable
	for rows.Next() {
		var t personTable
		if err := rows.Scan(&t.Table, &t.Column); err != nil {
			return nil, err
		}
		if !skipTables[t.Table] {
			out = append(out, t)
		}
	}
	return out, rows.Err()
}

// exportRows reads the rows of table where column = personID, as JSON-ready maps.
func (s *Service) exportRows(ctx context.Context, t personTable, personID int64) ([]map[string]any, error) {
	rows, err := s.DB.Query(ctx, `SELECT * FROM "`+t.Table+`" WHERE "`+t.Column+`" = ? LIMIT 100000`, personID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []map[string]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		m := map[string]any{}
		for i, c := range cols {
			if secretColumn(c) {
				continue
			}
			v := vals[i]
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			if n, ok := v.(int64); ok && (strings.HasSuffix(c, "_at") || c == "at") && n > 0 {
				v = time.Unix(n, 0).UTC().Format(time.RFC3339)
			}
			m[c] = v
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// ExportData writes a ZIP with the person's data as JSON: profile.json, and one file
// per table that holds rows about the person (consents, sessions, roles,
// contributions, votes… whatever the areas added).
func (s *Service) ExportData(ctx context.Context, personID int64, w io.Writer) error {
	p, err := s.ProfileOf(ctx, personID)
	if err != nil {
		return err
	}
	tables, err := s.personTables(ctx)
	if err != nil {
		return err
	}
	files := map[string]any{
		"profile.json": map[string]any{
			"id": p.ID, "email": p.Email, "pseudonym": p.Pseudonym, "email_verified": p.EmailVerified,
			"locale": p.Locale, "region_code": p.RegionCode, "age_group": p.AgeGroup,
			"created_at": p.CreatedAt.UTC().Format(time.RFC3339),
		},
	}
	for _, t := range tables {
		rows, err := s.exportRows(ctx, t, personID)
		if err != nil {
			return err
		}
		name := t.Table + ".json"
		if t.Column != "person_id" {
			name = t.Table + "." + t.Column + ".json"
		}
		if rows == nil {
			rows = []map[string]any{}
		}
		files[name] = rows
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	zw := zip.NewWriter(w)
	for _, n := range names {
		f, err := zw.CreateHeader(&zip.FileHeader{Name: n, Method: zip.Deflate, Modified: s.Clock.Now()})
		if err != nil {
			return err
		}
		enc := json.NewEncoder(f)
		enc.SetIndent("", "  ")
		if err := enc.Encode(files[n]); err != nil {
			return err
		}
	}
	return zw.Close()
}

// DeleteAccount erases the person's personal data: address, password, profile,
// second factor, sessions, consents, roles and memberships. The row stays (with the
// pseudonym "Personne participante anonyme") so contributions keep their author
// without saying who it was. password is required when the account has one.
func (s *Service) DeleteAccount(ctx context.Context, personID int64, password string) error {
	var hash string
	if err := s.DB.QueryRow(ctx, `SELECT password_hash FROM people WHERE id = ? AND deleted_at IS NULL`, personID).Scan(&hash); err != nil {
		return db.NotFound(err, "person")
	}
	if hash != "" && !CheckPassword(hash, password) {
		return fieldErr("password", "account.password.wrong")
	}
	now := s.Clock.Now()
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		if err := revokeSessionsTx(ctx, tx, personID, ""); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE people SET email = NULL, pseudonym = ?, password_hash = '', email_verified_at = NULL,
			region_code = NULL, age_group = '', platform_admin = ?, deleted_at = ? WHERE id = ?`,
			AnonymousPseudonym, false, db.T(now), personID); err != nil {
			return err
		}
		for _, t := range []string{"person_totp", "recovery_codes", "account_tokens", "person_sessions", "consents",
			"oidc_identities", "organisation_members", "staff_roles", "login_failures"} {
			if _, err := tx.Exec(ctx, `DELETE FROM `+t+` WHERE person_id = ?`, personID); err != nil {
				return err
			}
		}
		return nil
	})
}
