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
//
// The idle timeout is enforced here rather than by scs: scs with IdleTimeout re-commits
// the whole session row on every request, a durable write through the single writer
// for every signed-in page view. Instead the row's expiry is min(absolute deadline,
// last commit + idle), checked on every read, and keepSessionAlive moves it forward with
// a one-column UPDATE only when it would move by more than refreshStep (see
// pipeline_session.go). The session therefore ends between idle-refreshStep and idle
// after the last request.
type dbStore struct {
	db   *db.DB
	idle time.Duration
	// now is the store's clock: real time in production (scs's lifetime deadline is
	// real time too), replaced by tests that check the idle timeout.
	now func() time.Time
}

func (s *dbStore) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}

func (s *dbStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var data []byte
	var expiry int64
	err := s.db.QueryRow(ctx, `SELECT data, expiry FROM sessions WHERE token = ? AND expiry > ?`, token, s.now().Unix()).Scan(&data, &expiry)
	if db.IsNoRows(err) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	if m := sessionMetaFrom(ctx); m != nil {
		m.token, m.expiry = token, expiry
	}
	return data, true, nil
}

func (s *dbStore) Commit(token string, b []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, b, expiry)
}

// CommitCtx saves the session; expiry is scs's absolute deadline (scs runs without an
// idle timeout), capped here by the idle timeout.
func (s *dbStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	exp := s.expiryFor(expiry)
	_, err := s.db.Exec(ctx, `INSERT INTO sessions (token, data, expiry) VALUES (?, ?, ?)
		ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`, token, b, exp)
	if err == nil {
		if m := sessionMetaFrom(ctx); m != nil && m.token == token {
			m.expiry = exp
		}
	}
	return err
}

// expiryFor is the row's expiry for a session with this absolute deadline, now.
func (s *dbStore) expiryFor(deadline time.Time) int64 {
	exp := deadline.Unix()
	if s.idle > 0 {
		if ie := s.now().Add(s.idle).Unix(); ie < exp {
			exp = ie
		}
	}
	return exp
}

func (s *dbStore) Delete(token string) error { return s.DeleteCtx(context.Background(), token) }

func (s *dbStore) DeleteCtx(ctx context.Context, token string) error {
	_, err := s.db.Exec(ctx, `DELETE FROM sessions WHERE token = ?`, token)
	if m := sessionMetaFrom(ctx); m != nil && m.token == token {
		m.token = ""
	}
	return err
}

// DeleteExpired removes expired sessions (run by a periodic job).
func DeleteExpiredSessions(ctx context.Context, d *db.DB, now time.Time) error {
	_, err := d.Exec(ctx, `DELETE FROM sessions WHERE expiry <= ?`, now.Unix())
	return err
}

func newSessionManager(cfg config.Config, d *db.DB) *scs.SessionManager {
	sm := scs.New()
	sm.Store = &dbStore{db: d, idle: cfg.SessionIdle, now: time.Now}
	sm.Codec = SessionCodec{}
	sm.Lifetime = cfg.SessionLifetime
	// No scs idle timeout: the store enforces it (see dbStore), without a write per
	// request. The cookie lives until the absolute deadline; the server-side row is
	// what signs an idle person out.
	sm.IdleTimeout = 0
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
