package account

import (
	"context"
	"time"
	"unicode/utf8"

	"participe/internal/db"
)

// Session is one signed-in browser of a person ("Mon espace" > Sécurité).
type Session struct {
	ID        int64
	CreatedAt time.Time
	LastSeen  time.Time
	UserAgent string
	IP        string
	Current   bool
}

// RecordSession remembers a new signed-in session. token is the session manager's
// token; only its hash is stored, so this table cannot be used to hijack a session.
func (s *Service) RecordSession(ctx context.Context, personID int64, token, userAgent, ip string) error {
	if token == "" {
		return nil
	}
	now := s.Clock.Now()
	if utf8.RuneCountInString(userAgent) > 300 {
		userAgent = string([]rune(userAgent)[:300])
	}
	_, err := s.DB.Exec(ctx, `INSERT INTO person_sessions (person_id, token_hash, created_at, last_seen_at, user_agent, ip)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (token_hash) DO UPDATE SET last_seen_at = excluded.last_seen_at`,
		personID, HashToken(token), db.T(now), db.T(now), userAgent, ip)
	return err
}

// TouchSession updates the last-seen time of the current session (at most once a minute).
func (s *Service) TouchSession(ctx context.Context, personID int64, token string) error {
	if token == "" {
		return nil
	}
	now := s.Clock.Now()
	_, err := s.DB.Exec(ctx, `UPDATE person_sessions SET last_seen_at = ? WHERE token_hash = ? AND person_id = ? AND last_seen_at < ?`,
		db.T(now), HashToken(token), personID, db.T(now.Add(-time.Minute)))
	return err
}

// ForgetSession removes the current session's record (sign-out).
func (s *Service) ForgetSession(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	_, err := s.DB.Exec(ctx, `DELETE FROM person_sessions WHERE token_hash = ?`, HashToken(token))
	return err
}

// Sessions lists the person's sessions, newest first; current marks this browser's.
func (s *Service) Sessions(ctx context.Context, personID int64, currentToken string) ([]Session, error) {
	cur := HashToken(currentToken)
	rows, err := s.DB.Query(ctx, `SELECT id, token_hash, created_at, last_seen_at, user_agent, ip FROM person_sessions
		WHERE person_id = ? ORDER BY last_seen_at DESC, id DESC LIMIT 100`, personID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Session
	for rows.Next() {
		var x Session
		var hash string
		var created, seen db.Time
		if err := rows.Scan(&x.ID, &hash, &created, &seen, &x.UserAgent, &x.IP); err != nil {
			return nil, err
		}
		x.CreatedAt, x.LastSeen, x.Current = created.Time, seen.Time, hash == cur
		out = append(out, x)
	}
	return out, rows.Err()
}

// SignOutOthers ends every session of the person except the current one.
func (s *Service) SignOutOthers(ctx context.Context, personID int64, currentToken string) error {
	keep := ""
	if currentToken != "" {
		keep = HashToken(currentToken)
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error { return revokeSessionsTx(ctx, tx, personID, keep) })
}

// revokeSessionsTx deletes the person's server-side sessions (all but keepHash). The
// session store keys sessions by raw token and we keep only hashes, so the store's
// live tokens are hashed and compared: sign-out-everywhere is rare, and this keeps raw
// tokens out of our own table.
func revokeSessionsTx(ctx context.Context, tx *db.Tx, personID int64, keepHash string) error {
	rows, err := tx.Query(ctx, `SELECT token_hash FROM person_sessions WHERE person_id = ?`, personID)
	if err != nil {
		return err
	}
	mine := map[string]bool{}
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			rows.Close()
			return err
		}
		if h != keepHash {
			mine[h] = true
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(mine) == 0 {
		return nil
	}
	rows, err = tx.Query(ctx, `SELECT token FROM sessions`)
	if err != nil {
		return err
	}
	var doomed []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return err
		}
		if mine[HashToken(t)] {
			doomed = append(doomed, t)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, t := range doomed {
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE token = ?`, t); err != nil {
			return err
		}
	}
	for h := range mine {
		if _, err := tx.Exec(ctx, `DELETE FROM person_sessions WHERE token_hash = ?`, h); err != nil {
			return err
		}
	}
	return nil
}
