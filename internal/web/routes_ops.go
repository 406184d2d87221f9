package web

import (
	"context"
	"net/http"

	"participe/internal/db"
	"participe/internal/events"
	"participe/internal/ops"
	"participe/internal/participe"
)

var errInvalidTopics = participe.Errorf(participe.EINVALID, "live events: give 1 to 20 topics like proposal:12")

// routesOps registers the operations area: live events (Server-Sent Events, shared by
// every app server through PostgreSQL LISTEN/NOTIFY), the records-retention plan and
// its daily job.
func (s *Server) routesOps(mux *http.ServeMux) {
	if s.DB.Engine == db.Postgres {
		// Scale-out: Publish goes through pg_notify and a listener (started at the first
		// subscription) delivers every server's events here.
		br := events.NewBridge(s.DB.DSN, s.DB.SQL(), s.Events, s.Log)
		s.OnShutdown(br.Stop)
	}
	// Cache invalidation between servers: a catalog write here is announced on
	// "invalidate:catalog"; one announced by any server drops this server's lookups and
	// cached pages at once (instead of after their TTL). See ops_invalidate.go.
	s.shareCatalogInvalidation()

	live := newLiveStreams(s)
	s.page(mux, "GET /evenements", live.stream)

	ret := &retentionHandlers{s: s, svc: ops.NewRetention(s.DB, s.Clock)}
	// Behind the staff gate (second factor required), like every back-office page.
	s.adminPage(mux, "GET /admin/organismes/{id}/conservation", ret.show)
	s.adminPage(mux, "POST /admin/organismes/{id}/conservation", ret.save)
	ops.RegisterRetentionJob(s.Jobs, ret.svc)
}

// ScheduleOps enqueues the recurring operations jobs (the daily retention run) if they
// are not already: serve and worker call it at start; a unique key per day makes
// concurrent starts of several servers agree on one job.
func (s *Server) ScheduleOps(ctx context.Context) error {
	return ops.ScheduleRetention(ctx, s.Jobs, s.Clock.Now())
}
