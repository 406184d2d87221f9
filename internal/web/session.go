package web

import (
	"context"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"

	"participe/internal/account"
	"participe/internal/config"
	"participe/internal/db"
	"participe/internal/participe"
)

// Session keys shared by the areas.
const (
	// SessionPersonID holds the signed-in person's id (int64).
	SessionPersonID = "person_id"
	// SessionSecondFactor is true once the session passed a second factor.
	SessionSecondFactor = "second_factor"
	sessionFlash        = "flash"
)

// dbStore keeps sessions in the database on both engines, so any app server can serve
// any request (scale-out) and a restart signs nobody out.
type dbStore struct {
	db *db.DB
}

func (s *dbStore) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}

func (s *dbStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var data []byte
	err := s.db.QueryRow(ctx, `SELECT data FROM sessions WHERE token = ? AND expiry > ?`, token, time.Now().Unix()).Scan(&data)
	if db.IsNoRows(err) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return data, true, nil
}

func (s *dbStore) Commit(token string, b []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, b, expiry)
}

func (s *dbStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	_, err := s.db.Exec(ctx, `INSERT INTO sessions (token, data, expiry) VALUES (?, ?, ?)
		ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`, token, b, expiry.Unix())
	return err
}

func (s *dbStore) Delete(token string) error { return s.DeleteCtx(context.Background(), token) }

func (s *dbStore) DeleteCtx(ctx context.Context, token string) error {
	_, err := s.db.Exec(ctx, `DELETE FROM sessions WHERE token = ?`, token)
	return err
}

// DeleteExpired removes expired sessions (run by a periodic job).
func DeleteExpiredSessions(ctx context.Context, d *db.DB, now time.Time) error {
	_, err := d.Exec(ctx, `DELETE FROM sessions WHERE expiry <= ?`, now.Unix())
	return err
}

func newSessionManager(cfg config.Config, d *db.DB) *scs.SessionManager {
	sm := scs.New()
	sm.Store = &dbStore{db: d}
	sm.Lifetime = cfg.SessionLifetime
	sm.IdleTimeout = cfg.SessionIdle
	sm.Cookie.Name = "participe_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = cfg.SecureCookies()
	sm.Cookie.Path = "/"
	sm.Cookie.Persist = true
	return sm
}

// ActorFrom returns the signed-in person of the request, or nil for a visitor.
func ActorFrom(ctx context.Context) *participe.Actor {
	a, _ := ctx.Value(ctxActor).(*participe.Actor)
	return a
}

// WithActor returns ctx carrying a (tests and background work).
func WithActor(ctx context.Context, a *participe.Actor) context.Context {
	return context.WithValue(ctx, ctxActor, a)
}

// loadActor puts the signed-in person (with roles) in the request context. A session
// whose person was deleted is destroyed.
func (s *Server) loadActor(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := s.Sessions.GetInt64(r.Context(), SessionPersonID)
		if id == 0 {
			next.ServeHTTP(w, r)
			return
		}
		a, err := account.LoadActor(r.Context(), s.DB, id)
		if err != nil {
			if participe.IsCode(err, participe.ENOTFOUND) {
				_ = s.Sessions.Destroy(r.Context())
				next.ServeHTTP(w, r)
				return
			}
			s.renderError(w, r, err)
			return
		}
		a.SecondFactor = s.Sessions.GetBool(r.Context(), SessionSecondFactor)
		s.touchSession(r, id)
		next.ServeHTTP(w, r.WithContext(WithActor(r.Context(), a)))
	})
}

// SignIn starts an authenticated session for personID: the session token is renewed
// (no fixation) and the second-factor state recorded.
func (s *Server) SignIn(ctx context.Context, personID int64, secondFactor bool) error {
	if err := s.Sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.Sessions.Put(ctx, SessionPersonID, personID)
	s.Sessions.Put(ctx, SessionSecondFactor, secondFactor)
	return nil
}

// SignOut ends the session.
func (s *Server) SignOut(ctx context.Context) error { return s.Sessions.Destroy(ctx) }

// SetFlash shows a notice on the next page.
func (s *Server) SetFlash(ctx context.Context, kind, message string) {
	s.Sessions.Put(ctx, sessionFlash, kind+"\x00"+message)
}

func (s *Server) popFlash(r *http.Request) *Flash {
	if !s.Sessions.Exists(r.Context(), sessionFlash) {
		return nil
	}
	v := s.Sessions.PopString(r.Context(), sessionFlash)
	for i := 0; i < len(v); i++ {
		if v[i] == 0 {
			return &Flash{Kind: v[:i], Message: v[i+1:]}
		}
	}
	return nil
}

const sessionTouched = "touched_at"

// touchSession keeps "last seen" of the person's session list current, at most once a
// minute per session so signed-in browsing does not add a write per request.
func (s *Server) touchSession(r *http.Request, personID int64) {
	ctx := r.Context()
	now := s.Clock.Now().Unix()
	if now-s.Sessions.GetInt64(ctx, sessionTouched) < 60 {
		return
	}
	s.Sessions.Put(ctx, sessionTouched, now)
	acc := account.New(s.DB, s.Clock, s.Jobs, s.Cat, s.Limiter, s.Cfg.BaseURL)
	if err := acc.TouchSession(ctx, personID, s.Sessions.Token(ctx)); err != nil {
		s.Log.Warn("session last-seen not updated", "err", err)
	}
}
