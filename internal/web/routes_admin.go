package web

import (
	"net/http"

	"participe/internal/account"
	"participe/internal/account/admin"
	"participe/internal/participe"
)

// adminHandlers serve the back office.
type adminHandlers struct {
	s   *Server
	svc *admin.Service
}

// routesAdmin registers this area's routes (owned by the admin area). Every route goes
// through adminPage, so no back-office page is reachable without a staff role and a
// second factor; the service methods then check the role in the body concerned.
func (s *Server) routesAdmin(mux *http.ServeMux) {
	h := &adminHandlers{s: s, svc: admin.New(s.DB, s.Clock, s.Jobs, s.Cat, s.Cfg.BaseURL)}
	s.adminPage(mux, "GET /admin", h.dashboard)
	s.adminPage(mux, "GET /admin/organismes/nouveau", h.bodyNew)
	s.adminPage(mux, "POST /admin/organismes/nouveau", h.bodySave)
	s.adminPage(mux, "GET /admin/organismes/{body}", h.bodyHome)
	s.adminPage(mux, "GET /admin/organismes/{body}/modifier", h.bodyEdit)
	s.adminPage(mux, "POST /admin/organismes/{body}/modifier", h.bodySave)
	s.adminPage(mux, "GET /admin/organismes/{body}/personnel", h.staff)
	s.adminPage(mux, "POST /admin/organismes/{body}/personnel/inviter", h.invite)
	s.adminPage(mux, "POST /admin/organismes/{body}/personnel/roles", h.grant)
	s.adminPage(mux, "POST /admin/organismes/{body}/personnel/retirer", h.revoke)
	s.adminPage(mux, "GET /admin/organismes/{body}/initiatives/nouvelle", h.initiativeNew)
	s.adminPage(mux, "POST /admin/organismes/{body}/initiatives/nouvelle", h.initiativeSave)
	s.adminPage(mux, "GET /admin/initiatives/{id}", h.initiativeEdit)
	s.adminPage(mux, "POST /admin/initiatives/{id}", h.initiativeSave)
	s.adminPage(mux, "GET /admin/initiatives/{id}/apercu", h.initiativePreview)
	s.adminPage(mux, "POST /admin/initiatives/{id}/etat", h.initiativeState)
	s.adminPage(mux, "GET /admin/themes", h.themes)
	s.adminPage(mux, "GET /admin/themes/nouveau", h.themeEdit)
	s.adminPage(mux, "POST /admin/themes/nouveau", h.themeSave)
	s.adminPage(mux, "GET /admin/themes/{id}", h.themeEdit)
	s.adminPage(mux, "POST /admin/themes/{id}", h.themeSave)
	s.adminPage(mux, "GET /admin/journal", h.journal)
	// Invitations are accepted by people who are not staff yet.
	s.page(mux, "GET /invitation", h.invitation)
	s.page(mux, "POST /invitation", h.acceptInvitation)
}

// adminPage registers a back-office route (French and /en) behind the staff gate:
// visitors are sent to sign in; people without any staff role get 403; staff whose
// session has no second factor are sent to enrol or to type their code first.
// Other areas can register their /admin pages with it too.
func (s *Server) adminPage(mux *http.ServeMux, pattern string, h HandlerFunc) {
	s.page(mux, pattern, s.staffGate(h))
}

func (s *Server) staffGate(h HandlerFunc) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		a := ActorFrom(r.Context())
		if a.IsAnonymous() {
			return participe.Errorf(participe.EUNAUTHORIZED, "sign in")
		}
		if !a.IsStaff() {
			return participe.KeyError(participe.EFORBIDDEN, "error.forbidden.body")
		}
		if !a.SecondFactor {
			if r.Method != http.MethodGet {
				return participe.KeyError(participe.EFORBIDDEN, "account.totp.staff_required")
			}
			has, err := account.HasConfirmedTOTP(r.Context(), s.DB, a.PersonID)
			if err != nil {
				return err
			}
			lang := LangFrom(r.Context())
			target := LocalPath(lang, "/mon-espace/securite/2fa")
			if has {
				target = LocalPath(lang, "/connexion/verification") + "?next=" + urlQueryEscape(r.URL.RequestURI())
			}
			http.Redirect(w, r, target, http.StatusSeeOther)
			return nil
		}
		w.Header().Set("Cache-Control", "no-store")
		return h(w, r)
	}
}
