// Package web serves Participe's pages: one router (routes.go), middleware, rendering
// of embedded templates, and the adapter that maps domain errors to HTTP statuses.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"sync/atomic"

	"github.com/alexedwards/scs/v2"

	"participe/internal/config"
	"participe/internal/db"
	"participe/internal/events"
	"participe/internal/i18n"
	"participe/internal/jobs"
	"participe/internal/participe"
	"participe/internal/ratelimit"
)

// Server holds what every handler needs. Areas build their own services from these in
// their routes_<area>.go file.
type Server struct {
	Cfg      config.Config
	DB       *db.DB
	Log      *slog.Logger
	Cat      *i18n.Catalog
	Clock    participe.Clock
	Jobs     *jobs.Queue
	Sessions *scs.SessionManager
	Events   *events.Bus
	Limiter  *ratelimit.Limiter

	// UnreadCount, when set by the notifications area, gives the header's badge.
	UnreadCount func(ctx context.Context, personID int64) int

	// tools lists the participation tools, in the order their areas registered.
	tools   []ToolInfo
	tmpl    *templates
	handler http.Handler
	// inFlight counts requests being served, for load shedding and /metrics.
	inFlight atomic.Int64
	metrics  *metrics
	// shutdownHooks run when the server stops (areas may register background work).
	shutdownHooks []func()
}

// Deps are what main wires into the server.
type Deps struct {
	Cfg   config.Config
	DB    *db.DB
	Log   *slog.Logger
	Clock participe.Clock
	Jobs  *jobs.Queue
	// Events is the live-event bus (nil: an in-process one).
	Events *events.Bus
}

// New builds the server: catalogs, templates (a missing template or message key fails
// here, not in a request), sessions and routes.
func New(d Deps) (*Server, error) {
	cat, err := i18n.Load()
	if err != nil {
		return nil, err
	}
	if d.Clock == nil {
		d.Clock = participe.SystemClock{}
	}
	if d.Jobs == nil {
		d.Jobs = jobs.New(d.DB, d.Clock, d.Log)
	}
	if d.Events == nil {
		d.Events = events.New()
	}
	s := &Server{Cfg: d.Cfg, DB: d.DB, Log: d.Log, Cat: cat, Clock: d.Clock, Jobs: d.Jobs, Events: d.Events}
	s.Limiter = ratelimit.New(d.DB, d.Clock)
	s.Sessions = newSessionManager(d.Cfg, d.DB)
	// A session store failure (database down) gets the 503 page, not scs's plain 500.
	s.Sessions.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) { s.renderError(w, r, err) }
	s.metrics = newMetrics()
	tmpl, err := parseTemplates(cat)
	if err != nil {
		return nil, err
	}
	s.tmpl = tmpl
	mux := http.NewServeMux()
	s.routes(mux)
	s.handler = s.middleware(mux)
	return s, nil
}

// ServeHTTP makes the server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// OnShutdown registers fn to run when the server stops.
func (s *Server) OnShutdown(fn func()) { s.shutdownHooks = append(s.shutdownHooks, fn) }

// Shutdown runs the registered hooks.
func (s *Server) Shutdown() {
	for _, fn := range s.shutdownHooks {
		fn()
	}
}
