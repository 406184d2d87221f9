package web

import (
	"net/http"

	"participe/internal/contrib"
	"participe/internal/notify"
	"participe/internal/tools/proposals"
)

// routesProposals registers the proposals tool, moderation and notifications (owned by
// the proposals area).
func (s *Server) routesProposals(mux *http.ServeMux) {
	n := notify.New(s.DB, s.Clock, s.Jobs, s.Cat, s.Cfg.BaseURL)
	n.Register(s.Jobs)
	s.UnreadCount = n.UnreadCount
	h := &proposalHandlers{
		s:      s,
		svc:    proposals.New(s.DB, s.Clock, n, s.Events, s.Cfg.UploadDir),
		mod:    contrib.NewModeration(s.DB, s.Clock, n),
		notify: n,
		pages:  newProposalPageCache(),
	}
	s.RegisterTool(ToolInfo{Code: proposals.Tool, NameKey: "proposals.tool.name", DescriptionKey: "proposals.tool.description",
		AdminPath: "/admin/initiatives/{id}/propositions", PublicPath: "/initiatives/{slug}/propositions"})

	// Public pages and participation.
	s.page(mux, "GET /initiatives/{slug}/propositions", h.cached(h.list))
	s.page(mux, "GET /initiatives/{slug}/propositions/nouvelle", h.newForm)
	s.page(mux, "POST /initiatives/{slug}/propositions", h.submit)
	s.page(mux, "GET /initiatives/{slug}/propositions/{id}", h.cached(h.show))
	s.page(mux, "GET /initiatives/{slug}/propositions/{id}/commentaires", h.cached(h.moreComments))
	s.page(mux, "POST /initiatives/{slug}/propositions/{id}/vote", h.vote)
	s.page(mux, "POST /initiatives/{slug}/propositions/{id}/arguments", h.argument)
	s.page(mux, "POST /initiatives/{slug}/propositions/{id}/arguments/{aid}/utile", h.useful)
	s.page(mux, "POST /initiatives/{slug}/propositions/{id}/commentaires", h.comment)
	s.page(mux, "POST /initiatives/{slug}/propositions/{id}/commentaires/{cid}/vote", h.commentVote)
	s.page(mux, "GET /propositions/fichiers/{id}", h.attachment)
	s.page(mux, "GET /contributions/{id}/signaler", h.reportForm)
	s.page(mux, "POST /contributions/{id}/signaler", h.report)
	s.page(mux, "POST /suivre", h.follow)

	// The participant's own space.
	s.page(mux, "GET /mon-espace/signalements", h.myReports)
	s.page(mux, "GET /mon-espace/notifications", h.notifications)
	s.page(mux, "POST /mon-espace/notifications/lues", h.markRead)
	s.page(mux, "GET /mon-espace/notifications/preferences", h.prefs)
	s.page(mux, "POST /mon-espace/notifications/preferences", h.savePrefs)

	// Back office.
	s.page(mux, "GET /admin/initiatives/{id}/propositions", h.admin)
	s.page(mux, "POST /admin/initiatives/{id}/propositions/parametres", h.saveSettings)
	s.page(mux, "GET /admin/initiatives/{id}/propositions/saisie", h.entryForm)
	s.page(mux, "POST /admin/initiatives/{id}/propositions/saisie", h.enter)
	s.page(mux, "POST /admin/initiatives/{id}/propositions/{pid}/reponse", h.answer)
	s.page(mux, "POST /admin/initiatives/{id}/propositions/reponses/publier", h.publishAnswers)
	s.page(mux, "GET /admin/moderation", h.queue)
	s.page(mux, "GET /admin/initiatives/{id}/moderation", h.queue)
	s.page(mux, "POST /admin/moderation/{cid}/masquer", h.hide)
	s.page(mux, "POST /admin/moderation/{cid}/retablir", h.restore)
	s.page(mux, "POST /admin/moderation/{cid}/bloquer", h.block)
}
