package web

import (
	"net/http"

	"participe/internal/account"
	"participe/internal/participe"
)

// Session keys of the sign-in flow.
const (
	// sessionPending2FA holds the person who passed the password but not yet the code.
	sessionPending2FA = "pending_2fa"
	sessionNext       = "signin_next"
	sessionOIDCState  = "oidc_state"
	sessionOIDCNonce  = "oidc_nonce"
	sessionOIDCVerif  = "oidc_verifier"
)

func (h *accountHandlers) next(r *http.Request) string {
	return SafeNext(r.FormValue("next"), LocalPath(LangFrom(r.Context()), "/mon-espace"))
}

// entryForm shows the sign-up or sign-in form, which goes on to ?next= afterwards.
func (h *accountHandlers) entryForm(w http.ResponseWriter, r *http.Request, titleKey, tmpl string) error {
	p := h.page(r, titleKey)
	p.Next = SafeNext(r.URL.Query().Get("next"), "")
	h.s.render(w, r, http.StatusOK, tmpl, p)
	return nil
}

// entryPost starts a posted sign-up or sign-in form: the page, the form parsed, next
// kept. An unreadable (oversized) form is shown on tmpl as an error, and then it
// returns nil: the answer is sent.
func (h *accountHandlers) entryPost(w http.ResponseWriter, r *http.Request, titleKey, tmpl string) *accountPage {
	p := h.page(r, titleKey)
	if err := parseForm(r); err != nil {
		showFormError(&p.Page, err, "email")
		h.s.render(w, r, http.StatusRequestEntityTooLarge, tmpl, p)
		return nil
	}
	p.Next = SafeNext(r.PostFormValue("next"), "")
	return p
}

func (h *accountHandlers) signUpForm(w http.ResponseWriter, r *http.Request) error {
	return h.entryForm(w, r, "account.signup.title", "account/signup")
}

func (h *accountHandlers) signUp(w http.ResponseWriter, r *http.Request) error {
	p := h.entryPost(w, r, "account.signup.title", "account/signup")
	if p == nil {
		return nil
	}
	p.Form = formValues(r, "email", "pseudonym", "terms")
	err := h.svc.SignUp(r.Context(), account.SignUpInput{
		Email: p.V("email"), Pseudonym: p.V("pseudonym"), Password: r.PostFormValue("password"),
		AcceptTerms: p.V("terms") == "1", Lang: LangFrom(r.Context()), IP: h.s.ClientIP(r),
	})
	if err != nil {
		return h.formError(w, r, p, "account/signup", "email", err)
	}
	h.s.Sessions.Put(r.Context(), "signup_email", p.V("email"))
	return h.redirect(w, r, "/inscription/envoye")
}

func (h *accountHandlers) signUpSent(w http.ResponseWriter, r *http.Request) error {
	p := h.page(r, "account.signup.sent.title")
	p.Form["email"] = h.s.Sessions.GetString(r.Context(), "signup_email")
	h.s.render(w, r, http.StatusOK, "account/sent", p)
	return nil
}

func (h *accountHandlers) resend(w http.ResponseWriter, r *http.Request) error {
	p, err := h.mailLinkForm(w, r, "account.signup.sent.title", "account/sent", h.svc.ResendVerification)
	if p == nil {
		return err
	}
	h.s.SetFlash(r.Context(), "success", p.T("account.signup.resent"))
	h.s.Sessions.Put(r.Context(), "signup_email", p.V("email"))
	return h.redirect(w, r, "/inscription/envoye")
}

// verifyForm shows a button rather than consuming the link on GET: mail scanners that
// prefetch links must not use up a single-use token.
func (h *accountHandlers) verifyForm(w http.ResponseWriter, r *http.Request) error {
	return h.linkForm(w, r, "account.verify.title", "account/verify")
}

func (h *accountHandlers) verify(w http.ResponseWriter, r *http.Request) error {
	p, err := h.linkPost(r, "account.verify.title")
	if err != nil {
		return err
	}
	if _, err := h.svc.VerifyEmail(r.Context(), p.Token); err != nil {
		return h.formError(w, r, p, "account/verify", "verify", err)
	}
	return h.done(w, r, "account.verify.done", "/connexion")
}

func (h *accountHandlers) signInForm(w http.ResponseWriter, r *http.Request) error {
	return h.entryForm(w, r, "account.signin.title", "account/signin")
}

func (h *accountHandlers) signIn(w http.ResponseWriter, r *http.Request) error {
	p := h.entryPost(w, r, "account.signin.title", "account/signin")
	if p == nil {
		return nil
	}
	p.Form = formValues(r, "email")
	res, err := h.svc.Authenticate(r.Context(), p.V("email"), r.PostFormValue("password"), h.s.ClientIP(r))
	if err != nil {
		return h.formError(w, r, p, "account/signin", "email", err)
	}
	next := h.next(r)
	if r.PostFormValue("next") == "" && res.Locale == "en" {
		// No page asked for: open "Mon espace" in the person's language.
		next = LocalPath("en", "/mon-espace")
	}
	return h.afterPassword(w, r, res, next)
}

// afterPassword continues a sign-in whose first factor passed: to the code page when
// the person has a second factor, else into a session (staff without a second factor
// are then sent to enrol before any back-office page).
func (h *accountHandlers) afterPassword(w http.ResponseWriter, r *http.Request, res account.SignInResult, next string) error {
	ctx := r.Context()
	if res.NeedsTOTP {
		if err := h.s.Sessions.RenewToken(ctx); err != nil {
			return err
		}
		h.s.Sessions.Put(ctx, sessionPending2FA, res.PersonID)
		h.s.Sessions.Put(ctx, sessionNext, next)
		http.Redirect(w, r, LocalPath(LangFrom(ctx), "/connexion/verification"), http.StatusSeeOther)
		return nil
	}
	if err := h.startSession(r, res.PersonID, false); err != nil {
		return err
	}
	if res.Staff {
		next = LocalPath(LangFrom(ctx), "/mon-espace/securite/2fa")
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// startSession signs in (new session token) and records the session for the list.
func (h *accountHandlers) startSession(r *http.Request, personID int64, secondFactor bool) error {
	ctx := r.Context()
	old := h.s.Sessions.Token(ctx)
	if err := h.s.SignIn(ctx, personID, secondFactor); err != nil {
		return err
	}
	_ = h.svc.ForgetSession(ctx, old)
	return h.svc.RecordSession(ctx, personID, h.s.Sessions.Token(ctx), r.UserAgent(), h.s.ClientIP(r))
}

// pendingPerson is who must type a code: a password just checked, or a signed-in
// person whose session has no second factor yet (staff sent here by the back office).
func (h *accountHandlers) pendingPerson(r *http.Request) int64 {
	if id := h.s.Sessions.GetInt64(r.Context(), sessionPending2FA); id != 0 {
		return id
	}
	if a := ActorFrom(r.Context()); !a.IsAnonymous() && !a.SecondFactor {
		return a.PersonID
	}
	return 0
}

func (h *accountHandlers) secondFactorForm(w http.ResponseWriter, r *http.Request) error {
	if h.pendingPerson(r) == 0 {
		return h.redirect(w, r, "/connexion")
	}
	if n := SafeNext(r.URL.Query().Get("next"), ""); n != "" {
		h.s.Sessions.Put(r.Context(), sessionNext, n)
	}
	p := h.page(r, "account.2fa.title")
	h.s.render(w, r, http.StatusOK, "account/second-factor", p)
	return nil
}

func (h *accountHandlers) secondFactor(w http.ResponseWriter, r *http.Request) error {
	id := h.pendingPerson(r)
	if id == 0 {
		return h.redirect(w, r, "/connexion")
	}
	p := h.page(r, "account.2fa.title")
	if err := parseForm(r); err != nil {
		return err
	}
	if err := h.svc.VerifySecondFactor(r.Context(), id, r.PostFormValue("code"), h.s.ClientIP(r)); err != nil {
		return h.formError(w, r, p, "account/second-factor", "code", err)
	}
	next := SafeNext(h.s.Sessions.PopString(r.Context(), sessionNext), LocalPath(LangFrom(r.Context()), "/mon-espace"))
	h.s.Sessions.Remove(r.Context(), sessionPending2FA)
	if err := h.startSession(r, id, true); err != nil {
		return err
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (h *accountHandlers) signOut(w http.ResponseWriter, r *http.Request) error {
	_ = h.svc.ForgetSession(r.Context(), h.s.Sessions.Token(r.Context()))
	if err := h.s.SignOut(r.Context()); err != nil {
		return err
	}
	return h.done(w, r, "account.signout.done", "/")
}

func (h *accountHandlers) oidcStart(w http.ResponseWriter, r *http.Request) error {
	if h.oidc == nil {
		return participe.Errorf(participe.ENOTFOUND, "oidc off")
	}
	st, err := h.oidc.Start(r.Context())
	if err != nil {
		return err
	}
	ctx := r.Context()
	h.s.Sessions.Put(ctx, sessionOIDCState, st.State)
	h.s.Sessions.Put(ctx, sessionOIDCNonce, st.Nonce)
	h.s.Sessions.Put(ctx, sessionOIDCVerif, st.Verifier)
	h.s.Sessions.Put(ctx, sessionNext, SafeNext(r.URL.Query().Get("next"), ""))
	h.s.Sessions.Put(ctx, "oidc_lang", LangFrom(ctx))
	http.Redirect(w, r, st.URL, http.StatusSeeOther)
	return nil
}

func (h *accountHandlers) oidcReturn(w http.ResponseWriter, r *http.Request) error {
	if h.oidc == nil {
		return participe.Errorf(participe.ENOTFOUND, "oidc off")
	}
	ctx := r.Context()
	state := h.s.Sessions.PopString(ctx, sessionOIDCState)
	nonce := h.s.Sessions.PopString(ctx, sessionOIDCNonce)
	verifier := h.s.Sessions.PopString(ctx, sessionOIDCVerif)
	lang := h.s.Sessions.PopString(ctx, "oidc_lang")
	q := r.URL.Query()
	if state == "" || q.Get("state") != state || q.Get("code") == "" {
		return participe.KeyError(participe.EINVALID, "account.oidc.failed")
	}
	claims, err := h.oidc.Finish(ctx, q.Get("code"), verifier, nonce)
	if err != nil {
		return err
	}
	res, err := h.svc.SignInOIDC(ctx, h.oidc.Issuer, claims, lang)
	if err != nil {
		return err
	}
	next := SafeNext(h.s.Sessions.PopString(ctx, sessionNext), LocalPath(lang, "/mon-espace"))
	return h.afterPassword(w, r, res, next)
}

func (h *accountHandlers) forgotForm(w http.ResponseWriter, r *http.Request) error {
	h.s.render(w, r, http.StatusOK, "account/forgot", h.page(r, "account.forgot.title"))
	return nil
}

func (h *accountHandlers) forgot(w http.ResponseWriter, r *http.Request) error {
	if p, err := h.mailLinkForm(w, r, "account.forgot.title", "account/forgot", h.svc.RequestReset); p == nil {
		return err
	}
	return h.redirect(w, r, "/mot-de-passe-oublie/envoye")
}

func (h *accountHandlers) forgotSent(w http.ResponseWriter, r *http.Request) error {
	h.s.render(w, r, http.StatusOK, "account/forgot-sent", h.page(r, "account.forgot.sent.title"))
	return nil
}

func (h *accountHandlers) resetForm(w http.ResponseWriter, r *http.Request) error {
	p := h.page(r, "account.reset.title")
	p.Token = r.URL.Query().Get("jeton")
	if err := h.svc.CheckResetToken(r.Context(), p.Token); err != nil {
		if st := showFormError(&p.Page, err, "password"); st != 0 {
			p.Token = ""
			h.s.render(w, r, st, "account/reset", p)
			return nil
		}
		return err
	}
	h.s.render(w, r, http.StatusOK, "account/reset", p)
	return nil
}

func (h *accountHandlers) reset(w http.ResponseWriter, r *http.Request) error {
	p, err := h.linkPost(r, "account.reset.title")
	if err != nil {
		return err
	}
	if _, err := h.svc.ResetPassword(r.Context(), p.Token, r.PostFormValue("password"), h.s.ClientIP(r)); err != nil {
		if st := showFormError(&p.Page, err, "password"); st != 0 {
			if h.svc.CheckResetToken(r.Context(), p.Token) != nil {
				p.Token = ""
			}
			h.s.render(w, r, st, "account/reset", p)
			return nil
		}
		return err
	}
	return h.done(w, r, "account.reset.done", "/connexion")
}
