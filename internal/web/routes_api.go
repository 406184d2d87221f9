package web

import (
	"encoding/json"
	"net/http"

	"participe/internal/api"
	"participe/internal/notify"
	"participe/internal/tools/proposals"
)

// routesAPI registers this area's routes (owned by the api area): the versioned JSON
// API, its OpenAPI document and human documentation, and the back-office pages of API
// tokens.
func (s *Server) routesAPI(mux *http.ServeMux) {
	res := s.newResultsService()
	doc, err := json.Marshal(api.Document())
	if err != nil {
		panic("api: openapi document: " + err.Error())
	}
	n := notify.New(s.DB, s.Clock, s.Jobs, s.Cat, s.Cfg.BaseURL)
	h := &apiHandlers{s: s, store: api.NewStore(s.DB, s.Clock), signer: api.NewSigner(s.DB), tokens: api.NewTokens(s.DB, s.Clock),
		results: res, answers: proposals.New(s.DB, s.Clock, n, s.Events, s.Cfg.UploadDir), openapi: doc}
	for path, fn := range h.routes() {
		mux.Handle(path, h.wrap(fn))
	}
	// Unknown API paths answer problem+json, not the HTML 404 page.
	mux.Handle("/api/v1/", h.wrap(func(w http.ResponseWriter, r *http.Request) error {
		return apiErr(http.StatusNotFound, "introuvable", "Not found", "No such API endpoint; see /api/v1/openapi.json.")
	}))
	s.page(mux, "GET /api", h.docs)
	s.page(mux, "GET /api/v1/docs", h.docs)
	s.page(mux, "GET /admin/jetons-api", h.tokensPage)
	s.page(mux, "POST /admin/jetons-api", h.tokenCreate)
	s.page(mux, "POST /admin/jetons-api/{id}/revoquer", h.tokenRevoke)
}

// routes lists every /api/v1 route ("METHOD path" → handler); a test checks each one
// is described in the OpenAPI document.
func (h *apiHandlers) routes() map[string]apiFunc {
	return map[string]apiFunc{
		"GET /api/v1/initiatives":                h.initiatives,
		"GET /api/v1/initiatives/{slug}":         h.initiative,
		"GET /api/v1/initiatives/{slug}/results": h.initiativeResults,
		"GET /api/v1/bodies":                     h.bodies,
		"GET /api/v1/themes":                     h.themes,
		"GET /api/v1/contributions":              h.contributions,
		"GET /api/v1/answers":                    h.answersList,
		"POST /api/v1/answers":                   h.postAnswer,
		"GET /api/v1/results":                    h.resultsList,
		"GET /api/v1/follow-ups":                 h.followUps,
		"GET /api/v1/follow-ups/{id}":            h.followUp,
		"POST /api/v1/follow-ups/{id}/updates":   h.postUpdate,
		"GET /api/v1/openapi.json":               h.openAPI,
	}
}
