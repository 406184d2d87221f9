package web

import (
	"context"
	"net/http"
	"time"

	"participe/internal/account"
)

// sessionMeta is what the session store learnt about the request's session row: its
// token and stored expiry (unix seconds). The store fills it while scs loads the session,
// keepSessionAlive reads it.
type sessionMeta struct {
	token  string
	expiry int64
}

func sessionMetaFrom(ctx context.Context) *sessionMeta {
	m, _ := ctx.Value(ctxSessionMeta).(*sessionMeta)
	return m
}

// refreshStep is how far the stored expiry must be able to move before it is written:
// a tenth of the idle timeout, at most five minutes. With the default 30 minutes idle a
// person browsing all the time costs one small write every 3 minutes instead of one per
// request, and is signed out between 27 and 30 minutes after their last request.
func refreshStep(idle time.Duration) int64 {
	step := min(idle/10, 5*time.Minute)
	return int64(max(step, time.Second) / time.Second)
}

// withSessions loads the session (scs) around next and keeps it alive.
func (s *Server) withSessions(next http.Handler) http.Handler {
	inner := s.Sessions.LoadAndSave(s.keepSessionAlive(next))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := r.Cookie(s.Sessions.Cookie.Name); err != nil {
			// No session cookie: nothing to read, nothing to keep alive.
			inner.ServeHTTP(w, r)
			return
		}
		inner.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxSessionMeta, &sessionMeta{})))
	})
}

// keepSessionAlive moves the stored expiry of a live session forward when it lags the
// idle timeout by more than refreshStep: one UPDATE of one column, and, for a
// signed-in person, the "last seen" of their session list at the same moment.
func (s *Server) keepSessionAlive(next http.Handler) http.Handler {
	store, _ := s.Sessions.Store.(*dbStore)
	if store == nil || store.idle <= 0 {
		return next
	}
	step := refreshStep(store.idle)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		m := sessionMetaFrom(ctx)
		if m == nil || m.token == "" || m.token != s.Sessions.Token(ctx) {
			next.ServeHTTP(w, r)
			return
		}
		want := store.expiryFor(s.Sessions.Deadline(ctx))
		if want-m.expiry < step {
			next.ServeHTTP(w, r)
			return
		}
		if _, err := s.DB.Exec(ctx, `UPDATE sessions SET expiry = ? WHERE token = ? AND expiry < ?`, want, m.token, want); err != nil {
			// The request goes on: at worst the session ends a little early.
			s.Log.Warn("session expiry not extended", "err", err, "request_id", RequestID(ctx))
		} else {
			m.expiry = want
		}
		if id := s.Sessions.GetInt64(ctx, SessionPersonID); id != 0 {
			acc := account.New(s.DB, s.Clock, s.Jobs, s.Cat, s.Limiter, s.Cfg.BaseURL)
			if err := acc.TouchSession(ctx, id, m.token); err != nil {
				s.Log.Warn("session last-seen not updated", "err", err, "request_id", RequestID(ctx))
			}
		}
		next.ServeHTTP(w, r)
	})
}
