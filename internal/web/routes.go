package web

import (
	"net/http"
	"strings"
)

// routes registers every route. Each area keeps its routes in routes_<area>.go so that
// areas can grow without touching each other; this file is the index of them all.
func (s *Server) routes(mux *http.ServeMux) {
	// Operations: process and database health, Prometheus metrics, static files.
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /metrics", s.metrics.handler())
	mux.Handle("GET /static/", staticHandler())
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/static/favicon.svg", http.StatusMovedPermanently)
	})
	mux.HandleFunc("GET /robots.txt", s.robots)

	s.routesPortal(mux)    // home, initiatives, search, fiche, bodies, themes, calendar, feeds, pages
	s.routesAccount(mux)   // sign-up, sign-in, 2FA, OIDC, my space
	s.routesAdmin(mux)     // back office: bodies, staff, initiatives, audit log
	s.routesProposals(mux) // proposals, arguments, votes, comments, moderation, answers
	s.routesSurvey(mux)    // surveys: builder, answering, paper entry, results
	s.routesResults(mux)   // results, follow-ups, dashboards, open data
	s.routesAPI(mux)       // /api/v1
	s.routesOps(mux)       // live events and operations pages

	// Anything else is a 404 page in the visitor's language.
	mux.Handle("/", s.handle(func(w http.ResponseWriter, r *http.Request) error {
		return errNotFound
	}))
}

// page registers a localized route: the French path and the same path under /en.
// pattern is "METHOD /path".
func (s *Server) page(mux *http.ServeMux, pattern string, h HandlerFunc) {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok {
		panic("web: page pattern needs a method: " + pattern)
	}
	hh := s.handle(h)
	mux.Handle(method+" "+path, hh)
	if path == "/{$}" {
		mux.Handle(method+" /en/{$}", hh)
		mux.Handle(method+" /en", hh)
		return
	}
	mux.Handle(method+" /en"+path, hh)
}
