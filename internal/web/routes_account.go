package web

import (
	"net/http"

	"participe/internal/account"
	"participe/internal/mail"
)

// accountHandlers serve sign-up, sign-in, second factor, OIDC and "Mon espace".
type accountHandlers struct {
	s    *Server
	svc  *account.Service
	oidc *account.OIDC
}

// routesAccount registers this area's routes (owned by the account area).
func (s *Server) routesAccount(mux *http.ServeMux) {
	s.Jobs.Handle(mail.JobKind, mail.Handler(mail.NewSender(s.Cfg, s.Log)))
	h := &accountHandlers{
		s:    s,
		svc:  account.New(s.DB, s.Clock, s.Jobs, s.Cat, s.Limiter, s.Cfg.BaseURL),
		oidc: account.NewOIDC(s.Cfg.OIDCIssuer, s.Cfg.OIDCClientID, s.Cfg.OIDCClientSecret, s.Cfg.BaseURL+"/connexion/oidc/retour"),
	}
	s.page(mux, "GET /inscription", h.signUpForm)
	s.page(mux, "POST /inscription", h.signUp)
	s.page(mux, "GET /inscription/envoye", h.signUpSent)
	s.page(mux, "POST /inscription/renvoyer", h.resend)
	s.page(mux, "GET /inscription/confirmer", h.verifyForm)
	s.page(mux, "POST /inscription/confirmer", h.verify)

	s.page(mux, "GET /connexion", h.signInForm)
	s.page(mux, "POST /connexion", h.signIn)
	s.page(mux, "GET /connexion/verification", h.secondFactorForm)
	s.page(mux, "POST /connexion/verification", h.secondFactor)
	s.page(mux, "GET /connexion/oidc", h.oidcStart)
	s.page(mux, "GET /connexion/oidc/retour", h.oidcReturn)
	s.page(mux, "POST /deconnexion", h.signOut)

	s.page(mux, "GET /mot-de-passe-oublie", h.forgotForm)
	s.page(mux, "POST /mot-de-passe-oublie", h.forgot)
	s.page(mux, "GET /mot-de-passe-oublie/envoye", h.forgotSent)
	s.page(mux, "GET /mot-de-passe-oublie/nouveau", h.resetForm)
	s.page(mux, "POST /mot-de-passe-oublie/nouveau", h.reset)

	s.page(mux, "GET /mon-espace", h.profileForm)
	s.page(mux, "POST /mon-espace", h.profileSave)
	s.page(mux, "GET /mon-espace/securite", h.show(h.securityPage, "account/security"))
	s.page(mux, "POST /mon-espace/securite/mot-de-passe", h.passwordChange)
	s.page(mux, "POST /mon-espace/securite/sessions", h.signOutOthers)
	s.page(mux, "GET /mon-espace/securite/2fa", h.totpForm)
	s.page(mux, "POST /mon-espace/securite/2fa", h.totpConfirm)
	s.page(mux, "POST /mon-espace/securite/2fa/codes", h.totpCodes)
	s.page(mux, "POST /mon-espace/securite/2fa/desactiver", h.totpDisable)
	s.page(mux, "GET /mon-espace/courriel", h.show(h.emailPage, "account/email"))
	s.page(mux, "POST /mon-espace/courriel", h.emailChange)
	s.page(mux, "GET /mon-espace/courriel/confirmer", h.emailConfirmForm)
	s.page(mux, "POST /mon-espace/courriel/confirmer", h.emailConfirm)
	s.page(mux, "GET /mon-espace/donnees", h.show(h.dataPage, "account/data"))
	s.page(mux, "GET /mon-espace/donnees/export", h.export)
	s.page(mux, "POST /mon-espace/supprimer", h.deleteAccount)
	s.page(mux, "GET /mon-espace/organisations", h.show(h.orgsPage, "account/organisations"))
	s.page(mux, "POST /mon-espace/organisations", h.orgCreate)
	s.page(mux, "POST /mon-espace/organisations/rejoindre", h.orgJoin)
	s.page(mux, "POST /mon-espace/organisations/decision", h.orgDecide)
	s.page(mux, "POST /mon-espace/organisations/quitter", h.orgLeave)
}
