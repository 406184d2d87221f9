package web

import (
	"context"
	"net/http"
	"time"

	"participe/internal/catalog"
	"participe/internal/results"
)

// resultsHandlers serves the results area: results and follow-ups of initiatives, the
// "Vous avez parlé — nous avons écouté" portal page, dashboards, open data, my
// contributions, suggestions, and the back-office pages of results and API tokens.
type resultsHandlers struct {
	s   *Server
	svc *results.Service
	cat *catalog.Service
}

// newResultsService builds the results service with the server's settings (shared by
// the results pages and the API).
func (s *Server) newResultsService() *results.Service {
	svc := results.New(s.DB, s.Clock, s.Jobs)
	svc.T = s.Cat.T
	svc.BaseURL = s.Cfg.BaseURL
	// --reminder-before / PARTICIPE_REMINDER_BEFORE (internal/config, default 48h).
	if s.Cfg.ReminderBefore > 0 {
		svc.ReminderBefore = s.Cfg.ReminderBefore
	}
	return svc
}

// routesResults registers this area's routes (owned by the results area).
func (s *Server) routesResults(mux *http.ServeMux) {
	h := &resultsHandlers{s: s, svc: s.newResultsService(), cat: catalog.New(s.DB, s.Clock)}
	h.svc.RegisterJobs(s.Jobs)
	// The periodic scan (reminders before closing, satisfaction questionnaires) is a job
	// that re-queues itself; this makes sure one is queued for the current slot.
	// Tests (env "development") build many servers on throwaway databases: no
	// background work there; tests call the services directly.
	if s.Cfg.Env != "development" {
		ctx, cancel := context.WithCancel(context.Background())
		s.OnShutdown(cancel)
		go func() {
			sctx, scancel := context.WithTimeout(ctx, 30*time.Second)
			defer scancel()
			if err := h.svc.ScheduleReminderScan(sctx); err != nil && s.Log != nil {
				s.Log.Warn("results: schedule reminder scan", "err", err)
			}
		}()
		// The platform dashboard is computed in the background and kept warm, so that
		// no request waits for its aggregate queries (docs/performance.md).
		go h.svc.WarmDashboards(ctx)
	}

	s.page(mux, "GET /resultats", h.portal)
	s.page(mux, "GET /initiatives/{slug}/resultats", h.initiativeResults)
	s.page(mux, "GET /initiatives/{slug}/resultats/documents/{doc}", h.document)
	s.page(mux, "GET /initiatives/{slug}/tableau-de-bord", h.initiativeDashboard)
	s.page(mux, "GET /tableau-de-bord", h.platformDashboard)
	s.page(mux, "GET /suites/{id}", h.followUp)
	s.page(mux, "POST /suites/{id}/suivre", h.followFollowUp)
	s.page(mux, "GET /donnees-ouvertes", h.openData)
	mux.Handle("GET /donnees-ouvertes/catalogue.json", s.handle(h.dcat))
	mux.Handle("GET /donnees-ouvertes/{slug}/{file}", s.handle(h.export))
	// The satisfaction questionnaire is the survey tool's page; the old address redirects.
	s.page(mux, "GET /initiatives/{slug}/satisfaction", h.satisfactionMoved)
	s.page(mux, "POST /initiatives/{slug}/satisfaction", h.satisfactionMoved)
	s.page(mux, "GET /mon-espace/contributions", h.mine)
	s.page(mux, "GET /suggestions", h.suggestForm)
	s.page(mux, "POST /suggestions", h.suggestPost)

	s.page(mux, "GET /admin/suggestions", h.adminSuggestions)
	s.page(mux, "POST /admin/suggestions/{id}", h.adminModerateSuggestion)
	s.page(mux, "GET /admin/initiatives/{id}/resultats", h.adminResults)
	s.page(mux, "POST /admin/initiatives/{id}/resultats", h.adminSaveSummary)
	s.page(mux, "POST /admin/initiatives/{id}/resultats/themes", h.adminAddTheme)
	s.page(mux, "POST /admin/initiatives/{id}/resultats/themes/{theme}/supprimer", h.adminDeleteTheme)
	s.page(mux, "POST /admin/initiatives/{id}/resultats/documents", h.adminAddDocument)
	s.page(mux, "POST /admin/initiatives/{id}/resultats/documents/{doc}/supprimer", h.adminDeleteDocument)
	s.page(mux, "POST /admin/initiatives/{id}/resultats/publier", h.adminPublish)
	s.page(mux, "POST /admin/initiatives/{id}/resultats/depublier", h.adminUnpublish)
	s.page(mux, "POST /admin/initiatives/{id}/resultats/suites", h.adminCreateFollowUp)
	s.page(mux, "POST /admin/suites/{id}/mises-a-jour", h.adminAddUpdate)
	s.page(mux, "POST /admin/suites/{id}/supprimer", h.adminDeleteFollowUp)
}
